"""Is a staff command's actor someone the staff directory knows, in a role that may do it?

Checked twice: by the sender (``StaffCommands``), so a person is told at once, and by the
worker before it applies anything read from the commands topic, so a command written there by
anyone else (a forged actor, a removed user) becomes a visible ``CommandRejected`` instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from hub.domain.outputs.codes import RejectionCode
from hub.domain.outputs.tasks import CommandRejected
from hub.domain.staff_roles import command_allowed
from hub.logging import get_logger
from hub.usecases.worker_steps import Arrival, Arrived

log = get_logger(__name__)


class ActorDirectory(Protocol):
    def roles_of(self, user_id: str) -> frozenset[str] | None:
        """The user's roles; None when the directory has no such user."""


_REASONS = {
    RejectionCode.UNKNOWN_ACTOR: "the staff directory has no such user",
    RejectionCode.NOT_PERMITTED: "the user's roles do not allow this action",
}


def actor_refusal(directory: ActorDirectory, action: str, by: str | None) -> RejectionCode | None:
    """Why ``by`` may not take ``action``, or None when they may."""
    roles = directory.roles_of(by.strip()) if by and by.strip() else None
    if roles is None:
        return RejectionCode.UNKNOWN_ACTOR
    return None if command_allowed(action, roles) else RejectionCode.NOT_PERMITTED


def reason(code: RejectionCode) -> str:
    return _REASONS[code]


def actor_rejection(
    directory: ActorDirectory, command: object, now: datetime
) -> CommandRejected | None:
    """The rejection of a command from the commands topic whose actor may not act, else None."""
    action = type(command).__name__
    code = actor_refusal(directory, action, getattr(command, "by", None))
    if code is None:
        return None
    child_key = str(getattr(command, "child_key", ""))
    target = getattr(command, "task_id", None) or getattr(command, "request_record_id", None)
    return CommandRejected(
        command_id=str(getattr(command, "command_id", "")), command_type=action,
        child_key=child_key, target_id=str(target or child_key), reason_code=code,
        reason=reason(code), rejected_at=now,
    )


def unverified_command(
    directory: ActorDirectory, commands_topic: str, arrival: Arrival
) -> CommandRejected | None:
    """For a staff command on the commands topic whose actor may not act: its rejection (and
    nothing else is done with it). None for anything else, which goes on as before."""
    if not isinstance(arrival, Arrived) or arrival.message.topic != commands_topic:
        return None  # a message that does not decode: the usual path dead-letters it
    command = arrival.record
    when = getattr(command, "sent_at", None) or getattr(command, "decided_at", None)
    rejected = actor_rejection(directory, command, when or datetime.now(UTC))
    if rejected is None:
        return None
    log.warning("staff command refused by the worker", command_id=rejected.command_id,
                command_type=rejected.command_type, code=rejected.reason_code.value)
    return rejected
