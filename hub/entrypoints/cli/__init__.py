"""The ``hub`` command. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import os

from hub.entrypoints.cli.app import app

__all__ = ["app", "main"]


def _register() -> None:
    # Each module adds its commands to `app` (hub.entrypoints.cli.app) when imported.
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
