"""``hub link INPUT.csv OUTPUT.csv``: resolve person records to hub child keys.

Reads records in file order, decides LINK / NEW / POSSIBLE_MATCH for each and writes
``record_id,child_key,decision,score``. No personal data is printed: only counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from hub import bootstrap
from hub.domain.identity.batch import LinkSummary, resolve_all
from hub.domain.identity.config import MatchConfig
from hub.domain.identity.records import PersonRecord
from hub.entrypoints.cli.app import app
from hub.ports import InputFileError, ReadStats

console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )


def _print_summary(summary: LinkSummary, stats: ReadStats, output: Path) -> None:
    out = Console()
    out.print(f"records: {summary.records}")
    out.print(f"links: {summary.links}")
    out.print(f"new children: {summary.new}")
    out.print(f"possible matches: {summary.possible_matches}")
    if summary.held_for_review:
        out.print(f"links held for review (a conflicting identifier): {summary.held_for_review}")
    if summary.ignored_identifiers or stats.unreadable_dates:
        out.print(f"records with an invalid UPN/NHS number: {summary.ignored_identifiers}")
        out.print(f"unreadable dates of birth (read as unknown): {stats.unreadable_dates}")
    out.print(f"written: {output}")


@app.command("link")
def link(
    input_csv: Annotated[Path, typer.Argument(metavar="INPUT.csv", help="person records")],
    output_csv: Annotated[Path, typer.Argument(metavar="OUTPUT.csv", help="decisions to write")],
    config: Annotated[
        Path | None, typer.Option(help="TOML file with an \\[identity] table of weights")
    ] = None,
) -> None:
    """Resolve every record of INPUT.csv to a child key, in file order."""
    try:
        match_config = bootstrap.match_config(config)
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from exc
    summary, stats = LinkSummary(), ReadStats()
    partial = output_csv.with_name(output_csv.name + ".part")
    try:
        with bootstrap.person_records(input_csv, stats) as records:
            _run(records, partial, bootstrap.person_rows(input_csv), match_config, summary)
        partial.replace(output_csv)
    except (InputFileError, OSError) as exc:
        partial.unlink(missing_ok=True)
        where = "" if str(input_csv) in str(exc) else f"{input_csv}: "
        console.print(f"[red]error:[/red] {where}{exc}", highlight=False)
        raise typer.Exit(2) from exc
    _print_summary(summary, stats, output_csv)


def _run(
    records: Iterable[PersonRecord],
    output: Path,
    total: int,
    config: MatchConfig,
    summary: LinkSummary,
) -> None:
    with output.open("w", encoding="utf-8", newline="") as out, _progress() as bar:
        task = bar.add_task("linking", total=total)
        for _ in bootstrap.write_link_decisions(out, resolve_all(records, config, None, summary)):
            bar.advance(task)
