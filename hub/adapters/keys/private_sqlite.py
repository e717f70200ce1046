"""A small SQLite file only this user may read (mode 0600): API keys, staff users.

Both hold hashes only, but who may push events or sign in is still nobody else's business.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path


def create(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    with connect(path) as db:
        db.execute(schema)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as db, db:  # `with db` commits or rolls back
        yield db
