"""``hub replay --year 2025-26``: rebuild everything from the topics, compare, then switch over.

1. A fresh namespace (``--name``, default ``replay-<UTC time>``): its own topics, app id
   and changelogs, and database (a new SQLite file, or a new PostgreSQL schema). A namespace
   that already holds records on the cluster (any of its topics or changelogs, or committed
   offsets of its consumer groups), or one with a replay folder or database here, is refused
   with exit code 2 before anything is created (``hub.domain.replay_namespace``).
2. A worker runs there until drained, reading the current namespace's source and command
   topics from the beginning (``HUB_SOURCE_NAMESPACE``); progress and ETA are shown.
3. The census is compiled from the replay and from the current state, and the difference is
   written to ``diff.json`` beside the replay's files.
4. Only then does the hub switch over (unless ``--no-switch``): the pointer file makes every
   ``hub`` command use the replay's namespace and database from now on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from hub import bootstrap
from hub.config import Settings, load_settings, switch_file, switch_over
from hub.domain.replay_namespace import REFUSED_EXIT, NamespaceUse, replay_refusal
from hub.domain.topic_access import WORKER
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.worker import app_id
from hub.entrypoints.worker.runner import STAGES, Groups
from hub.entrypoints.worker.stages import ChildTables
from hub.topics_spec import load_topic_specs
from hub.usecases.census_diff import CensusDiff, diff_folders
from hub.usecases.topic_grants import namespace_grants
from hub.usecases.worker_steps import Router

out, err = Console(highlight=False), Console(stderr=True, highlight=False)
ALWAYS_DIFFERENT = ("manifest.json", "cin_validation.json")


def _env(settings: Settings, namespace: str, source: str, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_HOME": str(settings.home),
        **bootstrap.worker_connection_env(settings),  # the replay's worker acts as the worker
        "HUB_TOPIC_NAMESPACE": namespace,
        "HUB_SOURCE_NAMESPACE": source,
        "HUB_DATABASE_URL": database,
    }


def _refuse(message: str) -> typer.Exit:
    err.print("[red]error:[/red]", escape(message), soft_wrap=True)
    return typer.Exit(REFUSED_EXIT)


async def _namespace_use(settings: Settings, name: str) -> NamespaceUse:
    """What the cluster already holds under ``name``: its declared topics, the changelogs and
    the consumer groups its worker would use."""
    groups = Groups(app_id(settings.model_copy(update={"topic_namespace": name})))
    topics = [spec.name for spec in load_topic_specs(settings.topics_file, name)]
    topics += [table.topic for table in ChildTables.named(groups.changelog).all]
    held = await bootstrap.records_held(settings, topics)
    committed = await bootstrap.groups_with_offsets(
        settings, [groups.resolver, groups.children, groups.sink])
    return NamespaceUse(held, tuple(committed))


def _watch(workers: list[subprocess.Popen[bytes]], settings: Settings,
           env: dict[str, str]) -> None:
    """Progress of the resolver over every input, then of the downstream agents, until every
    worker process has ended, or one has failed (the caller stops the others)."""
    replay = load_settings(env)
    router = Router(
        bootstrap.codec(replay), list(bootstrap.topic_specs(replay)),
        list(bootstrap.input_specs(replay)),
    )
    groups = Groups(app_id(replay))
    stages = [
        ("resolving", groups.resolver, router.resolver_inputs),
        ("processing", groups.children, [router.topic("ResolvedEvent")]),
    ]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        tasks = {name: progress.add_task(name, total=None) for name, _, _ in stages}
        while any(w.poll() is None for w in workers):
            if any(w.poll() not in (None, 0) for w in workers):
                return
            for name, group, topics in stages:
                try:
                    total = asyncio.run(bootstrap.records_in(settings, topics))
                    left = asyncio.run(bootstrap.group_lag(settings, group, topics))
                except Exception:  # noqa: S112 (the worker may still be creating its topics)
                    continue
                progress.update(tasks[name], total=total, completed=total - left)
            with contextlib.suppress(subprocess.TimeoutExpired):
                workers[-1].wait(timeout=2.0)  # a 2 s pause, over as soon as the last one ends


def worker_logs(folder: Path, split: bool) -> list[Path]:
    """Where the replay's worker processes write: ``worker.log``, or one per stage."""
    return [folder / f"worker-{stage}.log" for stage in STAGES] if split else [
        folder / "worker.log"]


