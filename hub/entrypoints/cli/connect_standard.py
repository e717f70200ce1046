"""``hub connect cin-census FILE``: the incremental import of a CIN census extract."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from connectors.sources.cin_census import CinCensusConnector
from hub import bootstrap
from hub.config import load_settings
from hub.domain.episodes.years import CensusYear
from hub.domain.topic_access import publishing_user
from hub.usecases.census_import import CensusImport, import_cin_census
from hub.usecases.publishing import Publisher


async def publish_cin_census(
    path: Path, year: str | None, progress: Progress | None = None
) -> CensusImport:
    settings = load_settings()
    codec = bootstrap.codec(settings)
    expected = CensusYear.parse(year).end.year if year else None
    connector = CinCensusConnector(year=expected)
    task = progress.add_task("cin-census", total=None) if progress else None
    held = bootstrap.held_imports(settings, connector.source_system)
    user = publishing_user(connector.source_system)
    async with bootstrap.event_log(settings.kafka_for(user)) as log:
        publisher = Publisher(log, codec, bootstrap.input_specs(settings))
        result = await import_cin_census(
            connector, path, publisher, held,
            on_row=lambda: progress.advance(task) if progress and task is not None else None,
        )
    bootstrap.record_imports(settings, connector.source_system, result.held)
    bootstrap.record_receipt(settings, result.summary.receipt(bootstrap.file_digest(path)))
    return result


def print_census_import(console: Console, result: CensusImport) -> None:
    s = result.summary
    year = f"{result.year - 1}-{result.year % 100:02d}"
    console.print(
        f"{year} CIN census: {s.rows_read} children, {s.events_published} new events, "
        f"{s.events_already_held} already held (unchanged since an earlier import)"
    )
    if result.disappeared:
        console.print(
            f"[yellow]{len(result.disappeared)} referral(s) an earlier {year} extract held are "
            "not in this one[/yellow]; their events stay on the CSC topic, so correct or close "
            "them in the case system (child id / referral date):"
        )
        for episode in result.disappeared:
            console.print(f"  {episode}")
