"""``SqlHubStore``: the hub store on SQLite (the default file) or PostgreSQL (psycopg 3).

Every write is an ``INSERT ... ON CONFLICT`` (``sql_writes``), so the worker's sink can apply a
redelivered or replayed record without harm; ``apply_many`` writes a batch in one transaction.
Tables and columns: docs/database.md. Nothing here logs record contents.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, make_url

from hub.adapters.store.sql import erasure, lookups, queries
from hub.adapters.store.sql.batch import write_batch
from hub.adapters.store.sql.schema import create_schema
from hub.adapters.store.sql.writes import Writes, insert_for
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import (
    CommandRejected,
    ConsentLimitedUse,
    ContactRecordCreated,
    ContactWithdrawn,
    TaskChanged,
    TimelineEntry,
)
from hub.ports import (
    ChildSummary,
    FlagView,
    LinkedIdentifier,
    PersonRecordView,
    PersonView,
    StoreRecord,
)

Clock = Callable[[], datetime]
P = ParamSpec("P")
T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def engine_for(url: str) -> Engine:
    """An engine for ``url``; plain ``postgresql://`` URLs use psycopg 3, SQLite files 0600."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)  # personal data: nobody else's business
    engine = create_engine(parsed, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")  # the worker writes while the inbox reads
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA secure_delete = ON")  # an erased value leaves no bytes behind
    cursor.close()


class SqlHubStore:
    def __init__(self, url: str, clock: Clock = _utc_now) -> None:
        self.engine = engine_for(url)
        self._insert = insert_for(self.engine.dialect.name)
        self._clock = clock
        create_schema(self.engine, self._insert, clock())

    def close(self) -> None:
        self.engine.dispose()

    def apply(self, record: StoreRecord) -> None:
        self.apply_many((record,))

    def apply_many(self, records: Iterable[StoreRecord]) -> None:
        with self.engine.begin() as conn:
            write_batch(Writes(conn, self._insert, self._clock()), records)

    def _read(self, query: Callable[Concatenate[Connection, P], T],
              *args: P.args, **kwargs: P.kwargs) -> T:
        with self.engine.connect() as conn:
            return query(conn, *args, **kwargs)

    def open_tasks(
        self, team: str | None = None, child_key: str | None = None
    ) -> list[TaskChanged]:
        return self._read(queries.open_tasks, team, child_key)

    def task(self, task_id: str) -> TaskChanged | None:
        return self._read(queries.task, task_id)

    def timeline(self, child_key: str) -> list[TimelineEntry]:
        return self._read(queries.timeline, child_key)

    def flags(self, child_key: str) -> list[FlagView]:
        return self._read(queries.flags, child_key)

    def contacts(self, child_key: str) -> list[ContactRecordCreated]:
        return self._read(queries.contacts, child_key)

    def contact_withdrawals(self, child_key: str) -> list[ContactWithdrawn]:
        return self._read(queries.contact_withdrawals, child_key)

    def child_summary(self, child_key: str) -> ChildSummary | None:
        return self._read(queries.child_summary, child_key)

    def person(self, child_key: str) -> PersonView | None:
        return self._read(lookups.person, child_key)

    def identifiers(self, child_key: str) -> list[LinkedIdentifier]:
        return self._read(lookups.identifiers, child_key)

    def identifiers_of_types(self, types: Collection[str]) -> list[LinkedIdentifier]:
        return self._read(lookups.identifiers_of_types, types)

    def person_records(self, child_key: str) -> list[PersonRecordView]:
        return self._read(lookups.person_records, child_key)

    def erase_person(self, child_key: str) -> int:
        with self.engine.begin() as conn:
            changed = erasure.erase_person(conn, child_key)
        if self.engine.dialect.name == "sqlite":  # no old page left in the write-ahead log
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return changed

    def episodes(self, child_key: str | None = None) -> list[ServiceEpisode]:
        return self._read(lookups.episodes, child_key)

    def rejection(self, command_id: str) -> CommandRejected | None:
        return self._read(lookups.rejection, command_id)

    def consent_limited_uses(self, census_month: str | None = None) -> list[ConsentLimitedUse]:
        return self._read(lookups.consent_limited_uses, census_month)
