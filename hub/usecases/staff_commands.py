"""Staff commands: what a person in CSC asks the hub to do with a task or an SEN request.

The web inbox and ``hub task ...`` / ``hub sen participation`` send commands through here:
only for a task the store holds (for that child) and has not finished. The child processor
still has the last word and answers an illegal move with ``CommandRejected``. A reviewer's
identity answers (``hub review ...``) go through ``identity_review_commands``, which uses
this service's checks and sending.

Delivery: the command is acknowledged on ``cin.hub.commands.v1`` (keyed by child key, so
one child's commands keep their order) before a method returns: by its own acknowledgement
when the event log gives one (the inbox's bounded log: commands never wait on each other),
else by a flush, one command at a time. Idempotency key: ``command_id``,
chosen by the caller or minted here; a resend with the same id is harmless.
Audit: one log line per command sent or refused, with ids only (staff user, task, command,
child key), never a name or an identifier a source system holds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.domain.outputs import (
    AssignTask,
    CancelTask,
    ClaimTask,
    Command,
    CompleteTask,
    RecordSenParticipation,
    TaskChanged,
)
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.domain.routing import output_key, topic_for
from hub.logging import get_logger
from hub.ports import AckedEventLog, HubStore
from hub.usecases.actor_check import ActorDirectory, actor_refusal, reason
from hub.usecases.publishing import Publisher

Clock = Callable[[], datetime]
FINISHED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})

log = get_logger(__name__)


class CommandNotSentError(Exception):
    """The command was not sent; the message says why and is safe to show and log."""


class UnknownTaskError(CommandNotSentError, LookupError):
    """The store holds no such task (for that child)."""


class TaskFinishedError(CommandNotSentError):
    """The task is DONE or CANCELLED: nothing can move it any more."""


class NothingToDoError(CommandNotSentError):
    """The command asks for what is already so (claiming a task one holds)."""


class MissingFieldError(CommandNotSentError, ValueError):
    """A required free-text field (who, outcome, reason) is blank."""


class ActorRefusedError(CommandNotSentError, PermissionError):
    """The staff directory does not know the actor, or their roles do not allow the action."""


@dataclass(frozen=True)
class Sent:
    command: Command
    topic: str
    task: TaskChanged | None  # the task as the store showed it when the command was sent


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_command_id() -> str:
    return str(uuid.uuid4())


def refused(action: str, by: str, why: str, **ids: str) -> None:
    log.warning("staff command refused", action=action, by=by.strip(), why=why, **ids)


def required(name: str, value: str) -> str:
    if not value.strip():
        raise MissingFieldError(f"{name} must not be blank")
    return value.strip()


class StaffCommands:
    """Checks a command against the store, publishes it, flushes, and writes the audit line."""

    def __init__(self, publisher: Publisher, store: HubStore, clock: Clock = utc_now,
                 actors: ActorDirectory | None = None) -> None:
        self.publisher, self.store, self.clock = publisher, store, clock
        self.actors = actors  # checked again by the worker, which has the last word
        self._lock = asyncio.Lock()  # a flush covers every pending record: one at a time

    async def claim(self, task_id: str, by: str, command_id: str | None = None) -> Sent:
        task = await self.movable(task_id, "claim", by)
        if task.status is TaskStatus.CLAIMED and task.assignee == by.strip():
            refused("claim", by, "already held", task_id=task_id)
            raise NothingToDoError(f"{by.strip()} already holds task {task_id}")
        return await self.send(task, ClaimTask(
            command_id=command_id or new_command_id(), child_key=task.child_key,
            task_id=task_id, by=by.strip(), sent_at=self.clock()))

    async def assign(self, task_id: str, assignee: str, by: str,
                     command_id: str | None = None) -> Sent:
        """Give the task to ``assignee``; who may be given it is the caller's to check."""
        task = await self.movable(task_id, "assign", by)
        who = required("assignee", assignee)
        if task.status is TaskStatus.CLAIMED and task.assignee == who:
            refused("assign", by, "already held", task_id=task_id)
            raise NothingToDoError(f"{who} already holds task {task_id}")
        return await self.send(task, AssignTask(
            command_id=command_id or new_command_id(), child_key=task.child_key,
            task_id=task_id, assignee=who, by=by.strip(), sent_at=self.clock()))

    async def complete(
        self, task_id: str, by: str, outcome: str, command_id: str | None = None
    ) -> Sent:
        task = await self.movable(task_id, "complete", by)
        return await self.send(task, CompleteTask(
            command_id=command_id or new_command_id(), child_key=task.child_key,
            task_id=task_id, by=by.strip(), outcome=required("outcome", outcome),
            sent_at=self.clock()))

    async def cancel(self, task_id: str, by: str, reason: str, command_id: str | None = None
                     ) -> Sent:
        task = await self.movable(task_id, "cancel", by)
        return await self.send(task, CancelTask(
            command_id=command_id or new_command_id(), child_key=task.child_key,
            task_id=task_id, by=by.strip(), reason=required("reason", reason),
            sent_at=self.clock()))

    async def sen_participation(
        self, child_key: str, request_record_id: str, will_participate: bool, by: str,
        command_id: str | None = None,
    ) -> Sent:
        """Answer Education's invitation; the child's open SEN participation task must exist."""
        required("by", by)
        open_tasks = await asyncio.to_thread(self.store.open_tasks, None, child_key)
        task = next((t for t in open_tasks if t.task_type is TaskType.SEN_PARTICIPATION
                     and t.reference == request_record_id), None)
        if task is None:
            refused("sen_participation", by, "unknown task", child_key=child_key)
            raise UnknownTaskError(f"child {child_key} has no open SEN participation task for "
                                   "that request")
        return await self.send(task, RecordSenParticipation(
            command_id=command_id or new_command_id(), child_key=child_key,
            request_record_id=request_record_id, will_participate=will_participate,
            by=by.strip(), decided_at=self.clock()))

    async def movable(self, task_id: str, action: str, by: str) -> TaskChanged:
        """The task, when the store holds it and it is not finished; refused (and logged) else."""
        required("by", by)
        task = await asyncio.to_thread(self.store.task, task_id)
        if task is None:
            refused(action, by, "unknown task", task_id=task_id)
            raise UnknownTaskError(f"no task {task_id} in the hub store")
        if task.status in FINISHED:
            refused(action, by, "task finished", task_id=task_id)
            raise TaskFinishedError(f"task {task_id} is already {task.status}")
        return task

    async def send(self, task: TaskChanged | None, command: Command) -> Sent:
        """Publish ``command`` (about ``task``, if any), flush, and write the audit line."""
        self._check_actor(command)
        topic = topic_for(type(command).__name__, self.publisher.declared)
        key, value = output_key(command), self.publisher.codec.encode(command)
        if isinstance(self.publisher.log, AckedEventLog):  # its own acknowledgement: no queue
            await self.publisher.log.append_acked(topic, key, value)
        else:
            async with self._lock:
                await self.publisher.log.append(topic, key, value)
                await self.publisher.flush()
        about = {"task_id": task.task_id} if task else {}
        log.info("staff command sent", command_type=type(command).__name__,
                 command_id=command.command_id, **about,
                 child_key=getattr(command, "child_key", None), by=getattr(command, "by", None))
        return Sent(command, topic, task)

    def _check_actor(self, command: Command) -> None:
        if self.actors is None:
            return
        action, by = type(command).__name__, str(getattr(command, "by", ""))
        code = actor_refusal(self.actors, action, by)
        if code is not None:
            refused(action, by, code.value, command_id=command.command_id)
            raise ActorRefusedError(f"{by or 'nobody'} may not {action}: {reason(code)}")
