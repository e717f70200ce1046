"""``hub worker``: run the stream processors (identity resolution, per-child processing)."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.domain.topic_access import WORKER
from hub.entrypoints.cli.app import app
from hub.entrypoints.worker.runner import STAGES, run_worker, unknown_stage
from hub.logging import configure_logging, get_logger
from hub.usecases.identity_rebuild import rebuild_resolution
from hub.usecases.worker_steps import Router

console = Console(stderr=True)
log = get_logger(__name__)


def app_id(settings: Settings) -> str:
    return f"{settings.topic_namespace}-cin-hub" if settings.topic_namespace else "cin-hub"


async def _missing_topics(settings: Settings, router: Router) -> list[str]:
    """Declared topics absent from the cluster: sending to one would block the worker."""
    names = [*(spec.name for spec in router.specs), *router.resolver_inputs]
    existing = await bootstrap.existing_topics(settings.kafka_for(WORKER), names)
    return [name for name in names if name not in existing]


@app.command()
def worker(
    until_drained: bool = typer.Option(False, help="stop once every input topic is processed"),
    log_level: str | None = typer.Option(None, help="log level of the worker (e.g. info, debug)"),
    stall_after: float = typer.Option(
        300.0, help="with --until-drained: give up (exit 3) if the lag has not moved for this long"
    ),
    stage: list[str] = typer.Option(
        list(STAGES), "--stage",
        help="run only this stage (repeat for more): resolver, children or sink; one process "
             "per stage shares the work between cores or machines (docs/worker.md)"),
    lease: bool = typer.Option(
        False, help="with --stage resolver: run the resolver behind a lease; start two such "
                    "processes, and the second waits as a warm standby that takes over within "
                    "seconds when the first dies (exit 4: this process lost the lease)"),
) -> None:
    """Run the stream worker until stopped (Ctrl-C), or until the topics are drained."""
    if log_level:
        configure_logging({"warn": "WARNING"}.get(log_level.lower(), log_level.upper()))
    if (refused := unknown_stage(stage)) is not None:
        console.print(f"[red]error:[/red] {refused}")
        raise typer.Exit(2)
    if lease and set(stage) != {"resolver"}:
        # a second such process would run the children and sink stages beside the first's
        # (and its state producer would fence the first's): only the resolver waits its turn
        console.print("[red]error:[/red] --lease is for the resolver alone: run it with "
                      "--stage resolver, and the children and sink stages in their own "
                      "processes (docs/worker.md)")
        raise typer.Exit(2)
    settings = load_settings()
    codec = bootstrap.codec(settings)
    router = Router(
        codec, list(bootstrap.topic_specs(settings)), list(bootstrap.input_specs(settings)),
        on_dead_letter=bootstrap.dead_letter_counter(),
    )
    missing = asyncio.run(_missing_topics(settings, router))
    if missing:
        console.print(
            f"[red]error:[/red] {len(missing)} declared topics do not exist "
            f"(e.g. {missing[0]}); run: hub topics apply"
        )
        raise typer.Exit(1)
    resolution = (asyncio.run(rebuild_resolution(router, bootstrap.topic_reader(settings)))
                  if "resolver" in stage and not lease else None)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    store = bootstrap.sql_store(settings)
    code = asyncio.run(
        run_worker(settings, router, resolution, store, app_id(settings),
                   actors=bootstrap.staff_directory(settings),
                   until_drained=until_drained, stall_after=stall_after, stages=stage, lease=lease)
    )
    raise typer.Exit(code)
