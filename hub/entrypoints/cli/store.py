"""Opening the hub store for a command that reads it, or refusing: one rule, one exit code.

The worker creates the store; every other command opens it as it is, and when it cannot
(not created yet, unreachable, a schema this hub cannot read) says so and exits
:data:`STORE_UNAVAILABLE`, creating nothing.
"""

from __future__ import annotations

import typer
from rich.console import Console

from hub import bootstrap
from hub.config import Settings
from hub.ports import ClosableHubStore, StoreUnavailableError

STORE_UNAVAILABLE = 2
err = Console(stderr=True, highlight=False)


def open_store_or_exit(settings: Settings) -> ClosableHubStore:
    """The hub store at ``HUB_DATABASE_URL``, or exit 2 saying why (never the password)."""
    try:
        return bootstrap.open_store(settings)
    except StoreUnavailableError as exc:
        err.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(STORE_UNAVAILABLE) from None
