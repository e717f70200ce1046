"""``apply(state, input, child_key, now) -> (state, outputs)``: the child processor's one rule.

Order, for a source event:
0. an input already processed yields nothing (idempotency by event id or command id);
1. the consent gate (``hub.domain.child.disclosure``): an event withholding child detail yields only
   ConsentLimitedUse records and leaves the state untouched (its id is still remembered);
2. flags past their expiry date are cleared;
3. a CSC status change moves the open episodes;
4. contacts and flags; 5. the SEN exchange; 6. tasks; 7. the timeline entry.
Commands (inbox, resolver) go to ``hub.domain.child.commands``; a ``ChildReset`` (an identity
review changed the child's records) to ``hub.domain.child.reset``.
"""

from __future__ import annotations

from datetime import datetime

from hub.domain.child import commands, notifications, sen_exchange, tasks, timeline
from hub.domain.child.context import Context, Outputs, Step
from hub.domain.child.disclosure import Shared, admit
from hub.domain.child.reset import reset
from hub.domain.child.state import MAX_CLOSED_EPISODES, ChildState
from hub.domain.child.status import transition
from hub.domain.child.task_rules import DEFAULT_RULES, TaskRules
from hub.domain.commands import Command
from hub.domain.event_facts import envelope_of
from hub.domain.events import CscStatusChanged, Event
from hub.domain.outputs.reset import ChildReset

Input = Event | Command | ChildReset


def apply(
    state: ChildState, message: Input, child_key: str, now: datetime,
    rules: TaskRules = DEFAULT_RULES,
) -> tuple[ChildState, Outputs]:
    input_id = input_id_of(message)
    if state.has_processed(input_id):
        return state, ()
    state = state.remember(input_id)
    ctx = Context(child_key=child_key, now=now, before=state, rules=rules)
    if isinstance(message, ChildReset):
        return reset(state, message, ctx)
    if not isinstance(message, Event):
        return commands.handle(state, message, ctx)
    admitted = admit(message)
    if not isinstance(admitted, Shared):
        return state, admitted
    outputs: Outputs = ()
    for step in STEPS:
        state, produced = step(state, admitted, ctx)
        outputs += produced
    return state, outputs


def input_id_of(message: Input) -> str:
    if isinstance(message, Event):
        return "event:" + envelope_of(message).event_id
    if isinstance(message, ChildReset):
        return "reset:" + message.reset_id
    return "command:" + message.command_id


def csc_status(state: ChildState, shared: Shared, ctx: Context) -> tuple[ChildState, Outputs]:
    """Any CSC event makes the child known; the contact has become (or met) a CSC case."""
    event = shared.event
    if not isinstance(event, CscStatusChanged) or event.csc_episode_id in state.closed_episodes:
        return state, ()
    episodes = transition(state.episodes, event.change, event.csc_episode_id)
    still_open = {e.episode_id for e in episodes}
    closed = tuple(e.episode_id for e in state.episodes if e.episode_id not in still_open)
    return state.evolve(
        episodes=episodes, known_to_csc=True, contact_open=False,
        closed_episodes=(*state.closed_episodes, *closed)[-MAX_CLOSED_EPISODES:],
    ), ()


def timeline_entry(state: ChildState, shared: Shared, ctx: Context) -> tuple[ChildState, Outputs]:
    state, entry = timeline.record(state, shared.event, ctx.child_key)
    return state, (entry,)


STEPS: tuple[Step, ...] = (
    notifications.expire,
    csc_status,
    notifications.on_event,
    sen_exchange.on_event,
    tasks.on_event,
    timeline_entry,
)
