"""``hub demo-data``: write a synthetic local authority's source exports and ground truth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from hub.entrypoints.cli.app import app
from hub.synthetic.calendar import CensusYear
from hub.synthetic.standard_formats import FILES, write_standard
from hub.synthetic.writer import generate


@app.command("demo-data")
def demo_data(
    outdir: Path = typer.Argument(..., help="directory to write the exports into"),
    children: int = typer.Option(1000, "--children", min=1, help="true children to create"),
    seed: int = typer.Option(1, "--seed", help="same seed, same bytes"),
    year: str = typer.Option("2025-26", "--year", help="census year, e.g. 2025-26"),
    formats: str = typer.Option(
        "hub", "--formats",
        help="hub: the hub's own export formats; standard: the CSC system as a CIN census XML "
        "and SSDA903 tables, early help and EHCPs as its SSD extract, plus a pupil roll "
        "(connectors/FORMATS.md, Standard formats)",
    ),
) -> None:
    """Generate realistic synthetic exports (formats: connectors/FORMATS.md)."""
    if formats not in ("hub", "standard"):
        raise typer.BadParameter("must be hub or standard", param_hint="--formats")
    try:
        census = CensusYear.parse(year)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--year") from error
    console = Console()
    started = time.perf_counter()
    if console.is_terminal:
        columns = ("[progress.description]{task.description}", BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("children", total=children)
            manifest = generate(outdir, children, seed, census,
                                lambda done: bar.advance(task, done))
    else:
        manifest = generate(outdir, children, seed, census)
    if formats == "standard":
        written = write_standard(outdir, children, seed, census)
        console.print("standard formats: " + ", ".join(
            f"{FILES[source]} {count:,} records" for source, count in written.items()))
    _summary(console, manifest, outdir, time.perf_counter() - started)


def _summary(console: Console, manifest: dict[str, Any], outdir: Path, seconds: float) -> None:
    table = Table(title=f"Synthetic authority {manifest['year']} (seed {manifest['seed']})")
    table.add_column("source")
    table.add_column("records", justify="right")
    table.add_column("children", justify="right")
    known = manifest["stats"]["children_per_source"]
    for source, count in manifest["counts"].items():
        table.add_row(source, f"{count:,}", f"{known.get(source, 0):,}")
    console.print(table)
    stats = manifest["stats"]
    console.print(
        f"{manifest['children']:,} children in {manifest['families']:,} families, "
        f"{manifest['records']:,} records in {seconds:.1f}s -> {outdir}\n"
        f"YOT children not known to CSC: {stats['yot_children_not_in_csc_pct']}%; "
        f"statemented SEN children in CSC: {stats['statemented_sen_children_in_csc_pct']}%; "
        f"CSC rows without UPN: {stats['csc_rows_without_upn_pct']}%"
    )
