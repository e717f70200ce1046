"""Staff who may sign in to the web inbox, each in one team, kept with salted scrypt hashes.

Hashing is the push intake's (``hub.adapters.keys.api_keys``): a random 16-byte salt per user and a
constant-time compare; an unknown user costs the same hashing as a wrong password, so timing
does not tell which user ids exist. Passwords are generated, shown once, and never stored.
"""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.adapters.keys.api_keys import hash_secret, matches
from hub.domain.staff import StaffUser, check_user

_SCHEMA = """CREATE TABLE IF NOT EXISTS staff_users (
    user_id TEXT PRIMARY KEY, team TEXT NOT NULL, salt BLOB NOT NULL,
    password_hash BLOB NOT NULL, created_at TEXT NOT NULL)"""


class SqliteStaffUsers:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_sqlite.connect(self.path)

    def add(self, user_id: str, team: str, now: datetime, *, reset: bool = False) -> str:
        """Create (or with ``reset``, re-issue) a user; the new password is returned once."""
        check_user(user_id, team)
        password, salt = secrets.token_urlsafe(18), secrets.token_bytes(16)
        row = (user_id, team, salt, hash_secret(password, salt), now.astimezone(UTC).isoformat())
        verb = "INSERT OR REPLACE" if reset else "INSERT"
        try:
            with self._db() as db:
                db.execute(f"{verb} INTO staff_users VALUES (?, ?, ?, ?, ?)", row)
        except sqlite3.IntegrityError:
            raise ValueError(f"user {user_id!r} exists; use --reset to issue a new password"
                             ) from None
        return password

    def authenticate(self, user_id: str, password: str) -> StaffUser | None:
        with self._db() as db:
            row = db.execute("SELECT team, salt, password_hash FROM staff_users"
                             " WHERE user_id = ?", (user_id,)).fetchone()
        team, salt, stored = row or (None, None, None)
        return StaffUser(user_id, str(team)) if matches(password, salt, stored) else None

    def user(self, user_id: str) -> StaffUser | None:
        with self._db() as db:
            row = db.execute("SELECT team FROM staff_users WHERE user_id = ?",
                             (user_id,)).fetchone()
        return StaffUser(user_id, row[0]) if row else None
