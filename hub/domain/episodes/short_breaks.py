"""Short breaks for disabled children (report p.28, recommendation 6; Appendix A, CWD).

- Legal status **V3**: each short break is a looked-after episode already returned in the
  SSDA903 (looked-after) return. Appendix A excludes it from CWD. The hub still emits the
  episode, so the money is visible and reconcilable, but marks it
  ``counted_as_additional=False`` with ``exclusion_reason=RECORDED_IN_SSDA903_V3`` and no
  sub-type (V3 is not a CWD service option). The census return leaves it out; the quality
  report counts it.
- Legal status **V4**: an agreed series of breaks, not quantified in SSDA903, so it must be
  captured episode by episode: CWD "Short-break care V4", one episode per payment or return.
- **Across sources** (:func:`v3_exclusions`): only finance says which legal status a break
  had; a provider's return and a panel line say "short break" for the same nights. So a
  short-break panel line or provider row of the child is V3 as well, and excluded the same
  way, when a V3 payment of the child covers any of its days, or (a panel line) the V3
  payment names its decision. Whichever arrives first, the state keeps short-break episodes
  and V3 payments in full, so a later V3 payment excludes what came before, and a payment
  corrected away from V3 counts them again. A V4 payment is finance's own word: left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.domain.codes import AdditionalService
from hub.domain.episodes import looked_after
from hub.domain.episodes.model import EpisodeSource, ExclusionReason, ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.events.finance import PaymentKind

V4_SUBTYPE = "SHORT_BREAK_CARE_V4"
V3 = ExclusionReason.RECORDED_IN_SSDA903_V3
_FOLLOWS_FINANCE = frozenset({EpisodeSource.PANEL_LINE, EpisodeSource.SERVICE_USE})


def exclusion_fields(kind: PaymentKind) -> dict[str, Any]:
    """``counted_as_additional`` and ``exclusion_reason`` for a payment of ``kind``."""
    if kind is PaymentKind.SHORT_BREAK_V3:
        return {"counted_as_additional": False, "exclusion_reason": V3}
    return {"counted_as_additional": True, "exclusion_reason": None}


def is_v3_payment(episode: ServiceEpisode) -> bool:
    return episode.source_kind is EpisodeSource.PAYMENT and episode.exclusion_reason is V3


def is_short_break(episode: ServiceEpisode) -> bool:
    """A panel line or provider row of short-break care (whose status finance decides)."""
    return (
        episode.source_kind in _FOLLOWS_FINANCE
        and episode.service is AdditionalService.CWD
        and episode.subtype == V4_SUBTYPE
    )


@dataclass(frozen=True)
class V3Period:
    start: date
    end: date
    decision_ref: str | None

    def covers(self, episode: ServiceEpisode) -> bool:
        if episode.source_kind is EpisodeSource.PANEL_LINE and self.decision_ref is not None \
                and episode.decision_ref == self.decision_ref:
            return True
        end = episode.end_date or episode.start_date
        return episode.start_date <= self.end and end >= self.start


def v3_periods(
    episodes: list[ServiceEpisode], looked_after: Sequence[tuple[date, date | None]] = ()
) -> list[V3Period]:
    """V3 payments' periods, and SSDA903 V3 episodes' (``looked_after.v3_periods``)."""
    paid = [V3Period(e.start_date, e.end_date or e.start_date, e.decision_ref)
            for e in episodes if is_v3_payment(e)]
    return [*paid, *(V3Period(start, end or date.max, None) for start, end in looked_after)]


def is_v3(episode: ServiceEpisode, periods: list[V3Period]) -> bool:
    """Whether a short-break panel line or provider row falls in a V3 period of the child."""
    return is_short_break(episode) and any(p.covers(episode) for p in periods)


def v3_exclusions(state: EpisodeState, drafts: list[ServiceEpisode]) -> list[ServiceEpisode]:
    """``drafts`` with the V3 rule applied, plus held short-break episodes it now changes.

    V3 periods are the child's V3 payments and its SSDA903 V3 episodes (``state.looked_after``,
    the legal status as the looked-after return records it)."""
    drafted = {d.episode_id: d for d in drafts}
    pool = {**{e.episode_id: e for e in state.open}, **drafted}
    periods = v3_periods(list(pool.values()), looked_after.v3_periods(state))
    changed: dict[str, ServiceEpisode] = {}
    for episode in pool.values():
        if not is_short_break(episode) or episode.exclusion_reason not in (None, V3):
            continue
        wanted = is_v3(episode, periods)
        if wanted == (episode.exclusion_reason is V3):
            continue
        fields: dict[str, Any] = {"counted_as_additional": not wanted,
                                  "exclusion_reason": V3 if wanted else None}
        # Only the exclusion changes, not the episode's provenance: the episode's own record
        # derived again (a redelivery) then builds the same content, and nothing is emitted.
        changed[episode.episode_id] = episode.evolve(**fields)
    kept = [changed.pop(d.episode_id, d) for d in drafts]
    return [*kept, *changed.values()]
