"""Creating the store's schema: ``create_all`` plus a ``schema_version`` row (no migrations yet).

A database at a newer version belongs to a newer hub, and is refused with a clear error rather
than written to. Older versions are upgraded in place: v2 (before ``contact_withdrawals``) by
``create_all`` alone (the new table starts empty); v1 (before ``person_records``) when
its ``person_records`` can be derived exactly from its decisions log, that is when it holds no
MERGE or SPLIT (the log keeps neither the records they moved nor their order); otherwise it is
refused too, and the store is rebuilt by a replay into a fresh database (``hub replay``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from hub.adapters.store.sql.episode_tables import ServiceEpisodeRow
from hub.adapters.store.sql.person_tables import (
    IdentityDecisionRow,
    LinkedIdentifierRow,
    PersonRecordRow,
    PersonRow,
)
from hub.adapters.store.sql.rows import PLACING
from hub.adapters.store.sql.tables import (
    SCHEMA_VERSION,
    CommandRejectionRow,
    ConsentLimitedUseRow,
    ContactRow,
    ContactWithdrawalRow,
    FlagRow,
    SchemaVersion,
    SenExchangeRow,
    TaskRow,
    TimelineEntryRow,
)
from hub.adapters.store.sql.writes import table

HUB_TABLES: tuple[Table, ...] = tuple(table(m) for m in (
    SchemaVersion, TaskRow, TimelineEntryRow, ContactRow, ContactWithdrawalRow, FlagRow,
    SenExchangeRow,
    CommandRejectionRow, ConsentLimitedUseRow, IdentityDecisionRow, PersonRow,
    LinkedIdentifierRow, PersonRecordRow, ServiceEpisodeRow,
))
VERSIONS = table(SchemaVersion)
DECISIONS, RECORDS = table(IdentityDecisionRow), table(PersonRecordRow)


class SchemaVersionError(RuntimeError):
    """The database's schema is not the one this hub writes."""


def _create_tables(engine: Engine, attempts: int = 5) -> None:
    """Create the tables not there yet. Processes started together (the worker's stages in
    their own processes, the inbox) may race: each sees a table missing and one of the
    CREATEs fails with "already exists"; looking again then finds it made."""
    for attempt in range(attempts):
        try:
            SQLModel.metadata.create_all(engine, tables=list(HUB_TABLES))
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def create_schema(engine: Engine, insert: Callable[[Table], Any], now: datetime) -> None:
    _create_tables(engine)
    with engine.begin() as conn:
        found = conn.scalar(select(VERSIONS.c.version).order_by(VERSIONS.c.version.desc()))
        if found == SCHEMA_VERSION:
            return
        if found == 1:
            _upgrade_from_v1(conn, insert)
        elif found == 2:
            pass  # v2 -> v3 adds only ``contact_withdrawals``, which create_all just made
        elif found is not None:
            raise SchemaVersionError(
                f"the database has hub schema v{found}; this hub writes v{SCHEMA_VERSION}"
            )
        stmt = insert(VERSIONS).values(version=SCHEMA_VERSION, applied_at=now)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["version"]))


def _upgrade_from_v1(conn: Connection, insert: Callable[[Table], Any]) -> None:
    """v1 -> v2: ``person_records`` (just created, empty) from the LINK, NEW and POSSIBLE_MATCH
    decisions, each record under the child it was resolved to (the record id starts with its
    source system). Idempotent: two processes may upgrade at once."""
    reviewed = conn.scalar(select(func.count()).select_from(DECISIONS).where(
        DECISIONS.c.kind.in_(["MERGE", "SPLIT"])))
    if reviewed:
        raise SchemaVersionError(
            f"the database has hub schema v1 and {reviewed} merge or split decisions, from which "
            f"this hub (v{SCHEMA_VERSION}) cannot tell which person records each child holds: "
            "rebuild the store into a fresh database (hub replay)"
        )
    placed = conn.execute(
        select(DECISIONS.c.record_id, DECISIONS.c.child_key, DECISIONS.c.decision_id)
        .where(DECISIONS.c.kind.in_([k.value for k in PLACING]),
               DECISIONS.c.record_id.is_not(None))
        .order_by(DECISIONS.c.applied_at, DECISIONS.c.decision_id)
    ).all()
    rows = [{"record_id": record_id, "source_system": record_id.partition(":")[0],
             "child_key": child_key, "decision_id": decision_id}
            for record_id, child_key, decision_id in placed]
    if rows:
        conn.execute(insert(RECORDS).on_conflict_do_nothing(index_elements=["record_id"]), rows)
