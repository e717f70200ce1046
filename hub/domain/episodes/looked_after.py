"""SSDA903 looked-after episodes: short breaks by legal status, and overlap with the core returns.

The looked-after return (SSDA903) is the authority's own record of a child's legal status, so
its episodes settle what finance alone could only suggest (report p.28, recommendation 6,
Appendix A, CWD):

- **V3** (accommodated for a single short break; each break is its own SSDA903 episode):
  those nights are in the looked-after return already. The SSDA903 episode makes no service
  episode; it is a V3 period of the child, exactly like a V3 payment's
  (``short_breaks.v3_exclusions``): a short-break provider row or panel line of the child
  covering any of its days is excluded, ``RECORDED_IN_SSDA903_V3``.
- **V4** (an agreed series of short breaks; individual breaks are not returned): Appendix A
  wants these captured because SSDA903 does not quantify them. The agreement becomes one
  NOTIFIED CWD "Short-break care V4" episode (``source_kind=LOOKED_AFTER``), referral = start
  = DECOM, end = DEC, no volume: the nights themselves come from provider returns and
  payments, and the first of them becomes its first delivery (``first_delivery``).
- **Any other legal status** (care order, s20, remand, ...) is a *looked-after period*:
  every episode of the child whose days fall in one is flagged ``core_overlap`` with
  ``core_category=LOOKED_AFTER`` (never dropped; report p.44 and Appendix A's leaving-care
  exclusion: services while still looked after are in SSDA903). An episode already flagged
  with another core category keeps it.

Order: the periods are kept in the state (``EpisodeState.looked_after``, at most
``MAX_PERIODS``), so an episode arriving after its period is flagged, and a period arriving
after an episode re-flags it when the state holds that episode in full (``open``: case
episodes, planned lines, short-break rows); a settled episode (a past session or payment) is
only a stamp and keeps its flag. A corrected SSDA903 row (same CHILD and DECOM) replaces its
period, so a legal status corrected away from V3 counts the nights again.
"""

from __future__ import annotations

from datetime import date

from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import (
    CoreCategory,
    EpisodeBasis,
    EpisodeSource,
    ExclusionReason,
    ServiceEpisode,
    StartBasis,
)
from hub.domain.episodes.state import EpisodeState, LookedAfterPeriod
from hub.domain.events import LookedAfterEpisodeRecorded

V3, V4 = "V3", "V4"
SHORT_BREAK_STATUSES = frozenset({V3, V4})
LOOKED_AFTER = CoreCategory.LOOKED_AFTER
MAX_PERIODS = 200


def period_of(event: LookedAfterEpisodeRecorded) -> LookedAfterPeriod:
    envelope = event.envelope
    return LookedAfterPeriod(
        record=f"{envelope.source_system}/{envelope.source_record_id}",
        start=event.episode_start,
        end=event.episode_end,
        legal_status=event.legal_status.strip().upper(),
    )


def remember(state: EpisodeState, event: LookedAfterEpisodeRecorded) -> EpisodeState:
    """The state with this SSDA903 episode's period (replacing an earlier version of it)."""
    period = period_of(event)
    others = tuple(p for p in state.looked_after if p.record != period.record)
    kept = (*others, period)[-MAX_PERIODS:]
    return state.model_copy(update={"looked_after": kept})


def on_episode(
    state: EpisodeState, event: LookedAfterEpisodeRecorded, child_key: str
) -> list[ServiceEpisode]:
    """A V4 agreement's notified episode; nothing for any other status (see the module)."""
    envelope = event.envelope
    ident = episode_id("looked-after", envelope.source_system, envelope.source_record_id)
    if period_of(event).legal_status != V4:
        held = state.get_open(ident)  # an agreement corrected to another status is withdrawn
        return [] if held is None else [held.evolve(
            counted_as_additional=False, exclusion_reason=ExclusionReason.WITHDRAWN_BY_SOURCE)]
    draft = new_episode(
        event,
        child_key,
        episode_id=ident,
        basis=EpisodeBasis.NOTIFIED,
        source_kind=EpisodeSource.LOOKED_AFTER,
        service=AdditionalService.CWD,
        subtype="SHORT_BREAK_CARE_V4",
        start_date=event.episode_start,
        start_basis=StartBasis.REFERRAL,
        referral_date=event.episode_start,
        end_date=event.episode_end,
    )
    if event.episode_end is not None and (held := state.get_open(ident)) is not None:
        return [held.evolve(end_date=max(event.episode_end, held.start_date),
                            last_event_date=max(held.last_event_date, draft.last_event_date),
                            source_event_ids=_ids(held, envelope.event_id))]
    return opened(state, event, draft)


def _ids(held: ServiceEpisode, event_id: str) -> tuple[str, ...]:
    ids = held.source_event_ids
    return ids if event_id in ids else (*ids, event_id)


def v3_periods(state: EpisodeState) -> list[tuple[date, date | None]]:
    """(start, end) of each SSDA903 V3 episode of the child (end None: still accommodated)."""
    return [(p.start, p.end) for p in state.looked_after if p.legal_status == V3]


def _care_periods(state: EpisodeState) -> list[LookedAfterPeriod]:
    return [p for p in state.looked_after if p.legal_status not in SHORT_BREAK_STATUSES]


def _within(episode: ServiceEpisode, period: LookedAfterPeriod) -> bool:
    end = episode.end_date or date.max  # an open episode runs on while the child is in care
    return episode.start_date <= (period.end or date.max) and end >= period.start


def _flagged(episode: ServiceEpisode, periods: list[LookedAfterPeriod]) -> ServiceEpisode:
    """``episode`` with the looked-after flag as ``periods`` say (another category stays)."""
    if episode.core_category not in (None, LOOKED_AFTER):
        return episode
    wanted = any(_within(episode, p) for p in periods)
    if (episode.core_category is LOOKED_AFTER) == wanted:
        return episode
    if wanted:
        return episode.evolve(core_overlap=True, core_category=LOOKED_AFTER)
    return episode.evolve(core_overlap=False, core_category=None)


def overlap_marks(state: EpisodeState, drafts: list[ServiceEpisode]) -> list[ServiceEpisode]:
    """``drafts`` with the looked-after overlap flag set or cleared, plus held episodes whose
    flag a period (new or corrected) changes."""
    periods = _care_periods(state)
    drafted = {d.episode_id for d in drafts}
    marked = [_flagged(d, periods) for d in drafts]
    for held in state.open:
        if held.episode_id not in drafted and (again := _flagged(held, periods)) is not held:
            marked.append(again)
    return marked
