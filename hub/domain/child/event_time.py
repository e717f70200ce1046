"""Event time, not arrival time: a child's facts in the order they happened.

Departments deliver files whenever they do, so a child's events reach the hub in publish
order, not in the order they happened. The rules ask "what was the child's CSC status on the
event's date", so they must see the events in event-time order: ``(occurred_at, event_id)``
(the id breaks ties, so the order is a function of the facts alone).

``FactLog`` is the child's facts since its last ``ChildReset`` (identity review), ordered,
with the ``ChildState`` they apply to (``base``). ``place`` puts a new fact in its place and
says whether it is *late*: earlier than a fact already applied. A late fact makes the worker
re-run the pure rules over the ordered facts (``rebuild``), and send only what differs from
what it sent before, as corrections that are visible, never as silent changes:

- a flag the ordered facts no longer raise: ``FlagCleared`` with reason ``SUPERSEDED``;
- a Contact they no longer create (the child was known to CSC on the notification's date):
  ``ContactWithdrawn`` with reason ``SUPERSEDED``, naming the flag raised instead, if any;
- a flag, contact, timeline entry or status relay they now produce: sent as usual;
- a task they no longer raise, still open: its next version, ``CANCELLED`` (resolution
  ``SUPERSEDED``); a task whose content changed: its next version (status and assignee as
  staff left them);
- an SEN reply whose answer changed: a new ``SenExchangeReplied`` with ``corrects_reply_id``.

A withdrawn Contact is not deleted anywhere (CSC may have screened it): the sink marks it
withdrawn, and its screening task, if still open, is cancelled as superseded. Staff commands
are not facts: what they did (task moves, SEN participation decisions, commands applied) is
kept from the live state.

Pure: no broker, codec, database, clock or logger. ``replays`` only remembers earlier
runs of the rules: what it holds never changes a result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from hub.domain.child.apply import apply
from hub.domain.child.context import Outputs
from hub.domain.child.state import MAX_PROCESSED, MAX_SUPERSEDED_FLAGS, ChildState, SenRequest
from hub.domain.child.task_rules import DEFAULT_RULES, TaskRules
from hub.domain.event_facts import envelope_of, event_date
from hub.domain.events import Event
from hub.domain.events.base import Record
from hub.domain.outputs.base import output_id
from hub.domain.outputs.codes import ContactWithdrawReason, FlagClearReason, TaskStatus
from hub.domain.outputs.contacts import (
    ContactRecordCreated,
    ContactWithdrawn,
    FlagCleared,
    FlagRaised,
)
from hub.domain.outputs.sen import CscStatusRelayed, SenExchangeReplied
from hub.domain.outputs.tasks import TaskChanged
from hub.domain.outputs.timeline import TimelineEntry
from hub.domain.replays import Replays

Applied = tuple[ChildState, Outputs]

SUPERSEDED = "SUPERSEDED: an earlier event arrived late and the task no longer follows"
_OPEN = frozenset({TaskStatus.OPEN, TaskStatus.CLAIMED})


class Fact(Record):
    """One resolved event of the child: when it happened, its id, its bytes (base64)."""

    occurred_at: datetime
    event_id: str
    value: str

    @property
    def order(self) -> tuple[datetime, str]:
        return self.occurred_at, self.event_id


class FactLog(Record):
    facts: tuple[Fact, ...] = ()
    """Every fact since the last reset, in event-time order."""
    base: ChildState = ChildState()
    """The child state the facts apply to (empty, or what a ``ChildReset`` left)."""

    def has(self, event_id: str) -> bool:
        return any(f.event_id == event_id for f in self.facts)


def fact_of(event: Event, value: str) -> Fact:
    envelope = envelope_of(event)
    return Fact(occurred_at=envelope.occurred_at, event_id=envelope.event_id, value=value)


def place(log: FactLog, fact: Fact) -> tuple[FactLog, bool]:
    """The log with ``fact`` in its place, and whether it is late (before a fact already in
    the log). A fact already held changes nothing and is not late (a redelivery)."""
    if log.has(fact.event_id):
        return log, False
    late = any(f.order > fact.order for f in log.facts)
    ordered = tuple(sorted((*log.facts, fact), key=lambda f: f.order))
    return log.model_copy(update={"facts": ordered}), late


def _applying(child_key: str, rules: TaskRules) -> Callable[[Applied, Event], Applied]:
    """One step of the child rules: the state so far and everything produced so far."""
    def step(done: Applied, event: Event) -> Applied:
        state, outputs = done
        state, produced = apply(state, event, child_key, envelope_of(event).recorded_at, rules)
        return state, outputs + produced

    return step


def rebuild(
    live: ChildState, base: ChildState, before: Sequence[Event], after: Sequence[Event],
    late: Event, *, child_key: str, rules: TaskRules = DEFAULT_RULES,
    replays: Replays | None = None,
) -> tuple[ChildState, Outputs]:
    """Re-derive the child over ``after`` (the ordered facts with the late one) and correct
    what ``before`` (the ordered facts without it, which is what was sent) produced.
    ``replays``: what running the rules over earlier sequences of this child's facts gave
    (``hub.domain.replays``); a fresh one runs the facts before the late one once, and each
    side's facts from there."""
    base = base.evolve(superseded_flags=live.superseded_flags)
    replays = replays or Replays(kept=1)
    key, step = ("child", child_key), _applying(child_key, rules)
    start: Applied = (base, ())
    _, old = replays.of(key, start, before, step, given=rules)
    state, new = replays.of(key, start, after, step, given=rules)
    out: list[object] = []
    flags = _flags(old, new, live, late, child_key)
    out += flags
    superseded = [f.flag_id for f in flags
                  if isinstance(f, FlagCleared) and f.reason is FlagClearReason.SUPERSEDED]
    if superseded:
        state = state.evolve(superseded_flags=(
            *live.superseded_flags, *superseded)[-MAX_SUPERSEDED_FLAGS:])
    out += _contacts(old, new, late)
    out += _plain(old, new)
    out += _sen_replies(old, new)
    tasks, changed = _tasks(old, new, live, late)
    out += changed
    return _keep_staff_work(state, live, tasks), tuple(out)  # type: ignore[arg-type]


