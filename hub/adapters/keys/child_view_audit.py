"""The inbox's former child-view file, ``<state dir>/inbox_audit.db``: read once, to move its
rows onto the shared audit trail (``hub.usecases.child_views``), then renamed
``inbox_audit.db.migrated`` so nothing writes or reads it again.

Its rows held when, the staff user, the hub's child key, the page and the client address:
no personal data.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.ports import ChildViewed

OLD_FILE = "inbox_audit.db"


def old_views(path: Path) -> list[ChildViewed]:
    with private_sqlite.connect(path) as db:
        table = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'child_views'").fetchone()
        rows = db.execute("SELECT viewed_at, user_id, child_key, page, client_address"
                          " FROM child_views ORDER BY viewed_at, rowid").fetchall() \
            if table else []
    return [ChildViewed(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]


def retire(path: Path) -> None:
    """Rename the old file once its rows are on the audit trail."""
    path.rename(path.with_name(path.name + ".migrated"))
