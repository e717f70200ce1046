"""Who a child is: ``person`` and ``linked_identifiers`` (SSD names), the decisions log, and
``person_records`` (which of the resolver's person records each child holds now).

Personal data lives here and only here; it never goes to a log line.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from hub.adapters.store.sql.tables import utc_field


class IdentityDecisionRow(SQLModel, table=True):
    """Every identity decision applied, once: a redelivered decision changes nothing."""

    __tablename__ = "identity_decisions"
    decision_id: str = Field(primary_key=True)
    kind: str
    child_key: str = Field(index=True)
    candidate_key: str | None = None
    score: float | None = None
    source_event_id: str | None = None
    record_id: str | None = None
    applied_at: datetime = utc_field()


class PersonRow(SQLModel, table=True):
    """Latest known details per child key; an empty value never overwrites a known one."""

    __tablename__ = "person"
    child_key: str = Field(primary_key=True)
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    postcode: str | None = None
    last_decision_id: str
    updated_at: datetime = utc_field()


class LinkedIdentifierRow(SQLModel, table=True):
    """One row per (child, identifier, source system); the key finds children by identifier."""

    __tablename__ = "linked_identifiers"
    __table_args__ = (Index("ix_linked_identifiers_value", "identifier_type", "identifier_value"),)
    child_key: str = Field(primary_key=True)
    identifier_type: str = Field(primary_key=True)
    identifier_value: str = Field(primary_key=True)
    source_system: str = Field(primary_key=True)
    record_id: str
    first_seen_decision_id: str
    last_seen_decision_id: str
    first_seen_at: datetime = utc_field()
    last_seen_at: datetime = utc_field()


class PersonRecordRow(SQLModel, table=True):
    """Where each person record is now: placed once by the decision that resolved it (LINK,
    NEW, POSSIBLE_MATCH), moved by a reviewer's MERGE or SPLIT. Ids only, no personal data."""

    __tablename__ = "person_records"
    record_id: str = Field(primary_key=True)
    source_system: str
    child_key: str = Field(index=True)
    decision_id: str  # the decision that put it under ``child_key``
