"""``hub connect SOURCE FILE``: publish a department system's export through its connector."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from connectors.base import MalformedFileError
from connectors.registry import CONNECTORS
from hub import bootstrap
from hub.adapters.kafka.log import KafkaEventLog
from hub.config import load_settings
from hub.domain.topic_access import source_user
from hub.entrypoints.cli import app
from hub.usecases.connecting import ConnectSummary, connect_file
from hub.usecases.publishing import Publisher

console = Console()


async def publish_export(
    source: str, path: Path, progress: Progress | None = None
) -> ConnectSummary:
    settings = load_settings()
    codec = bootstrap.codec(settings)
    connector = CONNECTORS[source]()
    task = progress.add_task(source, total=None) if progress else None

    def on_total(total: int) -> None:
        if progress and task is not None:
            progress.update(task, total=total)

    def on_row() -> None:
        if progress and task is not None:
            progress.advance(task)

    async with KafkaEventLog(settings.kafka_for(source_user(source))) as log:
        publisher = Publisher(log, codec, bootstrap.input_specs(settings))
        return await connect_file(connector, path, publisher, on_total, on_row)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )


def print_summary(summaries: list[ConnectSummary]) -> None:
    table = Table(
        "source",
        "file",
        "rows read",
        "rows published",
        "events",
        "dead-lettered",
        "by reason",
        "balanced",
    )
    for s in summaries:
        reasons = ", ".join(f"{code} {n}" for code, n in sorted(s.dead_letters.items())) or "-"
        table.add_row(
            s.source,
            s.file,
            str(s.rows_read),
            str(s.rows_published),
            str(s.events_published),
            str(s.rows_dead_lettered),
            reasons,
            "yes" if s.balanced else "[red]NO[/red]",
        )
    console.print(table)


@app.command()
def connect(
    source: str = typer.Argument(..., help=f"one of: {', '.join(sorted(CONNECTORS))}"),
    file: Path = typer.Argument(
        ..., help="the export file (provider-returns: a file or a folder of SLA files)", exists=True
    ),
) -> None:
    """Publish an export: every row becomes events or a dead letter with its reason."""
    if source not in CONNECTORS:
        console.print(
            f"[red]error:[/red] unknown source {source!r}; known: {', '.join(sorted(CONNECTORS))}"
        )
        raise typer.Exit(2)
    try:
        with progress_bar() as progress:
            summary = asyncio.run(publish_export(source, file, progress))
    except MalformedFileError as exc:
        console.print(f"[red]error:[/red] {exc}. Nothing was published.")
        raise typer.Exit(1) from None
    print_summary([summary])