def _by_id(outputs: Outputs, kind: type, key: str) -> dict[str, object]:
    return {getattr(o, key): o for o in outputs if isinstance(o, kind)}


def _flags(old: Outputs, new: Outputs, live: ChildState, late: Event,
           child_key: str) -> list[object]:
    """New raises and clears are sent; a raise the facts no longer make is cleared as
    SUPERSEDED if it is still up (on the live state, or in what was sent)."""
    raised_old = _by_id(old, FlagRaised, "flag_id")
    raised_new = _by_id(new, FlagRaised, "flag_id")
    cleared_old = _by_id(old, FlagCleared, "flag_id")
    out: list[object] = [f for i, f in raised_new.items() if i not in raised_old]
    out += [c for i, c in _by_id(new, FlagCleared, "flag_id").items()
            if i not in cleared_old and (i in raised_old or i in raised_new)]
    still_up = {f.flag_id for f in live.flags} | (raised_old.keys() - cleared_old.keys())
    envelope = envelope_of(late)
    for flag_id, flag in raised_old.items():
        if flag_id not in raised_new and flag_id in still_up:
            assert isinstance(flag, FlagRaised)
            out.append(FlagCleared(
                flag_id=flag_id, child_key=child_key, flag=flag.flag,
                reason=FlagClearReason.SUPERSEDED, cleared_by_event_id=envelope.event_id,
                cleared_on=event_date(late),
            ))
    return out


def _contacts(old: Outputs, new: Outputs, late: Event) -> list[object]:
    """Contacts the ordered facts now create are sent; one sent that they no longer create is
    withdrawn as SUPERSEDED, naming the flag its notification raises instead."""
    sent = _by_id(old, ContactRecordCreated, "contact_id")
    now = _by_id(new, ContactRecordCreated, "contact_id")
    out: list[object] = [c for i, c in now.items() if i not in sent]
    raised: dict[str, str] = {}
    for flag in new:
        if isinstance(flag, FlagRaised):
            raised.setdefault(flag.raised_by_event_id, flag.flag_id)
    envelope = envelope_of(late)
    for contact_id, contact in sent.items():
        if contact_id in now:
            continue
        assert isinstance(contact, ContactRecordCreated)
        out.append(ContactWithdrawn(
            contact_id=contact_id, child_key=contact.child_key,
            contact_type=contact.contact_type, source_event_id=contact.source_event_id,
            reason=ContactWithdrawReason.SUPERSEDED, withdrawn_by_event_id=envelope.event_id,
            withdrawn_on=event_date(late),
            replaced_by_flag_id=raised.get(contact.source_event_id),
        ))
    return out


