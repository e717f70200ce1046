"""The children stage on event time: each child's facts in the order they happened.

Per child, the stage keeps a ``FactLog`` (part of the child's record,
``<app id>-child-state-changelog``, restored at start). Every shareable event is placed in it by
``(occurred_at, event_id)``. An event that comes after every fact applied so far goes the
usual way (``worker_steps.child_step`` and ``episode_step``). An event *earlier* than one
already applied (a file delivered late, a backfill, sources published in another order) makes
the child be derived again over the ordered facts, by the pure rebuilds of
``hub.domain.child.event_time`` and ``hub.domain.episodes.rebuild``, which send only the
differences, as visible corrections. A ``ChildReset`` (identity review) starts a new log from
the state it leaves; the events re-sent after it are placed again.

So the child's outputs are a function of its facts, not of the order they arrived in
(docs/processing.md, "Event time"). Redelivery stays harmless: a fact already in the log is
never late, and the child state's processed-input memory makes its second application empty, and the
episode builder skips it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from hub.domain.child import event_time
from hub.domain.child.disclosure import Shared, admit
from hub.domain.child.event_time import FactLog, fact_of, place
from hub.domain.child.state import ChildState
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.ownership import Held, take_over
from hub.domain.episodes.rebuild import rebuild as rebuild_episodes
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import Event
from hub.domain.replays import Replays
from hub.usecases.worker_steps import (
    Arrival,
    Arrived,
    Refused,
    Router,
    child_step,
    episode_step,
    record_of,
)

FactEvent = Callable[[str], Event]
"""A fact's event from its value in the log (:func:`fact_reader`)."""


def fact_value(raw: bytes) -> str:
    """How a fact's message is kept in the ``FactLog`` (a changelog format): its original
    bytes, base64. :func:`fact_reader` reads it back."""
    return base64.b64encode(raw).decode()


def fact_reader(router: Router) -> FactEvent:
    """The one place facts are decoded: base64, then the codec through ``Router.decode``
    (a late fact re-reads every fact of the child; the same bytes decode once)."""

    def event(value: str) -> Event:
        record = router.decode(base64.b64decode(value))
        assert isinstance(record, Event)
        return record

    return event


@dataclass(frozen=True)
class Placed:
    """The child's log with this message's fact placed; ``late`` when it came out of order."""

    log: FactLog
    late: Late | None = None
    again: bool = False
    """The fact was already in the log (a redelivery): the episodes saw it."""


@dataclass(frozen=True)
class Late:
    event: Event
    before: list[Event]  # the ordered facts without the late one: what was sent
    after: list[Event]  # the ordered facts with it


def place_step(arrival: Arrival, log: FactLog | None, read: FactEvent) -> Placed | None:
    """Place a shareable event among the child's facts; ``None`` for anything else."""
    event = record_of(arrival, (Event,))
    if not isinstance(event, Event) or not isinstance(admit(event), Shared):
        return None
    assert isinstance(arrival, Arrived)
    log = log or FactLog()
    fact = fact_of(event, fact_value(arrival.message.value))
    if log.has(fact.event_id):
        return Placed(log, again=True)
    placed, late = place(log, fact)
    if not late:
        return Placed(placed)
    before = [read(f.value) for f in log.facts]
    after = [read(f.value) for f in placed.facts]
    return Placed(placed, Late(event, before, after))


def ordered_child_step(
    state: ChildState, arrival: Arrival, child_key: str, placed: Placed | None,
    log: FactLog | None, *, replays: Replays | None = None,
) -> tuple[ChildState, list[BaseModel | Refused]]:
    """The child processor on event time: the usual step, or a rebuild for a late fact.
    ``replays``: the stage's memory of earlier rebuilds (results are the same without it)."""
    if placed is None or placed.late is None:
        return child_step(state, arrival, child_key)
    late = placed.late
    base = (log or FactLog()).base
    state, outputs = event_time.rebuild(state, base, late.before, late.after, late.event,
                                        child_key=child_key, replays=replays)
    return state, list(outputs)


def ordered_episode_step(
    state: EpisodeState, arrival: Arrival, child_key: str, placed: Placed | None,
    held: Callable[[str], Held | None], *, replays: Replays | None = None,
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    """The episode builder on event time: the usual step, or a rebuild for a late fact. A
    fact already in the log derives nothing again (episode rules remember no inputs).
    ``replays``: the stage's memory of earlier rebuilds (results are the same without it)."""
    if placed is not None and placed.again:
        return state, []
    if placed is None or placed.late is None:
        return episode_step(state, arrival, child_key, held)
    late = placed.late
    state, episodes = rebuild_episodes(state, late.before, late.after, child_key, replays)
    return take_over(state, child_key, episodes, held)


def next_log(placed: Placed | None, child: ChildState | None, is_reset: bool) -> FactLog | None:
    """The log to keep: a reset starts a new one from the state it left; ``None``: unchanged."""
    if is_reset and child is not None:
        return FactLog(base=child)
    return placed.log if placed is not None else None
