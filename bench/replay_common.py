"""Shared by the replay benchmarks: a synthetic authority on the real broker, and rebuilding
it with the real ``hub`` commands in fresh namespaces (as ``hub replay`` does).

The broker is the one of the current settings (the local one is started if needed). Every
run uses its own namespaces and SQLite files under a temporary folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from time_limit import step

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub import bootstrap
from hub.adapters.broker.local import LocalBroker
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.consumer_lag import group_lag, records_in
from hub.adapters.kafka.log import KafkaEventLog
from hub.config import Settings, load_settings
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher

YEAR = "2025-26"
TODAY = date(2026, 11, 1)


@dataclass
class Published:
    settings: Settings
    namespace: str
    source_topics: list[str]
    events: int
    folder: Path


def broker_settings() -> Settings:
    settings = load_settings()
    if settings.uses_local_broker:
        LocalBroker(settings).start(timeout_s=120.0)
    return settings


async def publish(settings: Settings, folder: Path, children: int, seed: int) -> Published:
    """A synthetic authority through every connector into a fresh namespace."""
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    step(f"generating and publishing {children} children through the connectors")
    exports = folder / "exports"
    generate(exports, children, seed, CensusYear.parse(YEAR))
    specs = load_topic_specs(settings.topics_file, namespace)
    await apply_topics(settings.bootstrap, list(specs))
    async with KafkaEventLog(settings.bootstrap) as log:
        publisher = Publisher(log, bootstrap.codec(settings), list(specs))
        for source, name in EXPORT_FILES.items():
            await connect_file(CONNECTORS[source](TODAY), exports / name, publisher)
    sources = [s.name for s in specs if ".source." in s.name]
    events = await records_in(settings.bootstrap, sources)
    return Published(settings, namespace, sources, events, folder)


async def delete_namespace(bootstrap_servers: str, namespace: str) -> int:
    """Delete the topics of ``namespace`` and of the namespaces named after it (``<ns>-replay``,
    ``<ns>-split``...), and the state files a worker kept for them here; returns how many
    topics went. A benchmark cleans up after itself: a run
    makes dozens of topics per namespace, and a broker that keeps them all grows slower to
    start and to answer for every topic it holds."""
    step(f"deleting the topics of {namespace}*")
    async with admin_client(bootstrap_servers) as admin:
        names = [t for t in await admin.list_topics()
                 if t.startswith((f"{namespace}.", f"{namespace}-"))]
        if names:
            await admin.delete_topics(names)
    tables = load_settings().tables_dir  # the children stage's files kept for these topics
    for name in names:
        for suffix in ("", "-wal", "-shm"):  # (not the lock: a worker may still hold it)
            (tables / f"{name}.sqlite{suffix}").unlink(missing_ok=True)
    return len(names)


@contextmanager
def published_authority(settings: Settings, folder: Path, children: int, seed: int,
                        keep: bool = False) -> Iterator[Published]:
    """:func:`publish`, and the namespace and those named after it deleted afterwards, even
    when the benchmark fails (``keep``: left on the broker to look at)."""
    published = asyncio.run(publish(settings, folder, children, seed))
    try:
        yield published
    finally:
        if not keep:
            asyncio.run(delete_namespace(settings.bootstrap, published.namespace))


def rebuild_env(published: Published, out: str) -> dict[str, str]:
    s = published.settings
    return {
        **os.environ,
        "HUB_HOME": str(s.home),
        "KAFKA_BOOTSTRAP_SERVERS": s.bootstrap,
        "HUB_TOPIC_NAMESPACE": out,
        "HUB_SOURCE_NAMESPACE": published.namespace,
        "HUB_DATABASE_URL": f"sqlite:///{published.folder / out / 'hub.db'}",
    }


HUB_COMMAND_LIMIT_S = 1800.0  # any one hub command of a benchmark (a 10,000-child drain: minutes)


def hub(env: dict[str, str], *args: str, log: Path | None = None,
        limit_s: float = HUB_COMMAND_LIMIT_S, profile: Path | None = None) -> None:
    """Run one ``hub`` command; after ``limit_s`` give up, naming the command and its log.
    ``profile``: run it under cProfile, its statistics written there when it ends."""
    stdout = log.open("ab") if log else subprocess.DEVNULL
    step(f"`hub {' '.join(args)}` to finish" + (f" (its log: {log})" if log else ""))
    under = ["-m", "cProfile", "-o", str(profile)] if profile else []
    try:
        subprocess.run([sys.executable, *under, "-m", "hub", *args], env=env, stdout=stdout,
                       stderr=subprocess.STDOUT, check=True, timeout=limit_s)
    except subprocess.TimeoutExpired as timed_out:
        where = f"; its output is in {log}" if log else ""
        raise TimeoutError(
            f"`hub {' '.join(args)}` did not finish within {limit_s:.0f} s{where}"
        ) from timed_out
    finally:
        if log:
            stdout.close()  # type: ignore[union-attr]


def prepare(published: Published, out: str) -> dict[str, str]:
    """A fresh output namespace with its topics; returns the env that runs the hub there."""
    (published.folder / out).mkdir(parents=True, exist_ok=True)
    env = rebuild_env(published, out)
    hub(env, "topics", "apply")
    return env


def progress(published: Published, env: dict[str, str]) -> dict[str, float]:
    """Share of its input each stage has committed in that namespace (resolver, children)."""
    out, bootstrap = env["HUB_TOPIC_NAMESPACE"], published.settings.bootstrap
    resolved = [f"{out}.cin.hub.resolved-events.v1"]
    left_resolver = asyncio.run(group_lag(bootstrap, f"{out}-cin-hub-resolver",
                                          published.source_topics))
    left_children = asyncio.run(group_lag(bootstrap, f"{out}-cin-hub", resolved))
    total_children = asyncio.run(records_in(bootstrap, resolved)) or 1
    return {"resolver": round(1 - left_resolver / published.events, 3),
            "children": round(1 - left_children / total_children, 3)}


def drain(env: dict[str, str], log: Path) -> float:
    """``hub worker --until-drained``; returns its wall time in seconds.
    ``HUB_BENCH_PROFILE_WORKER=FILE`` runs it under cProfile (statistics in FILE)."""
    began = time.perf_counter()
    profile = os.environ.get("HUB_BENCH_PROFILE_WORKER")
    hub(env, "worker", "--until-drained", log=log, profile=Path(profile) if profile else None)
    return time.perf_counter() - began


def drain_split(env: dict[str, str], folder: Path,
                limit_s: float = HUB_COMMAND_LIMIT_S) -> float:
    """One ``hub worker --stage S --until-drained`` process per stage, all at once; returns
    the wall time until the last one ends. Logs: ``worker-<stage>.log`` in ``folder``."""
    began = time.perf_counter()
    step(f"three stage processes to drain (their logs: {folder}/worker-*.log)")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for stage in ("resolver", "children", "sink"):
        with (folder / f"worker-{stage}.log").open("ab") as out:
            procs[stage] = subprocess.Popen(
                [sys.executable, "-m", "hub", "worker", "--until-drained", "--stage", stage],
                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for stage, proc in procs.items():
            left = max(1.0, limit_s - (time.perf_counter() - began))
            try:
                code = proc.wait(timeout=left)
            except subprocess.TimeoutExpired as timed_out:
                raise TimeoutError(f"the {stage} stage did not drain within {limit_s:.0f} s; "
                                   f"its log: {folder}/worker-{stage}.log") from timed_out
            if code != 0:
                raise RuntimeError(f"the {stage} stage exited {code}; "
                                   f"its log: {folder}/worker-{stage}.log")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
    return time.perf_counter() - began


def census(env: dict[str, str], folder: Path) -> dict[str, str]:
    hub(env, "census", "compile", "--year", YEAR, "--out", str(folder), "--no-validate")
    return checksums(folder)


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def report(result: dict) -> None:  # type: ignore[type-arg]
    print(json.dumps(result, indent=2))