def _plain(old: Outputs, new: Outputs) -> list[object]:
    """Timeline entries and status relays the ordered facts now produce."""
    out: list[object] = []
    for kind, key in ((CscStatusRelayed, "relay_id"), (TimelineEntry, "event_id")):
        sent = _by_id(old, kind, key)
        out += [o for i, o in _by_id(new, kind, key).items() if i not in sent]
    return out


def _sen_replies(old: Outputs, new: Outputs) -> list[object]:
    """A reply whose answer changed is corrected by a new reply naming the one it replaces;
    a reply sent first now is sent as usual."""
    sent = _by_id(old, SenExchangeReplied, "reply_id")
    out: list[object] = []
    for reply_id, reply in _by_id(new, SenExchangeReplied, "reply_id").items():
        assert isinstance(reply, SenExchangeReplied)
        was = sent.get(reply_id)
        if was is None:
            out.append(reply)
        elif _answer(was) != _answer(reply):
            out.append(reply.model_copy(update={
                "reply_id": output_id("sen-reply-correction", reply_id, *_answer(reply)),
                "corrects_reply_id": reply_id,
            }))
    return out


def _answer(reply: object) -> tuple[str, ...]:
    assert isinstance(reply, SenExchangeReplied)
    return str(reply.known_to_csc), reply.csc_status.value, reply.participation.value


_TASK_CONTENT = ("task_type", "title", "what_happened", "what_to_do", "team", "due_date",
                 "priority", "source_event_id", "reference", "related_child_key")


def _last_tasks(outputs: Outputs) -> dict[str, TaskChanged]:
    return {t.task_id: t for t in outputs if isinstance(t, TaskChanged)}


def _tasks(old: Outputs, new: Outputs, live: ChildState,
           late: Event) -> tuple[dict[str, TaskChanged], list[object]]:
    """Each task as the live state should hold it, and the versions to send."""
    before, after = _last_tasks(old), _last_tasks(new)
    at = envelope_of(late).recorded_at
    held = {t.task_id: t for t in live.tasks}
    tasks: dict[str, TaskChanged] = dict(held)
    out: list[object] = []
    for task_id, task in after.items():
        current = held.get(task_id)
        if current is None:
            tasks[task_id] = task
            out.append(task)
        elif any(getattr(current, f) != getattr(task, f) for f in _TASK_CONTENT):
            fixed = TaskChanged.model_validate({
                **task.__dict__, "status": current.status, "assignee": current.assignee,
                "resolution": current.resolution, "version": current.version + 1,
                "changed_at": at, "changed_by": None,
            })
            tasks[task_id] = fixed
            out.append(fixed)
    for task_id in before.keys() - after.keys():
        current = held.get(task_id)
        if current is not None and current.status in _OPEN:
            cancelled = current.model_copy(update={
                "status": TaskStatus.CANCELLED, "version": current.version + 1,
                "resolution": SUPERSEDED, "changed_at": at, "changed_by": None,
            })
            tasks[task_id] = cancelled
            out.append(cancelled)
    return tasks, out


def _keep_staff_work(state: ChildState, live: ChildState,
                     tasks: dict[str, TaskChanged]) -> ChildState:
    """The re-derived state, with what staff did kept from the live one."""
    decided = {r.request_record_id: r for r in live.sen.requests}
    requests = tuple(
        _decision(r, decided.get(r.request_record_id)) for r in state.sen.requests
    )
    commands = tuple(i for i in live.processed if not i.startswith("event:"))
    processed = (*commands, *(i for i in state.processed if i not in commands))
    state = state.evolve(
        tasks=(), sen=state.sen.model_copy(update={"requests": requests}),
        processed=processed[-MAX_PROCESSED:],
    )
    for task in tasks.values():
        state = state.with_task(task)
    return state


def _decision(request: SenRequest, live: SenRequest | None) -> SenRequest:
    if live is None:
        return request
    return request.model_copy(update={"participation": live.participation})
