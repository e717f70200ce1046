"""Which panel line a payment pays (report pp.24-26): a payment is matched to a line, not to
the first line of its service.

A line can be paid by a payment when the line is an approved, counted panel line of the
child whose kind fits the payment (below), whose planned period overlaps the period paid,
and which belongs to the decision the payment names. Among those lines, the one whose
planned amount for the period paid is closest to the amount wins (ties: the lower line id),
so a £160 monthly direct payment pays the £160 direct-payment line, not the £45 day-care
line of the same decision. A payment that names no decision is matched only when exactly one
line of the child fits it by kind and period, and its amount is within a quarter of the
line's: guessing among several would put one line's provider on another's money.

Kinds: Section 17 pays Family Support lines measured in money; Section 24 pays Independent
Living lines in money or nights (continuing assistance, supported lodgings); a direct payment
pays a "Direct Payments" line; a short break (V3 or V4) a "Short-break care V4" line; a
nursery or child-minding place the line for that place. Session lines (a provider's therapy
or mediation) are block-paid to providers and never matched to a family's payment.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

from hub.domain.codes import AdditionalService as S
from hub.domain.codes import VolumeMeasure as V
from hub.domain.episodes.model import EpisodeSource, ExclusionReason, ServiceEpisode
from hub.domain.episodes.planned import PERIOD_DAYS, periods
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import PaymentMade
from hub.domain.events.common import Frequency
from hub.domain.events.finance import PaymentKind as K

Fits = Callable[[ServiceEpisode], bool]
_FITS: dict[K, Fits] = {
    K.SECTION_17: lambda e: e.service is S.FS and e.volume_measure is V.M,
    K.SECTION_24: lambda e: e.service is S.ILT and e.volume_measure in (V.M, V.D),
    K.DIRECT_PAYMENT: lambda e: e.service is S.CWD and e.subtype == "DIRECT_PAYMENTS",
    K.SHORT_BREAK_V3: lambda e: e.service is S.CWD and e.subtype == "SHORT_BREAK_CARE_V4",
    K.SHORT_BREAK_V4: lambda e: e.service is S.CWD and e.subtype == "SHORT_BREAK_CARE_V4",
    K.NURSERY_PLACE: lambda e: e.service is S.EY and e.subtype == "NURSERY_PLACES",
    K.CHILDMINDING_PLACE: lambda e: e.service is S.EY and e.subtype == "CHILD_MINDING_PLACES",
}
UNNAMED_TOLERANCE = 0.25


def _lines(state: EpisodeState) -> list[ServiceEpisode]:
    """Approved lines still in force (a V3 short-break line is in force, just not counted)."""
    return [e for e in state.open if e.source_kind is EpisodeSource.PANEL_LINE
            and e.exclusion_reason in (None, ExclusionReason.RECORDED_IN_SSDA903_V3)]


def _overlaps(line: ServiceEpisode, payment: PaymentMade) -> bool:
    ends = line.end_date or payment.period_end
    return line.start_date <= payment.period_end and ends >= payment.period_start


def expected_amount(line: ServiceEpisode, payment: PaymentMade) -> Decimal | None:
    """What the line plans to spend over the payment's period (None: the line has no amount)."""
    if line.money_amount is None or line.frequency is None:
        return None
    if line.frequency is Frequency.ONE_OFF:
        return line.money_amount
    length = PERIOD_DAYS[line.frequency]
    per_period = line.money_amount / (periods(line.frequency, line.start_date, line.end_date) or 1)
    paid_days = (payment.period_end - payment.period_start).days + 1
    return per_period * Decimal(max(1.0, paid_days / length))


def _distance(line: ServiceEpisode, payment: PaymentMade) -> float:
    expected = expected_amount(line, payment)
    if expected is None or expected <= 0 or payment.amount <= 0:
        return math.inf
    return abs(math.log(float(payment.amount) / float(expected)))


def line_paid(state: EpisodeState, payment: PaymentMade) -> ServiceEpisode | None:
    """The panel line ``payment`` pays, or None when no line can be told with confidence."""
    fits = _FITS[payment.payment_kind]
    named = payment.panel_decision_id
    candidates = [
        e for e in _lines(state)
        if fits(e) and _overlaps(e, payment) and (named is None or e.decision_ref == named)
    ]
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda e: (_distance(e, payment), e.episode_id))
    if named is not None:
        return ranked[0]
    close = _distance(ranked[0], payment) <= math.log(1 + UNNAMED_TOLERANCE)
    return ranked[0] if len(candidates) == 1 and close else None
