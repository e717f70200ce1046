"""Payments -> delivered money episodes (report pp.24-25, 46; Table 10: a payment's end date
equals its start date). A periodic payment (a nursery term, a month of direct payments) runs
over the period it pays for. One episode per payment id; a corrected payment is a new version.

A payment takes from the panel line it pays (``payment_lines.line_paid``) the line's
provider, its referral date and decision, and for Section 17 and Section 24 money its
sub-type. The provider is who delivers the service, never the payee: a parent, a care leaver
or a direct-payment account is paid, but is not a provider. With no line matched, a nursery
or child-minding place keeps its payee (the setting is the provider); any other payment
has no provider rather than the payee's name.
"""

from __future__ import annotations

from typing import Any

from hub.domain.codes import AdditionalService, VolumeMeasure
from hub.domain.episodes.core_overlap import overlap_fields
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import (
    CoreCategory,
    EpisodeBasis,
    EpisodeSource,
    ServiceEpisode,
    StartBasis,
)
from hub.domain.episodes.payment_lines import line_paid
from hub.domain.episodes.short_breaks import V4_SUBTYPE, exclusion_fields
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import PaymentMade
from hub.domain.events.common import Frequency
from hub.domain.events.finance import PaymentKind

S = AdditionalService
# Payment kind -> (service, sub-type). Section 17 money has no fixed sub-type: it takes the
# sub-type of the panel line it pays for; so does Section 24 (continuing assistance or
# supported lodgings).
PAYMENT_SERVICES: dict[PaymentKind, tuple[AdditionalService, str | None]] = {
    PaymentKind.SECTION_17: (S.FS, None),
    PaymentKind.SECTION_24: (S.ILT, "CONTINUING_ASSISTANCE_TO_CARE_LEAVERS"),
    PaymentKind.DIRECT_PAYMENT: (S.CWD, "DIRECT_PAYMENTS"),
    PaymentKind.SHORT_BREAK_V3: (S.CWD, None),
    PaymentKind.SHORT_BREAK_V4: (S.CWD, V4_SUBTYPE),
    PaymentKind.NURSERY_PLACE: (S.EY, "NURSERY_PLACES"),
    PaymentKind.CHILDMINDING_PLACE: (S.EY, "CHILD_MINDING_PLACES"),
}
_SUBTYPE_FROM_LINE = frozenset({PaymentKind.SECTION_17, PaymentKind.SECTION_24})
_PAYEE_PROVIDES = frozenset({PaymentKind.NURSERY_PLACE, PaymentKind.CHILDMINDING_PLACE})


def provider_of(event: PaymentMade, line: ServiceEpisode | None) -> str | None:
    """The provider of what ``event`` paid for: the line's, else a setting paid for a place."""
    if line is not None:
        return line.provider
    return event.payee if event.payment_kind in _PAYEE_PROVIDES else None


def _overlap(kind: PaymentKind, service: AdditionalService, subtype: str | None) -> dict[str, Any]:
    if kind is PaymentKind.SECTION_24:  # Section 24 money is leaving-care support, any line
        return {"core_overlap": True, "core_category": CoreCategory.SECTION_24_LEAVING_CARE}
    return overlap_fields(service, subtype, VolumeMeasure.M)


def drafts(state: EpisodeState, event: PaymentMade, child_key: str) -> list[ServiceEpisode]:
    kind = event.payment_kind
    service, subtype = PAYMENT_SERVICES[kind]
    line = line_paid(state, event)
    if line is not None and kind in _SUBTYPE_FROM_LINE:
        subtype = line.subtype
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
            provider=provider_of(event, line),
            start_date=event.period_start,
            end_date=event.period_end,
            start_basis=StartBasis.FIRST_DELIVERY,
            first_delivery_date=event.period_start,
            referral_date=line.referral_date if line is not None else None,
            volume_measure=VolumeMeasure.M,
            money_amount=event.amount,
            frequency=Frequency.ONE_OFF if one_off else None,
            decision_ref=event.panel_decision_id or (line.decision_ref if line else None),
            **_overlap(kind, service, subtype),
            **exclusion_fields(kind),
        )
    ]
