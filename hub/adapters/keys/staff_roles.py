"""The staff directory's roles, beside the web inbox's users (``inbox_users.db``, 0600).

A user exists when ``staff_users`` holds them; their roles are the one the inbox gave them
(``hub inbox add-user --role``) and any rows of ``staff_roles`` (``hub staff grant``). The
worker opens the file read-only per lookup: a user added, removed or re-roled is seen at once.
A missing file is an empty directory (every actor unknown).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.domain.staff_roles import ROLES

_USERS = """CREATE TABLE IF NOT EXISTS staff_users (
    user_id TEXT PRIMARY KEY, team TEXT NOT NULL, salt BLOB NOT NULL,
    password_hash BLOB NOT NULL, created_at TEXT NOT NULL)"""
_ROLES = """CREATE TABLE IF NOT EXISTS staff_roles (
    user_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (user_id, role))"""


class SqliteStaffRoles:
    def __init__(self, path: Path) -> None:
        self.path = path

    def roles_of(self, user_id: str) -> frozenset[str] | None:
        if not self.path.is_file():
            return None
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "staff_users" not in tables:
                return None
            columns = {r[1] for r in db.execute("PRAGMA table_info(staff_users)")}
            query = ("SELECT role FROM staff_users WHERE user_id = ?" if "role" in columns
                     else "SELECT NULL FROM staff_users WHERE user_id = ?")
            found = db.execute(query, (user_id,))
            user = found.fetchone()
            if user is None:
                return None
            own = frozenset({user[0]}) if user[0] else frozenset()  # set by hub inbox add-user
            if "staff_roles" not in tables:
                return own
            rows = db.execute("SELECT role FROM staff_roles WHERE user_id = ?", (user_id,))
            return own | frozenset(r[0] for r in rows)

    def grant(self, user_id: str, role: str) -> None:
        """Give an existing user a role (``hub staff grant``)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles: {', '.join(sorted(ROLES))}")
        private_sqlite.create(self.path, _USERS)
        with private_sqlite.connect(self.path) as db:
            db.execute(_ROLES)
            if db.execute("SELECT 1 FROM staff_users WHERE user_id = ?", (user_id,)).fetchone(
            ) is None:
                raise ValueError(f"no user {user_id!r}: add them first (hub inbox add-user)")
            db.execute("INSERT OR IGNORE INTO staff_roles VALUES (?, ?)", (user_id, role))

    def revoke(self, user_id: str, role: str) -> None:
        private_sqlite.create(self.path, _USERS)
        with private_sqlite.connect(self.path) as db:
            db.execute(_ROLES)
            db.execute("DELETE FROM staff_roles WHERE user_id = ? AND role = ?", (user_id, role))
