"""The store's reads, as SQLAlchemy Core selects; each returns domain records or port views."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, exists, func, literal, select, union_all

from hub.adapters.store.sql import rows
from hub.adapters.store.sql.schema import HUB_TABLES
from hub.adapters.store.sql.summary import OPEN_TASK_STATUSES, reported_status
from hub.adapters.store.sql.tables import (
    ContactRow,
    ContactWithdrawalRow,
    FlagRow,
    SenExchangeRow,
    TaskRow,
    TimelineEntryRow,
)
from hub.adapters.store.sql.writes import table
from hub.domain.outputs import (
    ContactRecordCreated,
    ContactWithdrawn,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.codes import CscStatus
from hub.ports import ChildSummary, FlagView

TASKS, TIMELINE, CONTACTS = table(TaskRow), table(TimelineEntryRow), table(ContactRow)
FLAGS, SEN, WITHDRAWALS = table(FlagRow), table(SenExchangeRow), table(ContactWithdrawalRow)


def open_tasks(conn: Connection, team: str | None, child_key: str | None) -> list[TaskChanged]:
    query = select(TASKS).where(TASKS.c.status.in_(OPEN_TASK_STATUSES))
    if team is not None:
        query = query.where(TASKS.c.team == team)
    if child_key is not None:
        query = query.where(TASKS.c.child_key == child_key)
    found = conn.execute(query.order_by(TASKS.c.due_date, TASKS.c.task_id)).mappings()
    return [rows.to_task(r) for r in found]


def task(conn: Connection, task_id: str) -> TaskChanged | None:
    found = conn.execute(select(TASKS).where(TASKS.c.task_id == task_id)).mappings().first()
    return rows.to_task(found) if found else None


def timeline(conn: Connection, child_key: str) -> list[TimelineEntry]:
    query = select(TIMELINE).where(TIMELINE.c.child_key == child_key)
    found = conn.execute(query.order_by(TIMELINE.c.occurred_at, TIMELINE.c.event_id))
    return [rows.to_entry(r) for r in found.mappings()]


def flags(conn: Connection, child_key: str) -> list[FlagView]:
    query = select(FLAGS).where(FLAGS.c.child_key == child_key, FLAGS.c.raised_on.is_not(None))
    found = conn.execute(query.order_by(FLAGS.c.raised_on, FLAGS.c.flag_id)).mappings()
    return [rows.to_flag(r) for r in found]


def contacts(conn: Connection, child_key: str) -> list[ContactRecordCreated]:
    query = select(CONTACTS).where(CONTACTS.c.child_key == child_key)
    found = conn.execute(query.order_by(CONTACTS.c.contact_date, CONTACTS.c.contact_id))
    return [rows.to_contact(r) for r in found.mappings()]


def contact_withdrawals(conn: Connection, child_key: str) -> list[ContactWithdrawn]:
    query = select(WITHDRAWALS).where(WITHDRAWALS.c.child_key == child_key)
    found = conn.execute(query.order_by(WITHDRAWALS.c.withdrawn_on, WITHDRAWALS.c.contact_id))
    return [ContactWithdrawn.model_validate(dict(r)) for r in found.mappings()]


def child_summary(conn: Connection, child_key: str) -> ChildSummary | None:
    if not _known(conn, child_key):
        return None
    standing = CONTACTS.c.contact_id.not_in(select(WITHDRAWALS.c.contact_id))
    latest_contact = conn.scalar(select(func.max(CONTACTS.c.contact_date)).where(
        CONTACTS.c.child_key == child_key, standing))
    status, as_of = reported_status(_latest_sen_status(conn, child_key), latest_contact)
    active = [f for f in flags(conn, child_key) if f.active]
    count = select(func.count()).where(TASKS.c.child_key == child_key,
                                       TASKS.c.status.in_(OPEN_TASK_STATUSES))
    entries = select(func.count(), func.max(TIMELINE.c.occurred_at)).where(
        TIMELINE.c.child_key == child_key)
    n_entries, last_at = conn.execute(entries).one()
    n_contacts = conn.scalar(select(func.count()).where(CONTACTS.c.child_key == child_key))
    return ChildSummary(
        child_key=child_key, csc_status=status, csc_status_as_of=as_of,
        active_flags=tuple(f.flag for f in active), open_tasks=conn.scalar(count) or 0,
        contacts=n_contacts or 0, timeline_entries=n_entries, last_event_at=last_at,
    )


def _latest_sen_status(conn: Connection, child_key: str) -> tuple[CscStatus, date] | None:
    query = select(SEN.c.csc_status, SEN.c.status_as_of).where(
        SEN.c.child_key == child_key, SEN.c.csc_status.is_not(None)
    ).order_by(SEN.c.status_as_of.desc(), SEN.c.seq.desc()).limit(1)
    found = conn.execute(query).first()
    return (CscStatus(found[0]), found[1]) if found else None


def _known(conn: Connection, child_key: str) -> bool:
    """Whether any applied record named ``child_key`` (every table that has the column)."""
    named = [select(literal(1)).where(t.c.child_key == child_key)
             for t in HUB_TABLES if "child_key" in t.c]
    return bool(conn.scalar(select(exists(union_all(*named).subquery().select()))))
