"""Sending one staff command from the command line (``hub task|sen|review ...``).

The store is opened first and Kafka only when the command passed the store's checks, so a
refused command (unknown or finished task) is refused the same with or without a broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import typer
from aiokafka.errors import KafkaError
from rich.console import Console

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.domain.topic_access import INBOX
from hub.entrypoints.cli.store import open_store_or_exit
from hub.topics_spec import TopicSpec
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import CommandNotSentError, Sent, StaffCommands

err = Console(stderr=True, highlight=False)


def command_specs(settings: Settings) -> tuple[TopicSpec, ...]:
    """The topics staff commands are published to (the worker reads them there)."""
    return bootstrap.input_specs(settings)


def send(call: Callable[[StaffCommands], Awaitable[Sent]]) -> None:
    """Run ``call`` on the staff command service; print what was sent, or exit 1 / 2."""
    settings = load_settings()
    store = open_store_or_exit(settings)

    async def run() -> Sent:
        async with bootstrap.event_log_on_first_append(settings.kafka_for(INBOX)) as log:
            publisher = Publisher(log, bootstrap.codec(settings), command_specs(settings))
            actors = bootstrap.staff_directory(settings)
            return await call(StaffCommands(publisher, store, actors=actors))

    try:
        sent = asyncio.run(run())
    except CommandNotSentError as exc:
        err.print(f"[red]not sent:[/red] {exc}")
        raise typer.Exit(1) from None
    except (KafkaError, OSError) as exc:
        err.print(f"[red]not sent:[/red] cannot reach Kafka at {settings.bootstrap} "
                  f"({type(exc).__name__})")
        raise typer.Exit(2) from None
    finally:
        store.close()
    child = getattr(sent.command, "child_key", "")
    about = f"task {sent.task.task_id} (child {child})" if sent.task else f"child {child}"
    typer.echo(f"sent {type(sent.command).__name__} {sent.command.command_id} for {about} "
               f"to {sent.topic}")
