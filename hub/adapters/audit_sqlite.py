"""The audit trail in its own private SQLite file (mode 0600), append-only.

One row per audited act (``hub.audit``): never personal data, so the file can be kept for as
long as the authority's retention policy says without holding anyone's details.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hub.adapters.keys import private_sqlite
from hub.audit import AuditQuery, AuditRecord, audit_problem

_SCHEMA = """CREATE TABLE IF NOT EXISTS audit (
    at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, child_key TEXT,
    address TEXT, outcome TEXT NOT NULL DEFAULT '')"""
_INDEXES = ("CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at)",
            "CREATE INDEX IF NOT EXISTS ix_audit_child ON audit (child_key)",
            "CREATE INDEX IF NOT EXISTS ix_audit_actor ON audit (actor)")


class SqliteAuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite.create(path, _SCHEMA)
        with private_sqlite.connect(path) as db:
            for index in _INDEXES:
                db.execute(index)

    def record(self, actor: str, action: str, child_key: str | None, address: str | None,
               at: datetime, *, outcome: str = "") -> None:
        if problem := audit_problem(actor, action, outcome):
            raise ValueError(problem)
        row = (at.astimezone(UTC).isoformat(), actor, action, child_key, address, outcome)
        with private_sqlite.connect(self.path) as db:
            db.execute("INSERT INTO audit (at, actor, action, child_key, address, outcome)"
                       " VALUES (?, ?, ?, ?, ?, ?)", row)

    def query(self, where: AuditQuery) -> list[AuditRecord]:
        clauses, args = ["1 = 1"], []
        for column, value in (("actor", where.actor), ("action", where.action),
                              ("child_key", where.child_key)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if where.since is not None:
            clauses.append("at >= ?")
            args.append(where.since.astimezone(UTC).isoformat())
        if where.until is not None:
            clauses.append("at < ?")
            args.append(where.until.astimezone(UTC).isoformat())
        sql = ("SELECT at, actor, action, child_key, address, outcome FROM audit WHERE "  # noqa: S608 - fixed column names, values bound
               + " AND ".join(clauses) + " ORDER BY at, rowid LIMIT ?")
        with private_sqlite.connect(self.path) as db:
            rows = db.execute(sql, (*args, where.limit)).fetchall()
        return [AuditRecord(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]
