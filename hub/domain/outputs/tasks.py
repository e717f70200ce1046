"""Work for CSC staff (the web inbox) and the answer to a command the hub could not carry out."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from hub.domain.events.base import Record, Timestamp
from hub.domain.outputs.codes import Priority, RejectionCode, TaskStatus, TaskType


class TaskChanged(Record):
    """The whole task as it is now; ``version`` grows by one with every change."""

    task_id: str
    task_type: TaskType
    child_key: str
    status: TaskStatus
    title: str
    what_happened: str
    what_to_do: str
    team: str
    due_date: date
    priority: Priority
    assignee: str | None = None
    version: int = Field(ge=1)
    source_event_id: str
    reference: str | None = None
    related_child_key: str | None = None
    resolution: str | None = None
    changed_by: str | None = None
    changed_at: Timestamp


class CommandRejected(Record):
    """A command that would make an illegal change; nothing else happened."""

    command_id: str
    command_type: str
    child_key: str
    target_id: str
    reason_code: RejectionCode
    reason: str
    rejected_at: Timestamp
