"""Versioning: a draft episode becomes version 1, or the next version when its content changed.

A draft equal to the latest version emitted (same digest) is not emitted again: redelivered
and replayed events produce nothing new, and the sink's upsert by (episode_id, version)
never sees two different contents under one version.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.domain.episodes.model import EpisodeSource, ExclusionReason, ServiceEpisode
from hub.domain.episodes.short_breaks import is_short_break, is_v3_payment
from hub.domain.episodes.state import EpisodeState, digest

# Episodes a later event closes (SEN, YOT, CAF) or never closes (the register).
CASE_SOURCES = frozenset(
    {
        EpisodeSource.EHC_PLAN,
        EpisodeSource.YOT_CASE,
        EpisodeSource.CAF,
        EpisodeSource.DISABLED_REGISTER,
        EpisodeSource.LOOKED_AFTER,
    }
)


def keeps_open(episode: ServiceEpisode) -> bool:
    """Whether a later event may still change ``episode`` (so the state keeps it in full)."""
    if episode.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE:
        return False
    if episode.source_kind is EpisodeSource.PANEL_LINE:
        return True
    if is_short_break(episode) or is_v3_payment(episode):
        return True  # a V3 payment arriving later (or corrected) may change it
    if episode.source_kind is EpisodeSource.EHC_PLAN:
        return True  # ended plans too: a cessation with no plan known differs from a repeat
    return episode.source_kind in CASE_SOURCES and episode.is_open


def commit(
    state: EpisodeState, drafts: Iterable[ServiceEpisode]
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    """Emit each draft that says something new, as the next version of its episode."""
    emitted: list[ServiceEpisode] = []
    for draft in drafts:
        last = state.last(draft.episode_id)
        version = 1 if last is None else last.version
        candidate = draft.evolve(version=version)
        if last is not None and digest(candidate) == last.digest:
            continue
        if last is not None:
            candidate = candidate.evolve(version=version + 1)
        state = state.keep(candidate, keeps_open(candidate))
        emitted.append(candidate)
    return state, emitted
