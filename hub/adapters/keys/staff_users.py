"""Staff who may sign in to the web inbox, each in one team with one role, kept with salted
scrypt hashes.

Hashing is the push intake's (``hub.adapters.keys.api_keys``): a random 16-byte salt per user and a
constant-time compare; an unknown user costs the same hashing as a wrong password, so timing
does not tell which user ids exist. Passwords are generated, shown once, and never stored.
``sessions_from`` is the time before which every session of the user is void: signing out
and a password reset move it to now, which ends every session the user has anywhere.
"""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.adapters.keys.api_keys import hash_secret, matches
from hub.domain.staff import StaffListing, StaffUser, check_user
from hub.domain.staff_roles import Role, role_named

_SCHEMA = """CREATE TABLE IF NOT EXISTS staff_users (
    user_id TEXT PRIMARY KEY, team TEXT NOT NULL, salt BLOB NOT NULL,
    password_hash BLOB NOT NULL, created_at TEXT NOT NULL)"""
_ADDED_COLUMNS = {  # columns later versions added; an older file gets them on open
    "role": "TEXT NOT NULL DEFAULT 'practitioner'",
    "sessions_from": "REAL NOT NULL DEFAULT 0",
}


class SqliteStaffUsers:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)
        with self._db() as db:
            # the write lock first: two processes opening an older file at once (parallel
            # `hub inbox add-user`) must not both see a column missing and both add it
            db.execute("BEGIN IMMEDIATE")
            have = {row[1] for row in db.execute("PRAGMA table_info(staff_users)")}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in have:
                    db.execute(f"ALTER TABLE staff_users ADD COLUMN {column} {kind}")

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_sqlite.connect(self.path)

    def add(self, user_id: str, team: str, now: datetime, *, role: str = "practitioner",
            reset: bool = False) -> str:
        """Create (or with ``reset``, re-issue) a user; the new password is returned once.

        A reset also ends every session the user has."""
        check_user(user_id, team)
        password, salt = secrets.token_urlsafe(18), secrets.token_bytes(16)
        row = (user_id, team, salt, hash_secret(password, salt), now.astimezone(UTC).isoformat(),
               role_named(role).value, now.timestamp())
        verb = "INSERT OR REPLACE" if reset else "INSERT"
        try:
            with self._db() as db:
                db.execute(f"{verb} INTO staff_users (user_id, team, salt, password_hash, "
                           "created_at, role, sessions_from) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        except sqlite3.IntegrityError:
            raise ValueError(f"user {user_id!r} exists; use --reset to issue a new password"
                             ) from None
        return password

    def authenticate(self, user_id: str, password: str) -> StaffUser | None:
        with self._db() as db:
            row = db.execute("SELECT salt, password_hash FROM staff_users WHERE user_id = ?",
                             (user_id,)).fetchone()
        salt, stored = row or (None, None)
        return self.user(user_id) if matches(password, salt, stored) else None

    def user(self, user_id: str) -> StaffUser | None:
        with self._db() as db:
            row = db.execute("SELECT team, role, sessions_from FROM staff_users"
                             " WHERE user_id = ?", (user_id,)).fetchone()
        return StaffUser(user_id, row[0], Role(row[1]), float(row[2])) if row else None

    def end_sessions(self, user_id: str, now: float) -> None:
        with self._db() as db:
            db.execute("UPDATE staff_users SET sessions_from = ? WHERE user_id = ?",
                       (now, user_id))

    def listing(self) -> list[StaffListing]:
        with self._db() as db:
            rows = db.execute("SELECT user_id, team, role, created_at FROM staff_users"
                              " ORDER BY team, user_id").fetchall()
        return [StaffListing(u, t, Role(r), c) for u, t, r, c in rows]

    def remove(self, user_id: str) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM staff_users WHERE user_id = ?",
                              (user_id,)).rowcount > 0
