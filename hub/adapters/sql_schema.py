"""Creating the store's schema: ``create_all`` plus a ``schema_version`` row (no migrations yet).

A database at an older version would need a migration, and one at a newer version belongs to
a newer hub: both are refused with a clear error rather than written to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, Table, select
from sqlmodel import SQLModel

from hub.adapters.sql_episode_tables import ServiceEpisodeRow
from hub.adapters.sql_person_tables import IdentityDecisionRow, LinkedIdentifierRow, PersonRow
from hub.adapters.sql_tables import (
    SCHEMA_VERSION,
    CommandRejectionRow,
    ConsentLimitedUseRow,
    ContactRow,
    FlagRow,
    SchemaVersion,
    SenExchangeRow,
    TaskRow,
    TimelineEntryRow,
)
from hub.adapters.sql_writes import table

HUB_TABLES: tuple[Table, ...] = tuple(table(m) for m in (
    SchemaVersion, TaskRow, TimelineEntryRow, ContactRow, FlagRow, SenExchangeRow,
    CommandRejectionRow, ConsentLimitedUseRow, IdentityDecisionRow, PersonRow,
    LinkedIdentifierRow, ServiceEpisodeRow,
))
VERSIONS = table(SchemaVersion)


class SchemaVersionError(RuntimeError):
    """The database's schema is not the one this hub writes."""


def create_schema(engine: Engine, insert: Callable[[Table], object], now: datetime) -> None:
    SQLModel.metadata.create_all(engine, tables=list(HUB_TABLES))
    with engine.begin() as conn:
        stmt = insert(VERSIONS).values(version=SCHEMA_VERSION, applied_at=now)  # type: ignore[attr-defined]
        found = conn.scalar(select(VERSIONS.c.version).order_by(VERSIONS.c.version.desc()))
        if found is None:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["version"]))
        elif found != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the database has hub schema v{found}; this hub writes v{SCHEMA_VERSION}"
            )
