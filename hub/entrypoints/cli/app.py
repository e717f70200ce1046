"""The ``hub`` Typer application: each command module adds its commands to :data:`app`
(``hub.entrypoints.cli`` imports them all before it runs it)."""

from __future__ import annotations

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
