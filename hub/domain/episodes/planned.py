"""Resource panel decisions -> planned episodes (report p.26): one per line of an APPROVED
decision. The panel date is the referral date; the line's planned start and end are the
episode's dates (``start_basis=PLANNED_START``): a plan, not a delivery.

Lines state a quantity or amount per frequency period (e.g. 2 sessions weekly, £120 monthly).
Table 10 wants totals, so a line with a planned end is totalled over the whole periods its
plan spans (rounded, at least one); a one-off line is one period; an open-ended line keeps
its volume measure and no totals. A later version of a decision replaces its lines: a line
it no longer approves (or a decision revised to DECLINED or DEFERRED) is WITHDRAWN.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub.domain.codes import VolumeMeasure
from hub.domain.episodes.core_overlap import overlap_fields
from hub.domain.episodes.draft import episode_id, new_episode, touched_by
from hub.domain.episodes.model import (
    EpisodeBasis,
    EpisodeSource,
    ExclusionReason,
    ServiceEpisode,
    StartBasis,
)
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import PanelDecisionMade
from hub.domain.events.common import Frequency, ServiceLine
from hub.domain.events.panel import PanelOutcome

PERIOD_DAYS = {Frequency.WEEKLY: 7.0, Frequency.MONTHLY: 365.25 / 12, Frequency.ANNUAL: 365.25}


def periods(frequency: Frequency, start: date, end: date | None) -> int | None:
    """How many frequency periods a plan spans; None when it has no end."""
    if frequency is Frequency.ONE_OFF:
        return 1
    if end is None:
        return None
    return max(1, round((end - start).days / PERIOD_DAYS[frequency]))


def _volumes(line: ServiceLine) -> dict[str, object]:
    count = periods(line.frequency, line.planned_start, line.planned_end)
    if count is None:
        return {}
    quantity = None if line.quantity is None else line.quantity * count
    return {
        "days_nights": quantity if line.volume_measure is VolumeMeasure.D else None,
        "sessions": round(quantity)
        if quantity is not None and line.volume_measure is VolumeMeasure.S
        else None,
        "money_amount": None if line.amount is None else line.amount * Decimal(count),
    }


def _line(event: PanelDecisionMade, line: ServiceLine, child_key: str) -> ServiceEpisode:
    return new_episode(
        event,
        child_key,
        episode_id=episode_id(
            "planned", event.envelope.source_system, event.decision_id, line.line_id
        ),
        basis=EpisodeBasis.PLANNED,
        source_kind=EpisodeSource.PANEL_LINE,
        service=line.service,
        subtype=line.subtype,
        provider=line.provider,
        start_date=line.planned_start,
        end_date=line.planned_end,
        start_basis=StartBasis.PLANNED_START,
        referral_date=event.decision_date,
        volume_measure=line.volume_measure,
        frequency=line.frequency,
        decision_ref=event.decision_id,
        **_volumes(line),
        **overlap_fields(line.service, line.subtype, line.volume_measure),
    )


def drafts(state: EpisodeState, event: PanelDecisionMade, child_key: str) -> list[ServiceEpisode]:
    approved = event.decision is PanelOutcome.APPROVED
    lines = [_line(event, line, child_key) for line in event.lines] if approved else []
    kept = {episode.episode_id for episode in lines}
    withdrawn = [
        touched_by(
            e,
            event,
            counted_as_additional=False,
            exclusion_reason=ExclusionReason.WITHDRAWN_BY_SOURCE,
        )
        for e in state.open
        if e.source_kind is EpisodeSource.PANEL_LINE
        and e.decision_ref == event.decision_id
        and e.episode_id not in kept
    ]
    return [*lines, *withdrawn]
