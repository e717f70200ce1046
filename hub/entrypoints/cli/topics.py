"""``hub topics apply|list``: the topics declared in ``topics.yaml`` against the cluster.

``apply`` creates missing topics and reports drift; it never deletes a topic, never changes a
config and adds partitions only with ``--increase-partitions``. Exit code 1 on failure.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.entrypoints.cli.app import app
from hub.ports import EventLogError
from hub.topic_drift import ActualTopic, ApplyReport, compare
from hub.topics_spec import TopicSpec, TopicsSpecError
from hub.usecases.topic_grants import namespace_grants

T = TypeVar("T")
PIPED_WIDTH = 160  # piped output (CI logs, files): wide enough for whole topic names

topics_app = typer.Typer(
    help="Create the topics declared in topics.yaml and report drift.", no_args_is_help=True
)
app.add_typer(topics_app, name="topics")


def _console(*, stderr: bool = False) -> Console:
    # Built per call so the current stdout and $COLUMNS are honoured (tests swap both).
    console = Console(stderr=stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


def _fail(message: str) -> typer.Exit:
    _console(stderr=True).print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(1)


def _specs(settings: Settings) -> tuple[TopicSpec, ...]:
    try:
        return bootstrap.topic_specs(settings)
    except TopicsSpecError as exc:
        raise _fail(str(exc)) from None


def _run(settings: Settings, coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        with bootstrap.quiet_cluster():  # our one-line error says it; the client's would repeat it
            return asyncio.run(coroutine)
    except EventLogError as exc:
        local = settings.uses_local_broker and "cannot reach" in str(exc)
        raise _fail(f"{exc}{': is it running? (hub broker start)' if local else ''}") from None


@topics_app.command("apply")
def apply_command(
    increase_partitions: bool = typer.Option(
        False,
        "--increase-partitions",
        help="add partitions to topics that have fewer than declared (keys may move partition)",
    ),
) -> None:
    """Create missing topics; report partition and config drift without destroying data."""
    settings = load_settings()
    specs = _specs(settings)
    report = _run(settings, bootstrap.apply_declared_topics(
        settings, specs, increase_partitions=increase_partitions))
    _print_report(report, settings.bootstrap)
    if settings.broker_secure or settings.kafka.security.uses_sasl:  # roles get their ACLs
        rows = _run(settings, bootstrap.grant(settings, namespace_grants(settings)))
        _console().print(f"ACLs: {rows} rows for the namespace's roles")


@topics_app.command("list")
def list_command() -> None:
    """Show each declared topic beside what the cluster actually has."""
    settings = load_settings()
    specs = _specs(settings)
    actual = _run(settings, bootstrap.cluster_topics(settings, [spec.name for spec in specs]))
    _console().print(_topics_table(specs, actual))


def _print_report(report: ApplyReport, where: object) -> None:
    out = _console()
    for name in report.created:
        out.print(f"[green]created[/green] {name}")
    for inc in report.increased:
        out.print(f"[green]partitions[/green] {inc.topic}: {inc.before} -> {inc.after}")
    for item in report.drift:
        out.print(
            f"[yellow]drift[/yellow] {item.topic} {item.field}: declared {escape(item.declared)}, "
            f"actual {escape(item.actual)} - {escape(item.note)}",
            soft_wrap=True,
        )
    if report.no_changes:
        out.print(f"no changes: all {len(report.unchanged)} topics match topics.yaml ({where})")
    else:
        out.print(
            f"{len(report.created)} created, {len(report.increased)} increased, "
            f"{len({d.topic for d in report.drift})} drifting, {len(report.unchanged)} unchanged"
        )


def _topics_table(specs: tuple[TopicSpec, ...], actual: dict[str, ActualTopic]) -> Table:
    table = Table("topic", "partitions", "replication", "cleanup", "retention.ms", "state")
    for spec in specs:
        found = actual.get(spec.name)
        table.add_row(
            spec.name,
            _pair(spec.partitions, found.partitions if found else None),
            _pair(spec.replication_factor, found.replication_factor if found else None),
            _pair(spec.cleanup_policy, found.configs.get("cleanup.policy") if found else None),
            _pair(spec.retention_ms, found.configs.get("retention.ms") if found else None),
            _state(spec, found),
        )
    return table


def _pair(declared: object, actual: object) -> str:
    if declared is None:
        return "default" if actual is None else f"default ({actual})"
    if actual is None or str(actual) == str(declared):
        return str(declared)
    return f"{declared} (actual {actual})"


def _state(spec: TopicSpec, found: ActualTopic | None) -> str:
    if found is None:
        return "[red]missing[/red]"
    return "[yellow]drift[/yellow]" if compare(spec, found) else "[green]ok[/green]"
