"""``hub worker``: run the stream processors (identity resolution, per-child processing)."""

from __future__ import annotations

import asyncio
from typing import Any

import faust
import typer
from rich.console import Console

from hub import bootstrap
from hub.adapters.avro_codec import UndecodableMessageError
from hub.adapters.consumer_lag import group_lag
from hub.adapters.kafka_admin import describe_topics
from hub.adapters.kafka_log import read_topic
from hub.adapters.sql_store import SqlHubStore
from hub.config import Settings, load_settings
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.entrypoints.cli import app
from hub.entrypoints.worker.app import build_app
from hub.services.resolution import Resolution
from hub.services.worker_steps import Router, sink_topics

console = Console(stderr=True)


def app_id(settings: Settings) -> str:
    return f"{settings.topic_namespace}-cin-hub" if settings.topic_namespace else "cin-hub"


async def rebuild_resolution(settings: Settings, router: Router) -> Resolution:
    """The resolver's index, rebuilt from every identity decision made so far."""
    resolution = Resolution()
    topic = router.topic("IdentityDecisionMade")
    if topic in await describe_topics(settings.bootstrap, [topic]):
        records = [
            router.codec.decode(r.value) for r in await read_topic(settings.bootstrap, topic)
        ]
        resolution.rebuild(r for r in records if isinstance(r, IdentityDecisionMade))
    return resolution


async def _missing_topics(settings: Settings, router: Router) -> list[str]:
    """Declared topics absent from the cluster: sending to one would block the worker."""
    names = [spec.name for spec in router.specs]
    existing = await describe_topics(settings.bootstrap, names)
    return [name for name in names if name not in existing]


def _decoded(router: Router, value: bytes) -> object:
    try:
        return router.codec.decode(value)
    except UndecodableMessageError:
        return None


def _stop_when_drained(faust_app: faust.App, settings: Settings, inputs: list[str]) -> None:
    state = {"quiet": 0, "stopping": False}

    @faust_app.timer(2.0)
    async def check_drained() -> None:
        if state["stopping"]:
            return
        try:
            lag = await group_lag(settings.bootstrap, faust_app.conf.id, inputs)
        except Exception:  # a passing admin error is "not drained yet", never a crash
            lag = -1
        state["quiet"] = state["quiet"] + 1 if lag == 0 else 0
        if state["quiet"] >= 2:  # drained on two checks in a row: nothing left in flight
            state["stopping"] = True
            faust_app.loop.create_task(_shutdown(faust_app))


async def _shutdown(faust_app: Any) -> None:
    await faust_app._worker.stop()


@app.command()
def worker(
    until_drained: bool = typer.Option(False, help="stop once every input topic is processed"),
    log_level: str = typer.Option("warn", help="Faust log level: crit, error, warn, info, debug"),
) -> None:
    """Run the stream worker until stopped (Ctrl-C), or until the topics are drained."""
    settings = load_settings()
    router = Router(bootstrap.codec(settings), list(bootstrap.topic_specs(settings)))
    missing = asyncio.run(_missing_topics(settings, router))
    if missing:
        console.print(
            f"[red]error:[/red] {len(missing)} declared topics do not exist "
            f"(e.g. {missing[0]}); run: hub topics apply"
        )
        raise typer.Exit(1)
    resolution = asyncio.run(rebuild_resolution(settings, router))
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    store = SqlHubStore(settings.database)
    faust_app = build_app(settings, router, resolution, app_id(settings), store)
    inputs = [
        *router.source_topics,
        router.topic("ResolvedEvent"),
        router.topic("ClaimTask"),
        *sink_topics(router),
    ]
    if until_drained:
        _stop_when_drained(faust_app, settings, inputs)
    worker_ = faust.Worker(faust_app, loglevel=log_level, quiet=True)
    faust_app._worker = worker_
    worker_.execute_from_commandline()
