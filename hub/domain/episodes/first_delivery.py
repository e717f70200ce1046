"""The first delivery of a notified service: kept apart from its referral date (report p.46).

A case episode (SEN, YOT, CAF, register) starts on its referral date only until a delivery
is known. A counted delivered episode (a provider's return or a payment) marks the earliest
delivery of every open case episode of the same child it serves: same additional service,
and the same sub-type for SEN (a statement names the exact service), delivered on or after
the referral date. The case episode's start date becomes that delivery date
(``start_basis=FIRST_DELIVERY``); its referral date stays. A delivery before the referral is
not the delivery of that referral and marks nothing.
"""

from __future__ import annotations

from hub.domain.episodes.draft import touched_by
from hub.domain.episodes.ledger import CASE_SOURCES
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import Event

# A statement names the exact service; a V4 agreement is of short breaks, not any CWD service.
_EXACT = frozenset({EpisodeSource.EHC_PLAN, EpisodeSource.LOOKED_AFTER})


def _serves(delivery: ServiceEpisode, case: ServiceEpisode) -> bool:
    if delivery.service is not case.service or not case.is_open:
        return False
    if case.source_kind in _EXACT and case.subtype is not None:
        return delivery.subtype == case.subtype
    return True


def _earlier(delivery: ServiceEpisode, case: ServiceEpisode) -> bool:
    day = delivery.start_date
    after_referral = case.referral_date is None or day >= case.referral_date
    known = case.first_delivery_date
    return after_referral and (known is None or day < known)


def marks(
    state: EpisodeState, event: Event, deliveries: list[ServiceEpisode]
) -> list[ServiceEpisode]:
    """Case episodes whose first delivery ``deliveries`` bring forward (or first set)."""
    counted = [
        d for d in deliveries if d.basis is EpisodeBasis.DELIVERED and d.counted_as_additional
    ]
    marked = []
    for case in state.open:
        if case.source_kind not in CASE_SOURCES:
            continue
        days = [d.start_date for d in counted if _serves(d, case) and _earlier(d, case)]
        if days:
            first = min(days)
            marked.append(
                touched_by(
                    case,
                    event,
                    first_delivery_date=first,
                    start_date=first,
                    start_basis=StartBasis.FIRST_DELIVERY,
                )
            )
    return marked
