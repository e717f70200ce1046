"""Payments -> delivered money episodes (report pp.24-25, 46; Table 10: a payment's end date
equals its start date). A periodic payment (a nursery term, a month of direct payments) runs
over the period it pays for. One episode per payment id; a corrected payment is a new version.
"""

from __future__ import annotations

from hub.domain.codes import AdditionalService, VolumeMeasure
from hub.domain.episodes.core_overlap import overlap_fields
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import (
    EpisodeBasis,
    EpisodeSource,
    ServiceEpisode,
    StartBasis,
)
from hub.domain.episodes.short_breaks import V4_SUBTYPE, exclusion_fields
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import PaymentMade
from hub.domain.events.common import Frequency
from hub.domain.events.finance import PaymentKind

S = AdditionalService
# Payment kind -> (service, sub-type). Section 17 money has no fixed sub-type: it takes the
# sub-type of the panel line it pays for, when the payment names that decision.
PAYMENT_SERVICES: dict[PaymentKind, tuple[AdditionalService, str | None]] = {
    PaymentKind.SECTION_17: (S.FS, None),
    PaymentKind.SECTION_24: (S.ILT, "CONTINUING_ASSISTANCE_TO_CARE_LEAVERS"),
    PaymentKind.DIRECT_PAYMENT: (S.CWD, "DIRECT_PAYMENTS"),
    PaymentKind.SHORT_BREAK_V3: (S.CWD, None),
    PaymentKind.SHORT_BREAK_V4: (S.CWD, V4_SUBTYPE),
    PaymentKind.NURSERY_PLACE: (S.EY, "NURSERY_PLACES"),
    PaymentKind.CHILDMINDING_PLACE: (S.EY, "CHILD_MINDING_PLACES"),
}


def planned_line(
    state: EpisodeState, decision_id: str | None, service: AdditionalService
) -> ServiceEpisode | None:
    """The open planned episode of ``decision_id`` for ``service`` (the first line wins)."""
    if decision_id is None:
        return None
    return next(
        (
            e
            for e in state.open
            if e.source_kind is EpisodeSource.PANEL_LINE
            and e.decision_ref == decision_id
            and e.service is service
        ),
        None,
    )


def drafts(state: EpisodeState, event: PaymentMade, child_key: str) -> list[ServiceEpisode]:
    service, subtype = PAYMENT_SERVICES[event.payment_kind]
    plan = planned_line(state, event.panel_decision_id, service)
    if subtype is None and plan is not None and event.payment_kind is PaymentKind.SECTION_17:
        subtype = plan.subtype
    one_off = event.period_end == event.period_start
    return [
        new_episode(
            event,
            child_key,
            episode_id=episode_id("payment", event.envelope.source_system, event.payment_id),
            basis=EpisodeBasis.DELIVERED,
            source_kind=EpisodeSource.PAYMENT,
            service=service,
            subtype=subtype,
            provider=plan.provider if plan is not None else event.payee,
            start_date=event.period_start,
            end_date=event.period_end,
            start_basis=StartBasis.FIRST_DELIVERY,
            first_delivery_date=event.period_start,
            referral_date=plan.referral_date if plan is not None else None,
            volume_measure=VolumeMeasure.M,
            money_amount=event.amount,
            frequency=Frequency.ONE_OFF if one_off else None,
            decision_ref=event.panel_decision_id,
            **overlap_fields(service, subtype, VolumeMeasure.M),
            **exclusion_fields(event.payment_kind),
        )
    ]
