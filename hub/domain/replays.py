"""``Replays``: the rules' fold over a child's facts, remembered fact by fact.

A late fact re-runs the pure rules twice over the child's ordered facts: without it (what
was sent) and with it (``hub.domain.child.event_time.rebuild`` for the child rules,
``hub.domain.episodes.rebuild`` for the episodes). Each run is a left fold of pure steps from
a start value, so the value after the first *n* facts depends on the start and those *n*
facts alone. ``Replays`` keeps, per key (a child, for one kind of rule), the start and the
value after each fact of the last sequence it folded, and continues a new sequence from the
longest run of facts it shares with that one.

The usual pattern is what makes this pay: the facts without a late fact are exactly the
facts with the previous one (nothing to run again), and the facts with it share every fact
before its place. A source's file published after another's brings many late facts to the
same child, one after another.

Results are those of folding from the start, whatever is remembered: a fact is recognised by
its event id (a child's facts never change under one id: a redelivered fact is not placed
again), and a different start or ``given`` forgets the path. Memory is bounded: the paths of the
keys folded most recently, at most ``kept`` keys and ``kept_values`` values. Not
thread-safe; one per children stage.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from hub.domain.event_facts import envelope_of
from hub.domain.events import Event

A = TypeVar("A")

KEPT = 2048
"""Keys remembered at most (the most recently folded)."""
KEPT_VALUES = 50_000
"""Values remembered at most, over all keys: a child with a long history keeps one value per
fact, each holding everything produced so far, so the oldest keys go first past this."""


@dataclass
class _Path(Generic[A]):
    start: A
    given: object
    values: list[tuple[str, A]] = field(default_factory=list)


class Replays:
    def __init__(self, kept: int = KEPT, kept_values: int = KEPT_VALUES) -> None:
        self.kept, self.kept_values = kept, kept_values
        self._paths: OrderedDict[Hashable, _Path[Any]] = OrderedDict()
        self._values = 0
        self.steps = 0
        """Steps run so far (what remembering saves shows here)."""

    def of(self, key: Hashable, start: A, events: Sequence[Event],
           step: Callable[[A, Event], A], given: object = None) -> A:
        """``step`` folded over ``events`` from ``start``. ``step`` must be pure; ``given`` is
        whatever else it depends on (a path folded from another start or with another
        ``given`` is forgotten)."""
        path = self._paths.pop(key, None)
        if path is not None:
            self._values -= len(path.values)
        if path is None or path.start != start or path.given != given:
            path = _Path(start, given)
        ids = [envelope_of(event).event_id for event in events]
        values = path.values
        shared = 0
        while shared < min(len(values), len(ids)) and values[shared][0] == ids[shared]:
            shared += 1
        value: A = values[shared - 1][1] if shared else start
        if shared < len(ids):
            del values[shared:]
            for event_id, event in zip(ids[shared:], events[shared:], strict=True):
                value = step(value, event)
                values.append((event_id, value))
                self.steps += 1
        self._paths[key] = path
        self._values += len(values)
        while len(self._paths) > self.kept or self._values > self.kept_values:
            _, gone = self._paths.popitem(last=False)
            self._values -= len(gone.values)
        return value
