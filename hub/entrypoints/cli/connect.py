"""``hub connect SOURCE FILE``: publish a department system's export through its connector."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from connectors.base import MalformedFileError
from connectors.registry import CONNECTORS
from connectors.standard_registry import STANDARD_CONNECTORS
from hub import bootstrap
from hub.config import load_settings
from hub.domain.import_ledger import LedgerError
from hub.domain.topic_access import publishing_user
from hub.entrypoints.cli.app import app
from hub.entrypoints.cli.connect_standard import print_census_import, publish_cin_census
from hub.usecases.connecting import ConnectSummary, connect_file
from hub.usecases.publishing import Publisher

console = Console()
SOURCES = sorted({*CONNECTORS, *STANDARD_CONNECTORS})


async def publish_export(
    source: str, path: Path, progress: Progress | None = None
) -> ConnectSummary:
    settings = load_settings()
    codec = bootstrap.codec(settings)
    connector = {**CONNECTORS, **STANDARD_CONNECTORS}[source]()
    task = progress.add_task(source, total=None) if progress else None

    def on_total(total: int) -> None:
        if progress and task is not None:
            progress.update(task, total=total)

    def on_row() -> None:
        if progress and task is not None:
            progress.advance(task)

    async with bootstrap.event_log(settings.kafka_for(publishing_user(source))) as log:
        publisher = Publisher(log, codec, bootstrap.input_specs(settings))
        summary = await connect_file(connector, path, publisher, on_total, on_row)
    bootstrap.record_receipt(settings, summary.receipt(bootstrap.file_digest(path)))
    return summary


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
    source: str = typer.Argument(..., help=f"one of: {', '.join(SOURCES)}"),
    file: Path = typer.Argument(
        ..., help="the export file (provider-returns: a file or a folder of SLA files)", exists=True
    ),
    year: str | None = typer.Option(
        None, help="cin-census: the census year the file must be, e.g. 2025-26"
    ),
) -> None:
    """Publish an export: every row becomes events or a dead letter with its reason."""
    if source not in SOURCES:
        console.print(f"[red]error:[/red] unknown source {source!r}; known: {', '.join(SOURCES)}")
        raise typer.Exit(2)
    try:
        with progress_bar() as progress:
            if source == "cin-census":
                result = asyncio.run(publish_cin_census(file, year, progress))
                summary = result.summary
            else:
                summary = asyncio.run(publish_export(source, file, progress))
    except MalformedFileError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc).rstrip('.'))}. Nothing was published.")
        raise typer.Exit(1) from None
    except (KafkaError, OSError) as exc:
        where = load_settings().bootstrap
        console.print(f"[red]error:[/red] cannot reach Kafka at {where}, or it refused this "
                      f"source's user ({type(exc).__name__}). Rows read before the failure may "
                      "have been published; connect the file again once the cluster answers.")
        raise typer.Exit(2) from None
    except LedgerError as exc:
        console.print(f"[red]error:[/red] the {source} import ledger cannot be read ({exc}). "
                      "Nothing was published. Move it aside to publish the whole file again "
                      "(the worker does not apply an event it already holds twice).")
        raise typer.Exit(1) from None
    print_summary([summary])
    if source == "cin-census":
        print_census_import(console, result)
