"""``hub events``: publish the documented examples and read topics back."""

from __future__ import annotations

import asyncio
from collections import Counter

import typer
from rich.console import Console
from rich.table import Table

from hub import bootstrap
from hub.config import load_settings
from hub.domain.examples import smoke_namespace, takes_examples
from hub.entrypoints.cli.app import app
from hub.ports import UndecodableMessageError
from hub.usecases.publishing import Publisher
from hub.usecases.smoke import load_examples, round_trip

events_app = typer.Typer(help="Publish and inspect events.", no_args_is_help=True)
app.add_typer(events_app, name="events")
console = Console()


@events_app.command("smoke")
def smoke() -> None:
    """Publish one example of every event type, read each back and decode it, in the smoke
    namespace beside the hub's (``smoke-<namespace>``): examples never enter an authority's."""
    base = load_settings()
    namespace = smoke_namespace(base.topic_namespace)
    settings = base.model_copy(update={"topic_namespace": namespace, "source_namespace": None})
    codec = bootstrap.codec(settings)
    events = load_examples(settings.home / "schemas" / "examples")
    specs = bootstrap.topic_specs(settings)

    async def run() -> list:  # type: ignore[type-arg]
        await bootstrap.create_topics(settings.kafka, specs)
        # just created, the topics' leaders may not have reached the producer's metadata yet:
        # aiokafka retries (NotLeaderForPartition) and says so on every retry; a real failure
        # still raises.
        with bootstrap.quiet_cluster():
            async with bootstrap.event_log(settings.kafka) as log:
                publisher = Publisher(log, codec, specs,
                                      accepts_examples=takes_examples(namespace))
                return await round_trip(publisher, codec, events)

    results = asyncio.run(run())
    table = Table("event type", "topic", "event id", "read back")
    for r in results:
        table.add_row(r.event_type, r.topic, r.event_id, "yes" if r.read_back else "[red]NO[/red]")
    console.print(table)
    if not all(r.read_back for r in results):
        raise typer.Exit(1)
    console.print(f"[green]{len(results)} event types published, read back and decoded[/green] "
                  f"in namespace {namespace}")


@events_app.command("count")
def count(topic: str = typer.Argument(..., help="topic name as declared in topics.yaml")) -> None:
    """Count a topic's records by event type (no personal data is printed)."""
    settings = load_settings()
    codec = bootstrap.codec(settings)
    [records] = asyncio.run(bootstrap.read_topics(settings.kafka, [topic]))
    counts: Counter[str] = Counter()
    for record in records:
        try:
            counts[codec.decode_raw(record.value)[0]] += 1
        except UndecodableMessageError as exc:
            counts[f"undecodable ({exc.code})"] += 1
    table = Table("record type", "count")
    for name, n in sorted(counts.items()):
        table.add_row(name, str(n))
    console.print(table)
