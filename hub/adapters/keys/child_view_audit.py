"""Who looked at which child: every view of a child's details in the inbox (private SQLite).

One row per view: when, the staff user, the hub's child key, the page (``task:<task id>``
or ``child``) and the client address. No personal data: the
child key is the hub's pseudonymous key, and nothing the page showed is kept. A Caldicott
guardian asks ``hub inbox audit --child KEY`` or ``--user U``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.ports import ChildViewed

_SCHEMA = """CREATE TABLE IF NOT EXISTS child_views (
    viewed_at TEXT NOT NULL, user_id TEXT NOT NULL, child_key TEXT NOT NULL,
    page TEXT NOT NULL, client_address TEXT NOT NULL)"""
_COLUMNS = "viewed_at, user_id, child_key, page, client_address"


class SqliteChildViewAudit:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)
        with private_sqlite.connect(path) as db:
            db.execute("CREATE INDEX IF NOT EXISTS ix_child_views_child ON child_views"
                       " (child_key)")
            db.execute("CREATE INDEX IF NOT EXISTS ix_child_views_user ON child_views (user_id)")

    def record(self, view: ChildViewed) -> None:
        row = (view.viewed_at.astimezone(UTC).isoformat(), view.user_id, view.child_key,
               view.page, view.client_address)
        with private_sqlite.connect(self.path) as db:
            db.execute("INSERT INTO child_views (viewed_at, user_id, child_key, page,"
                       " client_address) VALUES (?, ?, ?, ?, ?)", row)

    def _query(self, column: str, value: str) -> list[ChildViewed]:
        with private_sqlite.connect(self.path) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM child_views WHERE {column} = ?"  # noqa: S608 - column is one of two names below
                              " ORDER BY viewed_at, rowid", (value,)).fetchall()
        return [ChildViewed(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def of_child(self, child_key: str) -> list[ChildViewed]:
        return self._query("child_key", child_key)

    def by_user(self, user_id: str) -> list[ChildViewed]:
        return self._query("user_id", user_id)
