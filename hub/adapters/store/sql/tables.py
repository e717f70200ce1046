"""The hub store's tables (SQLModel): tasks, timeline, contacts, flags, SEN exchange, outcomes.

Table names follow the Standard Safeguarding Dataset (SSD) where it has the same thing
(``contacts``); the rest are the hub's own. Every table and column is listed in
docs/database.md. Person and identifier tables are in ``sql_person_tables``, service episodes
in ``sql_episode_tables``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Index
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 3
"""Bump with every change to a table (and say in ``sql_schema`` what becomes of an older
database); ``SqlHubStore`` refuses a database newer than this."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive values are refused.

    PostgreSQL keeps them as ``timestamptz``; SQLite, which has no time zones, as UTC text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the hub store keeps aware datetimes only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def utc_field(**kwargs: Any) -> Any:
    return Field(sa_type=UtcDateTime, **kwargs)


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)
    applied_at: datetime = utc_field()


class TaskRow(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_status_team", "status", "team"),)
    task_id: str = Field(primary_key=True)
    version: int
    task_type: str
    child_key: str = Field(index=True)
    status: str
    title: str
    what_happened: str
    what_to_do: str
    team: str
    due_date: date
    priority: str
    assignee: str | None = None
    source_event_id: str
    reference: str | None = None
    related_child_key: str | None = None
    resolution: str | None = None
    changed_by: str | None = None
    changed_at: datetime = utc_field()


class TimelineEntryRow(SQLModel, table=True):
    __tablename__ = "timeline_entries"
    child_key: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)
    event_type: str
    source_system: str
    occurred_at: datetime = utc_field(index=True)
    summary: str
    service: str | None = None
    consent_basis: str


class ContactRow(SQLModel, table=True):
    __tablename__ = "contacts"
    contact_id: str = Field(primary_key=True)
    child_key: str = Field(index=True)
    contact_type: str
    source_system: str
    source_event_id: str
    contact_date: date
    summary: str
    consent_basis: str


class ContactWithdrawalRow(SQLModel, table=True):
    """A Contact withdrawn by a late earlier event (``ContactWithdrawn``); the contact's own
    row stays as it was sent (v3)."""

    __tablename__ = "contact_withdrawals"
    contact_id: str = Field(primary_key=True)
    child_key: str = Field(index=True)
    contact_type: str
    source_event_id: str
    reason: str
    withdrawn_by_event_id: str
    withdrawn_on: date
    replaced_by_flag_id: str | None = None


class FlagRow(SQLModel, table=True):
    """One row per ``flag_id``. A clear that arrives before its raise waits in the row."""

    __tablename__ = "flags"
    flag_id: str = Field(primary_key=True)
    child_key: str = Field(index=True)
    flag: str
    raised_on: date | None = None
    raised_by_event_id: str | None = None
    source_system: str | None = None
    expires_on: date | None = None
    summary: str | None = None
    consent_basis: str | None = None
    cleared_on: date | None = None
    clear_reason: str | None = None
    cleared_by_event_id: str | None = None


class SenExchangeRow(SQLModel, table=True):
    """The SEN exchange as a message log: replies, participation decisions, status relays."""

    __tablename__ = "sen_exchange"
    seq: int | None = Field(default=None, primary_key=True)  # arrival order, for ties
    message_id: str = Field(unique=True)
    kind: str
    child_key: str = Field(index=True)
    request_record_id: str | None = None
    csc_status: str | None = None
    status_as_of: date | None = None
    record_json: str


class CommandRejectionRow(SQLModel, table=True):
    __tablename__ = "command_rejections"
    command_id: str = Field(primary_key=True)
    command_type: str
    child_key: str = Field(index=True)
    target_id: str
    reason_code: str
    reason: str
    rejected_at: datetime = utc_field()


class ConsentLimitedUseRow(SQLModel, table=True):
    __tablename__ = "consent_limited_uses"
    use_id: str = Field(primary_key=True)
    event_type: str
    service: str | None = None
    age_band: str
    sex: str
    census_month: str = Field(index=True)
    consent_basis: str
