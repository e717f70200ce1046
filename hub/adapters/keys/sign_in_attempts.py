"""Failed sign-ins to the inbox, per user id and per client address (a private SQLite file).

Only what the lockout rule (``hub.domain.sign_in_limits``) needs: which user id or address
failed, and when. A successful sign-in clears the user id's failures; old rows are pruned.
"""

from __future__ import annotations

from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.domain.sign_in_limits import PER_ADDRESS, PER_USER, Limit, locked_until

_SCHEMA = """CREATE TABLE IF NOT EXISTS sign_in_failures (
    kind TEXT NOT NULL, subject TEXT NOT NULL, failed_at REAL NOT NULL)"""
_KEEP_S = 24 * 60 * 60


class SqliteSignInAttempts:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)
        with private_sqlite.connect(path) as db:
            db.execute("CREATE INDEX IF NOT EXISTS ix_sign_in_failures"
                       " ON sign_in_failures (kind, subject)")

    def _times(self, kind: str, subject: str) -> list[float]:
        with private_sqlite.connect(self.path) as db:
            rows = db.execute("SELECT failed_at FROM sign_in_failures WHERE kind = ?"
                              " AND subject = ?", (kind, subject)).fetchall()
        return [float(r[0]) for r in rows]

    def locked_until(self, user_id: str, address: str, now: float) -> float | None:
        """When the later of the user id's and the address's locks ends, or ``None``."""
        checks: list[tuple[str, str, Limit]] = [("user", user_id, PER_USER),
                                                ("address", address, PER_ADDRESS)]
        ends = [locked_until(self._times(kind, subject), now, limit)
                for kind, subject, limit in checks]
        found = [end for end in ends if end is not None]
        return max(found) if found else None

    def failed(self, user_id: str, address: str, now: float) -> None:
        with private_sqlite.connect(self.path) as db:
            db.executemany("INSERT INTO sign_in_failures VALUES (?, ?, ?)",
                           [("user", user_id, now), ("address", address, now)])
            db.execute("DELETE FROM sign_in_failures WHERE failed_at < ?", (now - _KEEP_S,))

    def succeeded(self, user_id: str) -> None:
        with private_sqlite.connect(self.path) as db:
            db.execute("DELETE FROM sign_in_failures WHERE kind = 'user' AND subject = ?",
                       (user_id,))