def _rebuild(settings: Settings, env: dict[str, str], folder: Path, split: bool) -> bool:
    """Run the replay's worker (one process, or one per stage) until drained; True when
    every process ended well. Each writes to its log (:func:`worker_logs`)."""
    command = [sys.executable, "-m", "hub", "worker", "--until-drained"]
    runs = [[*command, "--stage", stage] for stage in STAGES] if split else [command]
    workers = []
    for run, path in zip(runs, worker_logs(folder, split), strict=True):
        with path.open("wb") as log:  # the child process keeps its own copy of the file
            workers.append(subprocess.Popen(run, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        _watch(workers, settings, env)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
            worker.wait()
    return all(worker.returncode == 0 for worker in workers)


def _compile(env: dict[str, str], year: str, folder: Path, validate: bool) -> None:
    command = [sys.executable, "-m", "hub", "census", "compile", "--year", year,
               "--out", str(folder), "--validate" if validate else "--no-validate"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        err.print(done.stdout[-2000:], done.stderr[-2000:], soft_wrap=True)
        raise typer.Exit(1)


def _show(diff: CensusDiff) -> None:
    table = Table("file", "compared with current", "rows added", "rows removed")
    for f in diff.files:
        table.add_row(f.name, f.status, str(f.rows_added), str(f.rows_removed))
    out.print(table)


@app.command()
def replay(
    year: str = typer.Option(..., "--year", help="census year to compile, e.g. 2025-26"),
    name: str | None = typer.Option(
        None, help="namespace of the rebuild, new and empty (default: replay-<UTC time>)"),
    switch: bool = typer.Option(True, "--switch/--no-switch", help="switch over when done"),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="run the DfE validator"),
    split: bool = typer.Option(
        False, help="run each stage of the rebuild in its own process (resolver, children, "
                    "sink): faster on a machine with more than one core; same census files"),
) -> None:
    """Rebuild every table, episode and census file from the topics into a fresh namespace.

    The namespace must be new: one whose topics, changelogs or consumer groups already hold
    records on the cluster (an earlier replay of that name, from this hub or another on the
    same cluster) is refused with exit code 2 and nothing is created. Pick a name never used
    on the cluster (for example the date and purpose: --name replay-2026-04-census), or
    leave --name out for replay-<UTC time>.
    """
    settings = load_settings()
    source = settings.source_namespace if settings.source_namespace is not None else (
        settings.topic_namespace)
    name = name or "replay-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = settings.state_dir / "replays" / name
    if (folder / "census").exists():
        raise _refuse(f"replay {name} already exists in {folder}: pick a new --name")
    refusal = replay_refusal(name, current=settings.topic_namespace, source=source,
                             use=asyncio.run(_namespace_use(settings, name)))
    if refusal:
        raise _refuse(refusal)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        database = bootstrap.fresh_replay_database(settings, name, folder)
    except FileExistsError as exc:
        if created:  # refused: leave nothing behind
            shutil.rmtree(folder, ignore_errors=True)
        raise _refuse(f"{exc}: pick a new --name") from exc
    specs = load_topic_specs(settings.topics_file, name)
    asyncio.run(bootstrap.create_topics(settings.kafka, list(specs)))
    if settings.broker_secure or settings.kafka.security.uses_sasl:  # replay worker ACLs
        asyncio.run(bootstrap.grant(settings, namespace_grants(settings, name)))
    env = _env(settings, name, source, database)
    acting = settings.kafka_for(WORKER).security.user
    if acting is not None and acting == settings.kafka.security.user:
        out.print(f"[yellow]note:[/yellow] the replay's worker connects as {acting}, your own "
                  "user: set HUB_WORKER_KAFKA_USER and HUB_WORKER_KAFKA_PASSWORD_FILE to run it "
                  "as the worker role (docs/security.md)")
    logs = ", ".join(str(p) for p in worker_logs(folder, split))
    out.print(f"replaying namespace {source or '(default)'} into {name}"
              f"{' (one process per stage)' if split else ''}; log: {logs}")
    if not _rebuild(settings, env, folder, split):
        err.print("[red]error:[/red] the replay worker failed; nothing switched. "
                  f"See {', '.join(str(p) for p in worker_logs(folder, split))}")
        raise typer.Exit(1)
    _compile(env, year, folder / "census", validate)
    _compile(dict(os.environ), year, folder / "current-census", validate=False)
    diff = diff_folders(folder / "current-census", folder / "census", ALWAYS_DIFFERENT)
    (folder / "diff.json").write_text(json.dumps(diff.as_dict(), indent=2) + "\n")
    _show(diff)
    out.print(f"census files: {folder / 'census'}; diff: {folder / 'diff.json'}")
    if switch:
        pointer = switch_file(settings)
        switch_over(pointer, name, source, database)
        out.print(f"switched over: the hub now serves {name} ({pointer})")
