"""A small SQLite file only this user may read (mode 0600): API keys, staff users, the audit
trail, sign-in failures.

Both hold hashes only, but who may push events or sign in is still nobody else's business.

Several processes (the intake, the inbox, the CLI) and several threads in each write the same
files, so every file is in write-ahead-log mode (a reader never blocks a writer, nor a writer a
reader) and every connection waits up to ``BUSY_TIMEOUT_S`` for another writer's lock instead
of failing at once with "database is locked" (the library's default wait is 5 s, which a
loaded disk exceeded: 3 of 3,000 intake pushes were answered 500 under ``bench/latency.py``).
Writes are single short transactions; SQLite creates the ``-wal`` and ``-shm`` files with the
database file's own mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 30.0
"""How long a connection waits for another writer before giving up (an error, never a hang)."""


def create(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    with connect(path) as db:
        db.execute(schema)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as db:
        # persistent in the file: only the first connection to an older file changes it
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        with db:  # commits or rolls back
            yield db
