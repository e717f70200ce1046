"""The ``hub`` command. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import os

import typer

from hub.logging import configure_logging

app = typer.Typer(
    name="hub",
    help="CIN Hub: connect department systems to Children's Social Care through Kafka events.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # never print locals: they may hold personal data
)


@app.callback()
def _root(log_level: str = typer.Option("INFO", help="log level")) -> None:
    configure_logging(log_level)


def _register() -> None:
    # Imported here so each module can add its commands to `app` without import cycles.
    from hub.entrypoints.cli import (
        audit,  # noqa: F401
        broker,  # noqa: F401
        census,  # noqa: F401
        connect,  # noqa: F401
        deadletters,  # noqa: F401
        demo,  # noqa: F401
        demo_data,  # noqa: F401
        erase,  # noqa: F401
        events,  # noqa: F401
        inbox,  # noqa: F401
        intake,  # noqa: F401
        link,  # noqa: F401
        replay,  # noqa: F401
        review,  # noqa: F401
        staff,  # noqa: F401
        timeline,  # noqa: F401
        topics,  # noqa: F401
        worker,  # noqa: F401
    )


PRIVATE_UMASK = 0o077  # files 0600, folders 0700: broker data, databases, census outputs


def main() -> None:
    # Everything the hub writes may hold children's personal data: only this user may read
    # it. The broker JVM the hub starts inherits the mask, so its data files are private too.
    os.umask(PRIVATE_UMASK)
    _register()
    app()
