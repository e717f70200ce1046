"""``hub deadletters list|show|retry|purge``: what the hub could not accept, and why.

``list`` and ``show`` print reasons (field and rule), never values; ``show --values --by USER``
prints the rejected original for a staff directory user with the data_officer or admin role.
Every ``show`` is recorded in ``<state>/audit/deadletters.jsonl`` (0600) and the log.
``retry`` re-sends a processor's dead letter (an Avro record the worker failed on) to its
topic; a connector's or the intake's is re-sent from its source. ``purge`` deletes every dead
letter written before a time (Kafka deletes by offset, not one record).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.domain.dead_letter import DeadLetter, DeadLetterStage
from hub.domain.events import Event
from hub.domain.routing import output_key, topic_for
from hub.entrypoints.cli.app import app
from hub.logging import get_logger
from hub.usecases.dead_letters import NotAuthorisedError, Showing, described, may_see_values
from hub.usecases.publishing import Publisher

dead_app = typer.Typer(help="Dead letters: list, show, retry, purge.", no_args_is_help=True)
app.add_typer(dead_app, name="deadletters")
log = get_logger(__name__)
out, err = Console(highlight=False), Console(stderr=True, highlight=False)


def _topic(settings: Settings) -> str:
    return topic_for("DeadLetter", [(s.name, s.value) for s in bootstrap.topic_specs(settings)])


def _letters(settings: Settings) -> list[DeadLetter]:
    return asyncio.run(bootstrap.dead_letters(settings.kafka, _topic(settings),
                                              bootstrap.codec(settings)))


def _one(settings: Settings, dead_letter_id: str) -> DeadLetter:
    found = [d for d in _letters(settings) if d.dead_letter_id == dead_letter_id]
    if not found:
        err.print(f"[red]error:[/red] no dead letter {escape(dead_letter_id)}")
        raise typer.Exit(1)
    return found[-1]


@dead_app.command("list")
def list_command(source: str | None = typer.Option(None, help="only this source system"),
                 reason: str | None = typer.Option(None, help="only this reason code")) -> None:
    """Every dead letter's id, source, stage, reason and time (no values)."""
    table = Table("id", "source", "stage", "reason", "rejected at")
    shown = [d for d in _letters(load_settings())
             if (source is None or d.source_system == source)
             and (reason is None or d.reason_code == reason)]
    for letter in shown:
        row = described(letter)
        table.add_row(escape(row["id"]), row["source"], row["stage"],
                      f"{row['reason_code']}: {escape(row['reason'])}", row["rejected_at"])
    out.print(table)
    out.print(f"{len(shown)} dead letters")


@dead_app.command()
def show(dead_letter_id: str,
         values: bool = typer.Option(False, "--values", help="also print the original"),
         by: str | None = typer.Option(None, help="who is looking (staff directory user)")) -> None:
    """One dead letter's reason; with --values its original, for an authorised operator."""
    settings = load_settings()
    if values:
        try:
            may_see_values(bootstrap.staff_directory(settings), by)
        except NotAuthorisedError as exc:
            err.print(f"[red]refused:[/red] {exc}")
            raise typer.Exit(1) from None
    letter = _one(settings, dead_letter_id)
    _audit(settings, Showing(by or "(unnamed)", letter.dead_letter_id, values, datetime.now(UTC)))
    for name, value in described(letter).items():
        out.print(f"{name}: {escape(value)}")
    if values:
        out.print("original:")
        out.print(escape(letter.original.decode("utf-8", errors="replace")))


def _audit(settings: Settings, showing: Showing) -> None:
    folder = settings.state_dir / "audit"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (folder / "deadletters.jsonl").open("a", encoding="utf-8") as trail:
        trail.write(json.dumps(showing.as_json()) + "\n")
    (folder / "deadletters.jsonl").chmod(0o600)
    log.info("dead letter shown", by=showing.by, dead_letter_id=showing.dead_letter_id,
             values=showing.values)


@dead_app.command()
def retry(dead_letter_id: str) -> None:
    """Re-send a processor's dead letter to its topic, once the cause is fixed."""
    settings = load_settings()
    letter = _one(settings, dead_letter_id)
    if letter.stage is not DeadLetterStage.PROCESSOR:
        err.print(f"[red]not retried:[/red] a {letter.stage.value.lower()} dead letter holds the "
                  "source's own bytes: send it again from the source (hub connect, or the push)")
        raise typer.Exit(1)
    codec = bootstrap.codec(settings)
    record = codec.decode(letter.original)

    async def resend() -> str:
        async with bootstrap.event_log(settings.kafka) as kafka:
            publisher = Publisher(kafka, codec, bootstrap.input_specs(settings))
            if isinstance(record, Event):
                return await publisher.publish(record)
            topic = topic_for(type(record).__name__, publisher.declared)
            await kafka.append(topic, output_key(record), letter.original)
            return topic

    out.print(f"re-sent {escape(dead_letter_id)} to {asyncio.run(resend())}")


@dead_app.command()
def purge(older_than_days: int = typer.Option(..., help="delete dead letters older than this")
          ) -> None:
    """Delete every dead letter written more than N days ago (retention does it anyway)."""
    settings = load_settings()
    when = datetime.now(UTC) - timedelta(days=older_than_days)
    gone = asyncio.run(bootstrap.purge_dead_letters(settings.kafka, _topic(settings), when))
    log.info("dead letters purged", before=when.isoformat(), count=gone)
    out.print(f"purged {gone} dead letters written before {when:%Y-%m-%d %H:%M} UTC")
