"""``LAFunded``: does the authority fund this service for this child (report pp.43-44)?

Only panel and finance facts say so, for the same child and the same service, over periods
that overlap (an open end runs on):
- ``Y``: the episode is an approved resource-panel line or a payment by the authority's
  finance system, or the child has one for the same service over an overlapping period (a
  provider's or department's episode the authority pays for or authorised);
- ``N``: no such fact, and the panel withdrew (declined or deferred on revision) a line for
  that service over an overlapping period: the authority decided not to fund it;
- ``U`` (unknown): neither, e.g. a YOT disposal or an EHC plan with no panel line or payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from hub.domain.episodes.model import EpisodeSource, ExclusionReason, ServiceEpisode

FUNDED, NOT_FUNDED, UNKNOWN = "Y", "N", "U"
_FUNDING_SOURCES = frozenset({EpisodeSource.PANEL_LINE, EpisodeSource.PAYMENT})


def _withdrawn(e: ServiceEpisode) -> bool:
    return e.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE


def _overlap(a: ServiceEpisode, b: ServiceEpisode) -> bool:
    far = date.max
    return a.start_date <= (b.end_date or far) and b.start_date <= (a.end_date or far)


def _verdict(e: ServiceEpisode, facts: Sequence[ServiceEpisode]) -> str:
    if e.source_kind in _FUNDING_SOURCES and not _withdrawn(e):
        return FUNDED
    same = [f for f in facts if f.service is e.service and _overlap(e, f)]
    if any(not _withdrawn(f) for f in same):
        return FUNDED
    panel_no = any(_withdrawn(f) and f.source_kind is EpisodeSource.PANEL_LINE for f in same)
    return NOT_FUNDED if panel_no else UNKNOWN


def la_funded(episodes: Iterable[ServiceEpisode]) -> dict[str, str]:
    """``Y``, ``N`` or ``U`` for every episode id, from the latest version of each episode."""
    chosen = list(episodes)
    facts: dict[str, list[ServiceEpisode]] = defaultdict(list)
    for e in chosen:
        if e.source_kind in _FUNDING_SOURCES:
            facts[e.child_key].append(e)
    return {e.episode_id: _verdict(e, facts[e.child_key]) for e in chosen}
