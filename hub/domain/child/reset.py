"""``reset(state, control, ctx)``: forget what events taught the child, keep what staff did.

A ``ChildReset`` comes from the resolver when an identity review changed which records the
child has; the events that now belong to the child follow it, in order, and build the state
again. So everything derived from events is emptied: active flags (each cleared with reason
IDENTITY_CHANGED; flags raised again get new ids, as the store keeps a clear for good), the CSC
status and episodes, the contact (withdrawn with reason IDENTITY_CHANGED: the re-sent events
make it again, under a new id, only if it still follows from them; a merged-away child's
notification may now raise flags on a survivor CSC knows), the SEN statement, the timeline
memory, and the ids of events applied (so the re-sent events apply again). What staff own
survives: the task list (a re-raised task keeps its status and version: ``tasks.open_task``
leaves a known task alone) and the SEN requests with their participation decisions (no second
reply to Education). Commands already applied stay remembered.

Retired (``into_key`` set: merged into another child): each open task moves to the survivor
as its next version (status unchanged) so the inbox shows it there, and leaves this state;
the state remembers ``merged_into``. The survivor's own state learns a moved task with
``adopt_task`` (so staff commands on it, now routed to the survivor, find it).
"""

from __future__ import annotations

from datetime import datetime

from hub.domain.child.context import Context, Outputs
from hub.domain.child.state import ChildState, SenState
from hub.domain.outputs.codes import ContactWithdrawReason, FlagClearReason, TaskStatus
from hub.domain.outputs.contacts import ContactWithdrawn, FlagCleared
from hub.domain.outputs.reset import ChildReset
from hub.domain.outputs.tasks import TaskChanged

OPEN = frozenset({TaskStatus.OPEN, TaskStatus.CLAIMED})


def reset(state: ChildState, control: ChildReset, ctx: Context) -> tuple[ChildState, Outputs]:
    cleared = tuple(
        FlagCleared(flag_id=f.flag_id, child_key=ctx.child_key, flag=f.flag,
                    reason=FlagClearReason.IDENTITY_CHANGED,
                    cleared_by_event_id=control.decision_id, cleared_on=control.at.date())
        for f in state.flags
    )
    withdrawn = () if state.contact is None else (ContactWithdrawn(
        contact_id=state.contact.contact_id, child_key=ctx.child_key,
        contact_type=state.contact.contact_type, source_event_id=state.contact.source_event_id,
        reason=ContactWithdrawReason.IDENTITY_CHANGED, withdrawn_by_event_id=control.decision_id,
        withdrawn_on=control.at.date(),
    ),)
    into = control.into_key
    moved = tuple(_moved(t, into, control.at) for t in state.tasks if into and t.status in OPEN)
    kept = tuple(t for t in state.tasks if not (into and t.status in OPEN))
    rebuilt = ChildState(
        sen=SenState(requests=state.sen.requests),
        tasks=kept,
        processed=tuple(i for i in state.processed if not i.startswith("event:")),
        reset_id=control.reset_id,
        merged_into=into,
    )
    return rebuilt, (*cleared, *withdrawn, *moved)


def _moved(task: TaskChanged, into_key: str, at: datetime) -> TaskChanged:
    return TaskChanged.model_validate(
        {**task.__dict__, "child_key": into_key, "version": task.version + 1, "changed_at": at,
         "changed_by": None}
    )


def adopt_task(state: ChildState, task: TaskChanged, child_key: str) -> ChildState:
    """Take over a task another key moved to this child (its ``child_key`` is this child's).

    A version at or below the one held changes nothing, so the task's own echo is harmless;
    a re-raised copy the child made itself (a lower version) gives way to the moved task.
    """
    held = state.task(task.task_id)
    if task.child_key != child_key or (held is not None and held.version >= task.version):
        return state
    return state.with_task(task)
