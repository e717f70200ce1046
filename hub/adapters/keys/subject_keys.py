"""Data keys for crypto-shredding (``hub.domain.erasure``), in a private SQLite file (0600).

One random 256-bit AES key per person record. ``key_for`` makes a key the first time a record
is sealed; ``destroy`` deletes keys for good (``secure_delete`` overwrites their bytes, then
the file is vacuumed) and remembers the ids, so a record published again after its erasure
is sealed under no key: it travels without personal fields, as if erased.

Every process that publishes or reads events (connectors, intake, worker, replay, census)
opens the same file under the hub's state folder; across hosts this must become a shared
key service (see docs/security.md, "Erasure").
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS data_keys (key_id TEXT PRIMARY KEY, key BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS destroyed (key_id TEXT PRIMARY KEY, destroyed_at TEXT NOT NULL)",
)
KEY_BYTES = 32
REVALIDATE_AFTER_S = 30.0
"""How long a process trusts a key it has read: a long-running worker stops opening an erased
child's fields at most this long after ``hub erase``."""


class SqliteSubjectKeys:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, tuple[bytes | None, float]] = {}
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        with self._db() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30.0)) as db, db:
            db.execute("PRAGMA secure_delete = ON")
            yield db

    def _cached(self, key_id: str) -> tuple[bool, bytes | None]:
        found = self._known.get(key_id)
        if found is None or time.monotonic() - found[1] > REVALIDATE_AFTER_S:
            return False, None
        return True, found[0]

    def key_for(self, key_id: str) -> bytes | None:
        """The record's key, made now if it has none; None once it has been destroyed."""
        hit, cached = self._cached(key_id)
        if hit:
            return cached
        with self._db() as db:
            gone = db.execute("SELECT 1 FROM destroyed WHERE key_id = ?", (key_id,)).fetchone()
            if gone is None:
                db.execute("INSERT OR IGNORE INTO data_keys (key_id, key) VALUES (?, ?)",
                           (key_id, os.urandom(KEY_BYTES)))
            row = db.execute("SELECT key FROM data_keys WHERE key_id = ?", (key_id,)).fetchone()
        key = None if row is None else bytes(row[0])
        self._known[key_id] = (key, time.monotonic())
        return key

    def existing(self, key_id: str) -> bytes | None:
        """The record's key if it still exists (never makes one)."""
        hit, cached = self._cached(key_id)
        if hit:
            return cached
        with self._db() as db:
            row = db.execute("SELECT key FROM data_keys WHERE key_id = ?", (key_id,)).fetchone()
        if row is None:
            return None  # not cached: a key made later by another process is found then
        key = bytes(row[0])
        self._known[key_id] = (key, time.monotonic())
        return key

    def destroy(self, key_ids: Iterable[str]) -> int:
        """Destroy these keys for good; the number that existed."""
        ids = sorted(set(key_ids))
        now = datetime.now(UTC).isoformat()
        with self._db() as db:
            found = sum(
                db.execute("DELETE FROM data_keys WHERE key_id = ?", (i,)).rowcount for i in ids
            )
            db.executemany("INSERT OR IGNORE INTO destroyed (key_id, destroyed_at) VALUES (?, ?)",
                           [(i, now) for i in ids])
        with closing(sqlite3.connect(self.path)) as db:
            db.execute("VACUUM")  # no copy of a destroyed key left in a free page
        for i in ids:
            self._known[i] = (None, float("inf"))  # destroyed here: for good
        return found
