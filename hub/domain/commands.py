"""Commands: to the child processor (tasks, SEN decisions, possible matches) and to the resolver.

Commands are imperative and travel on Kafka keyed by ``child_key``, so one child's tasks have
exactly one writer. ``command_id`` is chosen by the sender and makes a redelivery harmless.
A reviewer's identity answers (``ReviewPossibleMatch``, ``SplitChild``) are the resolver's to
carry out (``hub.domain.identity.resolution.Resolution.review``); the child processor lets
them pass.
"""

from __future__ import annotations

from hub.domain.events.base import Record, Timestamp


class ClaimTask(Record):
    command_id: str
    child_key: str
    task_id: str
    by: str
    sent_at: Timestamp


class AssignTask(Record):
    """A team manager gives the task to ``assignee`` (a member of the task's team)."""

    command_id: str
    child_key: str
    task_id: str
    assignee: str
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


class ReviewPossibleMatch(Record):
    """A reviewer's answer to a possible match: is ``child_key`` the child ``candidate_key`` is?

    ``child_key`` is the provisional key the resolver gave the record, ``candidate_key`` the
    known child it may be. The same child: the provisional key is merged into the candidate
    (the candidate survives). Not the same: the review closes and both children stay.
    """

    command_id: str
    child_key: str
    candidate_key: str
    same_child: bool
    by: str
    decided_at: Timestamp


class SplitChild(Record):
    """Undo: the named person records leave ``child_key``.

    Records that were merged in from another key go back to that key; any others start one
    new child together (a deterministic key, ``hub.domain.identity.keys.child_key``).
    """

    command_id: str
    child_key: str
    record_ids: tuple[str, ...]
    by: str
    reason: str
    decided_at: Timestamp


TaskCommand = ClaimTask | AssignTask | CompleteTask | CancelTask
IdentityCommand = ReviewPossibleMatch | SplitChild
Command = TaskCommand | RecordSenParticipation | PossibleMatchRaised | IdentityCommand
