"""``reset(state, control)``: an identity review changed the child's records; derive again.

Every episode the state holds in full (``open``: case episodes not yet closed, planned panel
lines) is withdrawn as its next version (``WITHDRAWN_BY_SOURCE``, so the census leaves it
out). Then the state forgets what it derived and keeps only the stamp (id, last version,
digest) of everything it emitted, in ``earlier``: the events the resolver re-sends after the
``ChildReset`` derive the episodes again from nothing, exactly as the first time, and each
continues its version sequence (the sink keeps the highest version per id, so a fresh
version 1 would be lost); one derived again unchanged is not emitted again.

Limits: a settled episode (a delivery, a payment, a closed case) is kept as a stamp only, so
it cannot be withdrawn; one whose record left the child stays in the sink as it was. Versions
are per child: see ``adopt`` for an episode another key emitted.

Retired (``into_key`` set): the open episodes move to the survivor instead, as their next
version with ``child_key=into_key``, still counted: the survivor derives them again from
the same events, and until it does (or if its version would lose) the census counts them
once, under the right child.
"""

from __future__ import annotations

from hub.domain.episodes.ledger import keeps_open
from hub.domain.episodes.model import ExclusionReason, ServiceEpisode
from hub.domain.episodes.state import MAX_RESETS, MAX_SETTLED, EpisodeState, Stamp, stamp
from hub.domain.outputs.reset import ChildReset

Result = tuple[EpisodeState, list[ServiceEpisode]]


def reset(state: EpisodeState, control: ChildReset) -> Result:
    if control.reset_id in state.resets:
        return state, []
    into = control.into_key
    changed = [
        e.evolve(version=e.version + 1, child_key=into) if into
        else e.evolve(version=e.version + 1, counted_as_additional=False,
                      exclusion_reason=ExclusionReason.WITHDRAWN_BY_SOURCE)
        for e in state.open
    ]
    return EpisodeState(
        earlier=_forget_content(_latest((*state.earlier, *state.settled, *map(stamp, changed)))),
        resets=(*state.resets, control.reset_id)[-MAX_RESETS:],
    ), changed


def _forget_content(stamps: tuple[Stamp, ...]) -> tuple[Stamp, ...]:
    """Keep each episode's version, not its content: after a reset every episode derived
    again is emitted again, even unchanged, because another child may hold it in the sink
    meanwhile (a split gives a merged child's episodes back to it)."""
    return tuple(s.model_copy(update={"digest": ""}) for s in stamps)


def _latest(stamps: tuple[Stamp, ...]) -> tuple[Stamp, ...]:
    """One stamp per episode id (the later one wins), oldest first, bounded."""
    by_id = {s.episode_id: s for s in stamps}
    return tuple(by_id.values())[-MAX_SETTLED:]


def adopt(state: EpisodeState, episode: ServiceEpisode, child_key: str) -> Result:
    """Learn the version another key emitted of an episode that is now this child's.

    ``episode`` (e.g. a retired child's moved episode, ``child_key`` this child's) is what the
    sink holds for its id. Versions at or below what this state knows change nothing. An
    episode this child derived itself at a lower version (which the sink ignored) is emitted
    again above it; otherwise ``episode`` is remembered, so later versions continue from it.
    """
    held = state.last(episode.episode_id)
    if episode.child_key != child_key or (held is not None and held.version >= episode.version):
        return state, []
    if (mine := state.get_open(episode.episode_id)) is not None:
        again = mine.evolve(version=episode.version + 1)
        return state.keep(again, still_open=True), [again]
    if episode.exclusion_reason is not ExclusionReason.WITHDRAWN_BY_SOURCE:
        return state.keep(episode, keeps_open(episode)), []
    where = "settled" if state.is_settled(episode.episode_id) else "earlier"
    others = tuple(s for s in getattr(state, where) if s.episode_id != episode.episode_id)
    return state.model_copy(update={where: (*others, stamp(episode))[-MAX_SETTLED:]}), []
