"""The store's look-ups by id: person, identifiers, person records, episodes, rejections,
countable uses."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from hub.adapters.store.sql import rows
from hub.adapters.store.sql.episode_tables import ServiceEpisodeRow
from hub.adapters.store.sql.person_tables import LinkedIdentifierRow, PersonRecordRow, PersonRow
from hub.adapters.store.sql.tables import CommandRejectionRow, ConsentLimitedUseRow
from hub.adapters.store.sql.writes import table
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import CommandRejected, ConsentLimitedUse
from hub.ports import LinkedIdentifier, PersonRecordView, PersonView

PERSON, IDS, RECORDS = table(PersonRow), table(LinkedIdentifierRow), table(PersonRecordRow)
EPISODES, REJECTIONS = table(ServiceEpisodeRow), table(CommandRejectionRow)
USES = table(ConsentLimitedUseRow)


def person(conn: Connection, child_key: str) -> PersonView | None:
    columns = [PERSON.c[f] for f in ("child_key", "given_name", "family_name", "date_of_birth",
                                      "sex", "postcode")]
    found = conn.execute(select(*columns).where(PERSON.c.child_key == child_key)).mappings()
    row = found.first()
    return PersonView(**row) if row else None


def identifiers(conn: Connection, child_key: str) -> list[LinkedIdentifier]:
    columns = [IDS.c[f] for f in ("child_key", "identifier_type", "identifier_value",
                                   "source_system", "first_seen_decision_id",
                                   "last_seen_decision_id")]
    query = select(*columns).where(IDS.c.child_key == child_key).order_by(
        IDS.c.identifier_type, IDS.c.identifier_value, IDS.c.source_system)
    return [LinkedIdentifier(**r) for r in conn.execute(query).mappings()]


def identifiers_of_types(conn: Connection, types: Collection[str]) -> list[LinkedIdentifier]:
    """Every child's identifiers of ``types``; sorted here (collations differ)."""
    columns = [IDS.c[f] for f in ("child_key", "identifier_type", "identifier_value",
                                   "source_system", "first_seen_decision_id",
                                   "last_seen_decision_id")]
    query = select(*columns).where(IDS.c.identifier_type.in_(sorted(types)))
    found = (LinkedIdentifier(**r) for r in conn.execute(query).mappings())
    return sorted(found, key=lambda v: (v.child_key, v.identifier_type, v.identifier_value,
                                        v.source_system))


def person_records(conn: Connection, child_key: str) -> list[PersonRecordView]:
    """Sorted here, not by the database: PostgreSQL's collation may order text otherwise."""
    columns = [RECORDS.c[f] for f in ("record_id", "source_system", "child_key")]
    found = conn.execute(select(*columns).where(RECORDS.c.child_key == child_key)).mappings()
    return sorted((PersonRecordView(**r) for r in found), key=lambda v: v.record_id)


def episodes(conn: Connection, child_key: str | None) -> list[ServiceEpisode]:
    query = select(EPISODES.c.record_json).order_by(EPISODES.c.start_date, EPISODES.c.episode_id)
    if child_key is not None:
        query = query.where(EPISODES.c.child_key == child_key)
    return [ServiceEpisode.model_validate_json(j) for j in conn.scalars(query)]


def rejection(conn: Connection, command_id: str) -> CommandRejected | None:
    query = select(REJECTIONS).where(REJECTIONS.c.command_id == command_id)
    row = conn.execute(query).mappings().first()
    return rows.to_rejection(row) if row else None


def consent_limited_uses(conn: Connection, census_month: str | None) -> list[ConsentLimitedUse]:
    query = select(USES)
    if census_month is not None:
        query = query.where(USES.c.census_month == census_month)
    return [rows.to_use(r) for r in conn.execute(query.order_by(USES.c.use_id)).mappings()]
