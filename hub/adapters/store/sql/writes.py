"""Idempotent writes, one per record type, as ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL).

Insert-once records use ``DO NOTHING``; versioned ones ``DO UPDATE ... WHERE`` the stored
version is lower, so an equal or older version (a redelivery, a replay) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func
from sqlalchemy.dialects import postgresql, sqlite

from hub.adapters.store.sql import rows
from hub.adapters.store.sql.episode_tables import ServiceEpisodeRow
from hub.adapters.store.sql.identity_moves import apply_review
from hub.adapters.store.sql.person_tables import (
    IdentityDecisionRow,
    LinkedIdentifierRow,
    PersonRecordRow,
    PersonRow,
)
from hub.adapters.store.sql.tables import (
    CommandRejectionRow,
    ConsentLimitedUseRow,
    ContactRow,
    ContactWithdrawalRow,
    FlagRow,
    SenExchangeRow,
    TaskRow,
    TimelineEntryRow,
)
from hub.domain.outputs.identity import IdentityDecisionMade, PersonRecordSnapshot
from hub.ports import StoreRecord

_INSERTS: dict[str, Callable[[Table], Any]] = {
    "sqlite": sqlite.insert, "postgresql": postgresql.insert,
}


def table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def insert_for(dialect: str) -> Callable[[Table], Any]:
    if dialect not in _INSERTS:
        raise ValueError(f"the hub store supports SQLite and PostgreSQL, not {dialect}")
    return _INSERTS[dialect]


_STATEMENTS: dict[tuple[Any, ...], Any] = {}
"""Built statements by shape (table, columns, rule, dialect): building one cost more than
running it. Values are bound at execution, so a statement is reused for every record."""


@dataclass(frozen=True)
class Writes:
    conn: Connection
    insert: Callable[[Table], Any]
    now: datetime

    def once(self, model: type[Any], values: rows.Row) -> bool:
        """Insert unless the key is there; whether it was inserted (``RETURNING``: psycopg's
        ``rowcount`` is -1 here)."""
        t = table(model)
        keys = [c.name for c in t.primary_key if c.name in values] or _unique(t)
        shape = ("once", t.name, tuple(values), tuple(keys), self.insert)
        stmt = _STATEMENTS.get(shape)
        if stmt is None:
            stmt = _STATEMENTS[shape] = (
                self.insert(t).on_conflict_do_nothing(index_elements=keys).returning(t.c[keys[0]])
            )
        return self.conn.execute(stmt, values).first() is not None

    def upsert(
        self, model: type[Any], values: rows.Row, columns: list[str],
        where: Callable[[Table, Any], Any] | None = None, keep_known: frozenset[str] = frozenset(),
    ) -> None:
        """Insert, or update ``columns`` (a ``keep_known`` one only with a non-null value)."""
        t = table(model)
        rule = getattr(where, "__code__", where)  # the same condition, whichever closure
        shape = ("upsert", t.name, tuple(values), tuple(columns), rule, keep_known, self.insert)
        stmt = _STATEMENTS.get(shape)
        if stmt is None:
            insert = self.insert(t)
            new = insert.excluded
            update = {
                c: func.coalesce(new[c], t.c[c]) if c in keep_known else new[c] for c in columns
            }
            stmt = _STATEMENTS[shape] = insert.on_conflict_do_update(
                index_elements=[c.name for c in t.primary_key], set_=update,
                where=where(t, new) if where else None)
        self.conn.execute(stmt, values)

    def newer(self, model: type[Any], values: rows.Row) -> None:
        keys = {c.name for c in table(model).primary_key}
        self.upsert(model, values, [c for c in values if c not in keys],
                    lambda t, new: t.c.version < new.version)


def _unique(t: Table) -> list[str]:
    return [c.name for c in t.columns if c.unique]


def write(w: Writes, record: StoreRecord) -> None:
    writer = _WRITERS.get(type(record).__name__)
    if writer is None:
        raise TypeError(f"the hub store does not keep {type(record).__name__}")
    writer(w, record)


def _identity(w: Writes, r: IdentityDecisionMade) -> None:
    decision = {
        "decision_id": r.decision_id, "kind": r.kind.value, "child_key": r.child_key,
        "candidate_key": r.candidate_key, "score": r.score, "source_event_id": r.source_event_id,
        "record_id": r.record.record_id if r.record else None, "applied_at": w.now,
    }
    if not w.once(IdentityDecisionRow, decision):
        return  # seen before (a redelivery)
    apply_review(w, r)  # a reviewer's merge or split moves rows first
    if r.record is None:
        return  # a decision without a person record
    if r.kind in rows.PLACING:  # the record joins its child once; only a MERGE or SPLIT moves it
        w.once(PersonRecordRow, rows.person_record(r.record, r.child_key, r.decision_id))
    if not rows.held_for_review(r):  # a conflicting record's name is not the child's
        details = rows.person(r.record)
        person = {"child_key": r.child_key, **details, "last_decision_id": r.decision_id,
                  "updated_at": w.now}
        w.upsert(PersonRow, person, list(person)[1:], keep_known=frozenset(details))
    for kind, value in rows.linked_identifiers(r):
        _identifier(w, r, r.record, kind, value)


def _identifier(
    w: Writes, r: IdentityDecisionMade, snapshot: PersonRecordSnapshot, kind: str, value: str
) -> None:
    row = {
        "child_key": r.child_key, "identifier_type": kind, "identifier_value": value,
        "source_system": snapshot.source_system, "record_id": snapshot.record_id,
        "first_seen_decision_id": r.decision_id, "last_seen_decision_id": r.decision_id,
        "first_seen_at": w.now, "last_seen_at": w.now,
    }
    w.upsert(LinkedIdentifierRow, row, ["record_id", "last_seen_decision_id", "last_seen_at"])


_FLAG_RAISE, _FLAG_CLEAR = list(rows.FLAG_RAISE_COLUMNS), list(rows.FLAG_CLEAR_COLUMNS)

_WRITERS: dict[str, Callable[[Writes, Any], object]] = {
    "TaskChanged": lambda w, r: w.newer(TaskRow, rows.plain(r)),
    "ServiceEpisode": lambda w, r: w.newer(ServiceEpisodeRow, rows.episode(r)),
    "TimelineEntry": lambda w, r: w.once(TimelineEntryRow, rows.plain(r)),
    "ContactRecordCreated": lambda w, r: w.once(ContactRow, rows.plain(r)),
    "ContactWithdrawn": lambda w, r: w.once(ContactWithdrawalRow, rows.plain(r)),
    "CommandRejected": lambda w, r: w.once(CommandRejectionRow, rows.plain(r)),
    "ConsentLimitedUse": lambda w, r: w.once(ConsentLimitedUseRow, rows.plain(r)),
    "SenExchangeReplied": lambda w, r: w.once(SenExchangeRow, rows.sen_message(r)),
    "SenParticipationDecided": lambda w, r: w.once(SenExchangeRow, rows.sen_message(r)),
    "CscStatusRelayed": lambda w, r: w.once(SenExchangeRow, rows.sen_message(r)),
    "FlagRaised": lambda w, r: w.upsert(FlagRow, rows.flag_raised(r), _FLAG_RAISE,
                                        lambda t, new: t.c.raised_on.is_(None)),
    "FlagCleared": lambda w, r: w.upsert(FlagRow, rows.flag_cleared(r), _FLAG_CLEAR,
                                         lambda t, new: t.c.cleared_on.is_(None)),
    "IdentityDecisionMade": _identity,
}
