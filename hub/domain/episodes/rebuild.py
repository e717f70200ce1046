"""``rebuild(live, before, after, child_key)``: episodes derived again on event time.

When an earlier event reaches a child late (``hub.domain.child.event_time``), the episodes
are derived again from nothing over the child's facts in event-time order (``after``), so
they are what they would have been had the files arrived in that order. What was sent is
what the same derivation made of the facts without the late one (``before``). Only the
difference is sent, each as the next version of its episode (the sink keeps the highest):

- an episode whose content changed, or that is new: its next version (version 1 if new);
- an episode the ordered facts no longer derive: its next version withdrawn
  (``WITHDRAWN_BY_SOURCE``, so the census leaves it out).

The returned state is the one the ordered derivation ends with, its versions renumbered to
what was sent, so later events continue as if the facts had come in order. Stamps of
episodes no longer derived stay in ``earlier`` (versions go on if one comes back).

Versions, unlike content, depend on history: an episode corrected by a rebuild carries a
higher version than it would have had (the census's ``EpisodeVersion`` column).

Pure: no broker, codec, database, clock or logger. ``replays`` only remembers earlier
derivations: what it holds never changes a result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ExclusionReason, ServiceEpisode
from hub.domain.episodes.state import MAX_SETTLED, EpisodeState, Stamp, digest, stamp
from hub.domain.events import Event
from hub.domain.replays import Replays

Result = tuple[EpisodeState, list[ServiceEpisode]]
Derived = tuple[EpisodeState, dict[str, ServiceEpisode]]
"""The state after deriving some facts from nothing, and the last content of each id."""


def _deriving(child_key: str) -> Callable[[Derived, Event], Derived]:
    def step(done: Derived, event: Event) -> Derived:
        state, last = done
        state, emitted = derive(state, event, child_key)
        return state, {**last, **{e.episode_id: e for e in emitted}}

    return step


def rebuild(
    live: EpisodeState, before: Sequence[Event], after: Sequence[Event], child_key: str,
    replays: Replays | None = None,
) -> Result:
    """``replays``: what deriving earlier sequences of this child's facts gave
    (``hub.domain.replays``); a fresh one derives the facts before the late one once, and
    each side's facts from there."""
    replays = replays or Replays(kept=1)
    key, step = ("episodes", child_key), _deriving(child_key)
    start: Derived = (EpisodeState(), {})
    _, sent = replays.of(key, start, before, step)
    state, now = replays.of(key, start, after, step)
    versions: dict[str, int] = {}
    out: list[ServiceEpisode] = []
    for episode_id, episode in now.items():
        last = live.last(episode_id)
        if last is not None and last.digest == digest(episode):
            versions[episode_id] = last.version
            continue
        versions[episode_id] = 1 if last is None else last.version + 1
        out.append(episode.evolve(version=versions[episode_id]))
    gone: list[Stamp] = []
    for episode_id, episode in sent.items():
        last = live.last(episode_id)
        if episode_id in now or last is None:
            continue
        if episode.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE:
            gone.append(last)
            continue
        withdrawn = episode.evolve(version=last.version + 1, counted_as_additional=False,
                                   exclusion_reason=ExclusionReason.WITHDRAWN_BY_SOURCE)
        out.append(withdrawn)
        gone.append(stamp(withdrawn))
    return _renumbered(state, versions, live, gone), out


def _renumbered(
    state: EpisodeState, versions: dict[str, int], live: EpisodeState, gone: list[Stamp]
) -> EpisodeState:
    derived = set(versions)
    kept = {s.episode_id: s for s in (*live.earlier, *live.settled, *map(stamp, live.open))
            if s.episode_id not in derived}
    kept.update({s.episode_id: s for s in gone})
    return EpisodeState(
        open=tuple(e.evolve(version=versions[e.episode_id]) for e in state.open),
        settled=tuple(s.model_copy(update={"version": versions[s.episode_id]})
                      for s in state.settled),
        earlier=tuple(kept.values())[-MAX_SETTLED:],
        resets=live.resets,
    )
