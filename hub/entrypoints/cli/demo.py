"""``hub demo``: the main job on embedded defaults (local Kafka, SQLite).

Starts the local broker, applies topics.yaml, round-trips one example of every event type (in
the smoke namespace ``smoke-<namespace>``: the authority's own refuses examples), writes a
synthetic local authority, publishes every source through its connector, runs the stream
worker until the topics are drained, compiles the census and says what was produced where.

Each authority (year, seed, size) gets its own topic namespace and SQLite file, so a second
demo of a different size never mixes its records with the first one's; running the same
demo again republishes the same events (idempotent) and changes nothing. At the end the hub
is switched over to the demo (the pointer ``hub replay`` uses), so ``hub timeline``, the
inbox and ``hub census compile`` show it without further settings.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console

from connectors.registry import EXPORT_FILES
from hub import bootstrap
from hub.config import Settings, active_file, load_settings, switch_over
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.connect import print_summary, progress_bar, publish_export
from hub.entrypoints.cli.connect_standard import publish_cin_census
from hub.entrypoints.cli.events import smoke
from hub.synthetic.calendar import CensusYear
from hub.synthetic.standard_formats import FILES as STANDARD_FILES
from hub.synthetic.standard_formats import write_standard
from hub.synthetic.writer import generate
from hub.usecases.connecting import ConnectSummary

console = Console()


@app.command()
def demo(
    children: int = typer.Option(2000, "--children", min=1, help="size of the synthetic authority"),
    seed: int = typer.Option(1, "--seed", help="same seed, same authority"),
    year: str = typer.Option("2025-26", "--year", help="census year"),
    formats: str = typer.Option(
        "hub", "--formats", help="hub, or standard: CSC as a CIN census XML and SSDA903 tables, "
        "early help and EHCPs as an SSD extract, plus a pupil roll (hub demo-data --formats "
        "standard)",
    ),
) -> None:
    """Run the whole path on embedded defaults and say what was produced and where."""
    if formats not in ("hub", "standard"):
        raise typer.BadParameter("must be hub or standard", param_hint="--formats")
    suffix = "" if formats == "hub" else "-standard"
    base = load_settings(follow=False)  # the namespace the hub was set up with, not a switch
    settings = _isolate(base, f"demo-{year}-s{seed}-c{children}{suffix}")
    _broker(settings)
    report = asyncio.run(bootstrap.apply_declared_topics(settings, bootstrap.topic_specs(settings)))
    console.print(
        f"[bold]2. topics[/bold] {len(report.created)} created, "
        f"{len(report.unchanged)} already as declared, {len(report.drift)} drifting"
    )
    console.print("[bold]3. event contract[/bold] one example of every type, read back in the "
                  "smoke namespace (never the authority's)")
    smoke()
    exports = settings.home / ".hub" / "demo" / f"authority-{year}-seed{seed}-{children}{suffix}"
    console.print(f"[bold]4. synthetic authority[/bold] {children:,} children -> {exports}")
    generate(exports, children, seed, CensusYear.parse(year))
    if formats == "standard":
        write_standard(exports, children, seed, CensusYear.parse(year))
    console.print("[bold]5. connectors[/bold] publishing every source")
    print_summary(_publish_all(exports))
    console.print("[bold]6. stream worker[/bold] identity, contacts, flags, tasks, episodes")
    _hub("worker", "--until-drained")
    census = settings.home / "out" / f"census-{year}"
    console.print(f"[bold]7. census[/bold] compiling {year} -> {census}")
    _hub("census", "compile", "--year", year, "--out", str(census), not_ready_ok=True)
    switch_over(active_file(base), settings.topic_namespace, settings.topic_namespace,
                settings.database)
    console.print(
        f"\n[bold green]Done.[/bold green] Exports: {exports}\nDatabase: {settings.database}\n"
        f"Topics: namespace {settings.topic_namespace} (the hub now serves it)\n"
        f"Census files: {census}\nTry: hub timeline <child key> (keys are in the database)"
    )
    if settings.uses_local_broker:
        console.print("The broker keeps running for you to explore; stop it with: hub broker stop")


def _isolate(base: Settings, name: str) -> Settings:
    """Settings (and environment, for the commands run as processes) of the demo's own
    namespace and database."""
    root = base.topic_namespace
    namespace = f"{root}.{name}" if root else name
    database = base.database_url or f"sqlite:///{base.state_dir / (namespace + '.db')}"
    os.environ.update({"HUB_TOPIC_NAMESPACE": namespace, "HUB_SOURCE_NAMESPACE": namespace,
                       "HUB_DATABASE_URL": database})
    return load_settings()


def _broker(settings: Settings) -> None:
    if settings.uses_local_broker:
        pid = bootstrap.start_local_broker(settings, timeout_s=120.0)
        console.print(f"[bold]1. broker[/bold] running (pid {pid}) at {settings.bootstrap}")
    else:
        console.print(f"[bold]1. broker[/bold] using the cluster at {settings.bootstrap}")


NOT_READY = (3, 4)  # hub census compile: written, but the validator found errors or did not run


def _hub(*args: str, not_ready_ok: bool = False) -> None:
    """Run a hub command as its own process (the worker owns its event loop, signals and exit).

    ``not_ready_ok``: a census written but not ready to send (its own message says why) lets
    the demo finish, so the files and the hub can still be explored."""
    done = subprocess.run([sys.executable, "-m", "hub", *args], check=False)
    if not_ready_ok and done.returncode in NOT_READY:
        console.print("[yellow]the census files are written but not ready to send[/yellow]")
        return
    if done.returncode != 0:
        console.print(f"[red]error:[/red] hub {' '.join(args)} failed (exit {done.returncode})")
        raise typer.Exit(done.returncode)


def _publish_all(exports: Path) -> list[ConnectSummary]:
    """Every export the folder holds: the hub's formats, and the standard ones when written."""
    summaries = []
    with progress_bar() as progress:
        for source, name in {**EXPORT_FILES, **STANDARD_FILES}.items():
            if not (exports / name).exists():
                continue  # standard formats: the CSC system's file is the CIN census instead
            if source == "cin-census":
                result = asyncio.run(publish_cin_census(exports / name, None, progress))
                summaries.append(result.summary)
            else:
                summaries.append(asyncio.run(publish_export(source, exports / name, progress)))
    return summaries
