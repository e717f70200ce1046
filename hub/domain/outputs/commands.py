"""Commands to the child processor: from the web inbox (tasks, SEN decisions) and the resolver.

Commands are imperative and travel on Kafka keyed by ``child_key``, so one child's tasks have
exactly one writer. ``command_id`` is chosen by the sender and makes a redelivery harmless.
"""

from __future__ import annotations

from hub.domain.events.base import Record, Timestamp


class ClaimTask(Record):
    command_id: str
    child_key: str
    task_id: str
    by: str
    sent_at: Timestamp


class CompleteTask(Record):
    command_id: str
    child_key: str
    task_id: str
    by: str
    outcome: str
    sent_at: Timestamp


class CancelTask(Record):
    command_id: str
    child_key: str
    task_id: str
    by: str
    reason: str
    sent_at: Timestamp


class RecordSenParticipation(Record):
    command_id: str
    child_key: str
    request_record_id: str
    will_participate: bool
    by: str
    decided_at: Timestamp


class PossibleMatchRaised(Record):
    """The resolver could not decide: ``child_key`` may be the same child as ``candidate_key``."""

    command_id: str
    child_key: str
    candidate_key: str
    score: float
    record_ref: str
    raised_at: Timestamp


TaskCommand = ClaimTask | CompleteTask | CancelTask
Command = TaskCommand | RecordSenParticipation | PossibleMatchRaised
