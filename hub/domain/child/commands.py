"""Commands for one child: task lifecycle from the inbox, SEN decisions, possible matches.

Every command either changes something (outputs) or is rejected (one ``CommandRejected``);
a command that asks for what is already so (claiming a task one holds) yields nothing.
A reviewer's identity answers are the resolver's (the ``ChildReset`` it sends carries their
consequences); here an answer to a possible match only closes its review task, if this child
holds it open.
"""

from __future__ import annotations

from hub.domain.child import sen_exchange, tasks
from hub.domain.child.context import Context, Outputs
from hub.domain.child.state import ChildState
from hub.domain.commands import (
    AssignTask,
    ClaimTask,
    Command,
    CompleteTask,
    IdentityCommand,
    PossibleMatchRaised,
    RecordSenParticipation,
    ReviewPossibleMatch,
    TaskCommand,
)
from hub.domain.outputs.codes import RejectionCode, TaskStatus, TaskType
from hub.domain.outputs.tasks import CommandRejected, TaskChanged

Result = tuple[ChildState, Outputs]

_REASONS = {
    RejectionCode.UNKNOWN_TASK: "no such task for this child (or finished long ago)",
    RejectionCode.TASK_CLOSED: "the task is already done or cancelled",
    RejectionCode.ALREADY_CLAIMED: "someone else has claimed the task",
    RejectionCode.UNKNOWN_REQUEST: "no such SEN request for this child",
    RejectionCode.ALREADY_DECIDED: "participation in this SEN request is already decided",
}


def handle(state: ChildState, command: Command, ctx: Context) -> Result:
    if isinstance(command, RecordSenParticipation):
        return _decide(state, command, ctx)
    if isinstance(command, PossibleMatchRaised):
        return _possible_match(state, command, ctx)
    if isinstance(command, ReviewPossibleMatch):
        return _reviewed(state, command, ctx)
    if isinstance(command, IdentityCommand):
        return state, ()
    return _move(state, command, ctx)


def _move(state: ChildState, command: TaskCommand, ctx: Context) -> Result:
    task = state.task(command.task_id)
    if task is None:
        return state, (rejection(command, command.task_id, RejectionCode.UNKNOWN_TASK, ctx),)
    moved: TaskChanged | RejectionCode | None
    if isinstance(command, ClaimTask):
        moved = tasks.claim(task, command.by, ctx.now)
    elif isinstance(command, AssignTask):
        moved = tasks.assign(task, command.assignee, command.by, ctx.now)
    elif isinstance(command, CompleteTask):
        moved = tasks.close(task, TaskStatus.DONE, command.by, command.outcome, ctx.now)
    else:
        moved = tasks.close(task, TaskStatus.CANCELLED, command.by, command.reason, ctx.now)
    if isinstance(moved, RejectionCode):
        return state, (rejection(command, command.task_id, moved, ctx),)
    return (state.with_task(moved), (moved,)) if moved else (state, ())


def _decide(state: ChildState, command: RecordSenParticipation, ctx: Context) -> Result:
    decided = sen_exchange.decide(state, command, ctx)
    if isinstance(decided, RejectionCode):
        return state, (rejection(command, command.request_record_id, decided, ctx),)
    state, decision = decided
    task = _sen_task(state, command.request_record_id)
    done = task and tasks.close(task, TaskStatus.DONE, command.by, _said(command), ctx.now)
    if isinstance(done, TaskChanged):
        return state.with_task(done), (decision, done)
    return state, (decision,)  # no task (not invited, rule off) or it was closed by hand


def _sen_task(state: ChildState, request_record_id: str) -> TaskChanged | None:
    return next((t for t in state.tasks if t.task_type is TaskType.SEN_PARTICIPATION
                 and t.reference == request_record_id), None)


def _said(command: RecordSenParticipation) -> str:
    return "CSC will take part" if command.will_participate else "CSC will not take part"


def _possible_match(state: ChildState, command: PossibleMatchRaised, ctx: Context) -> Result:
    """A review task. A record linked to the child despite a conflicting identifier (the
    command names the child twice) gets a task of its own, so a later conflict is reviewed
    even after an earlier one was answered."""
    conflict = command.child_key == command.candidate_key
    spec = tasks.TaskSpec(
        task_type=TaskType.POSSIBLE_MATCH_REVIEW,
        task_id=(
            tasks.task_id_for(TaskType.POSSIBLE_MATCH_REVIEW, command.child_key,
                              command.record_ref)
            if conflict else _review_task_id(command.child_key, command.candidate_key)
        ),
        what_happened=f"A record may belong to a child the hub already knows "
                      f"(match score {command.score:.2f}).",
        start=command.raised_at.date(), source_id=command.command_id,
        reference=command.record_ref, related_child_key=command.candidate_key,
    )
    return tasks.open_task(state, spec, ctx)


def _review_task_id(child_key: str, candidate_key: str) -> str:
    return tasks.task_id_for(TaskType.POSSIBLE_MATCH_REVIEW, *sorted((child_key, candidate_key)))


def _reviewed(state: ChildState, command: ReviewPossibleMatch, ctx: Context) -> Result:
    """The reviewer answered: their review task is DONE (nothing to do if it is not open here).

    A conflict review (the command names the child twice) answers for every record held for
    a conflict (``hub.domain.identity.review.answer_conflict``): each open conflict task of
    the child is DONE."""
    if command.child_key != command.candidate_key:
        task = state.task(_review_task_id(command.child_key, command.candidate_key))
        answer = "Same child: merged" if command.same_child else "Not the same child"
        done = task and tasks.close(task, TaskStatus.DONE, command.by, answer, ctx.now)
        return (state.with_task(done), (done,)) if isinstance(done, TaskChanged) else (state, ())
    answer = "Same child: kept" if command.same_child else "Not the same child: split out"
    closed = []
    for task in state.tasks:
        if (task.task_type is TaskType.POSSIBLE_MATCH_REVIEW
                and task.related_child_key == task.child_key):
            done = tasks.close(task, TaskStatus.DONE, command.by, answer, ctx.now)
            if isinstance(done, TaskChanged):
                closed.append(done)
    for done in closed:
        state = state.with_task(done)
    return state, tuple(closed)


def rejection(command: Command, target: str, code: RejectionCode, ctx: Context) -> CommandRejected:
    return CommandRejected(
        command_id=command.command_id, command_type=type(command).__name__,
        child_key=ctx.child_key, target_id=target, reason_code=code, reason=_REASONS[code],
        rejected_at=ctx.now,
    )
