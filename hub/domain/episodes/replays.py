"""``Replays``: the episode derivation of each child's facts, remembered fact by fact.

A late fact re-derives a child's episodes twice over its ordered facts: without the late one
(what was sent) and with it (``hub.domain.episodes.rebuild``). Deriving is a left fold of
pure steps from nothing, so the state after the first *n* facts depends on those *n* facts
alone. ``Replays`` keeps, per child, the state after each fact of the last sequence it
derived, and starts a new sequence from the longest run of facts it shares with that one.

The usual pattern is what makes this pay: the facts without the late one are exactly the
facts with the previous late one (nothing to derive), and the facts with it share every fact
before its place (derived from there on). A source's file published after another's brings
many late facts to the same child, one after another.

Results are those of deriving from nothing, whatever is remembered: a fact is recognised by
its event id, and a child's facts never change under one id (a redelivered fact is not
placed again). Memory is bounded: the paths of the ``children`` children derived most
recently. Not thread-safe; one per children stage.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.event_facts import envelope_of
from hub.domain.events import Event

Replayed = tuple[EpisodeState, dict[str, ServiceEpisode]]
"""The state after deriving some facts from nothing, and the last content of each id."""

KEPT_CHILDREN = 1024


class Replays:
    def __init__(self, children: int = KEPT_CHILDREN) -> None:
        self.children = children
        self._paths: OrderedDict[str, list[tuple[str, Replayed]]] = OrderedDict()
        self.derived = 0
        """Facts derived so far (what remembering saves shows here)."""

    def of(self, events: Sequence[Event], child_key: str) -> Replayed:
        """What deriving ``events`` from nothing gives (the returned dict is not to be
        changed)."""
        path = self._paths.pop(child_key, [])
        ids = [envelope_of(event).event_id for event in events]
        shared = 0
        while shared < min(len(path), len(ids)) and path[shared][0] == ids[shared]:
            shared += 1
        state, last = path[shared - 1][1] if shared else (EpisodeState(), {})
        if shared < len(ids):
            path = path[:shared]
            last = dict(last)
            for event_id, event in zip(ids[shared:], events[shared:], strict=True):
                state, emitted = derive(state, event, child_key)
                last.update({e.episode_id: e for e in emitted})
                path.append((event_id, (state, dict(last))))
                self.derived += 1
        self._paths[child_key] = path
        while len(self._paths) > self.children:
            self._paths.popitem(last=False)
        return state, last
