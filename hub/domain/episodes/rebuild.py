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

Pure: no broker, codec, database, clock or logger.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.domain.child.event_time import shared_prefix
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ExclusionReason, ServiceEpisode
from hub.domain.episodes.state import MAX_SETTLED, EpisodeState, Stamp, digest, stamp
from hub.domain.events import Event

Result = tuple[EpisodeState, list[ServiceEpisode]]


def replay(
    events: Sequence[Event], child_key: str,
    start: tuple[EpisodeState, dict[str, ServiceEpisode]] | None = None,
) -> tuple[EpisodeState, dict[str, ServiceEpisode]]:
    """The state after deriving ``events`` from nothing (or from ``start``, what deriving
    earlier events gave), and the last content of each id."""
    state, last = (EpisodeState(), {}) if start is None else (start[0], dict(start[1]))
    for event in events:
        state, emitted = derive(state, event, child_key)
        last.update({e.episode_id: e for e in emitted})
    return state, last


def rebuild(
    live: EpisodeState, before: Sequence[Event], after: Sequence[Event], child_key: str
) -> Result:
    count = shared_prefix(before, after)
    shared = replay(after[:count], child_key)  # the facts before the late one: derived once
    _, sent = replay(before[count:], child_key, shared)
    state, now = replay(after[count:], child_key, shared)
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
