"""Payments -> delivered money episodes: each kind's service, one-offs end when they start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hub.domain.episodes.model import CoreCategory, EpisodeBasis, ExclusionReason, StartBasis
from hub.domain.events.finance import PaymentKind as K
from tests.unit.domain.episodes.factories import decision, payment, run

DAY = date(2025, 6, 10)


@pytest.mark.parametrize(
    ("kind", "service", "subtype", "core", "counted"),
    [
        (K.SECTION_17, "FS", None, CoreCategory.SECTION_17_FAMILY_SUPPORT, True),
        (
            K.SECTION_24,
            "ILT",
            "CONTINUING_ASSISTANCE_TO_CARE_LEAVERS",
            CoreCategory.SECTION_24_LEAVING_CARE,
            True,
        ),
        (K.DIRECT_PAYMENT, "CWD", "DIRECT_PAYMENTS", CoreCategory.DISABLED_CHILDREN_SERVICES, True),
        (K.SHORT_BREAK_V4, "CWD", "SHORT_BREAK_CARE_V4", None, True),
        (K.SHORT_BREAK_V3, "CWD", None, None, False),
        (K.NURSERY_PLACE, "EY", "NURSERY_PLACES", None, True),
        (K.CHILDMINDING_PLACE, "EY", "CHILD_MINDING_PLACES", None, True),
    ],
)
def test_each_payment_kind_maps_to_its_service(kind, service, subtype, core, counted):
    [episode] = run(payment("p1", kind, DAY, amount="250.00"))[1]
    assert (episode.service, episode.subtype) == (service, subtype)
    assert episode.core_category is core and episode.core_overlap is (core is not None)
    assert episode.counted_as_additional is counted
    assert episode.basis is EpisodeBasis.DELIVERED and episode.volume_measure == "M"
    assert episode.money_amount == Decimal("250.00")


def test_a_v3_short_break_is_kept_but_not_counted_as_an_additional_service():
    [episode] = run(payment("p1", K.SHORT_BREAK_V3, DAY))[1]
    assert episode.exclusion_reason is ExclusionReason.RECORDED_IN_SSDA903_V3
    assert not episode.counted_as_additional


def test_a_one_off_payment_ends_the_day_it_starts():
    [episode] = run(payment("p1", K.SECTION_17, DAY))[1]
    assert episode.end_date == episode.start_date == DAY
    assert episode.frequency == "ONE_OFF" and episode.start_basis is StartBasis.FIRST_DELIVERY


def test_a_periodic_payment_runs_over_its_period():
    [episode] = run(payment("p1", K.NURSERY_PLACE, date(2025, 4, 1), date(2025, 6, 30)))[1]
    assert (episode.start_date, episode.end_date) == (date(2025, 4, 1), date(2025, 6, 30))
    assert episode.frequency is None


def test_section_17_money_takes_the_sub_type_and_date_of_the_panel_line_it_pays_for():
    line = {
        "line_id": "1",
        "service": "FS",
        "subtype": "DOMESTIC_VIOLENCE",
        "provider": "In-house",
        "volume_measure": "M",
        "amount": Decimal("300"),
        "frequency": "ONE_OFF",
        "planned_start": DAY,
        "planned_end": DAY,
    }
    panel = decision("d1", date(2025, 6, 1), [line], decision_id="PD-9")
    _, emitted = run(panel, payment("p1", K.SECTION_17, DAY, panel_decision_id="PD-9"))
    paid = emitted[-1]
    assert (paid.subtype, paid.provider, paid.decision_ref) == (
        "DOMESTIC_VIOLENCE",
        "In-house",
        "PD-9",
    )
    assert paid.referral_date == date(2025, 6, 1) and paid.first_delivery_date == DAY


def test_a_corrected_payment_is_the_next_version_and_a_redelivery_nothing():
    first = payment("p1", K.DIRECT_PAYMENT, DAY, amount="100.00")
    again = payment("p1", K.DIRECT_PAYMENT, DAY, amount="100.00")
    corrected = payment("p1-v2", K.DIRECT_PAYMENT, DAY, amount="120.00").model_copy(
        update={"payment_id": first.payment_id}
    )
    _, emitted = run(first, again, corrected)
    assert [(e.version, e.money_amount) for e in emitted] == [
        (1, Decimal("100.00")),
        (2, Decimal("120.00")),
    ]
    assert len({e.episode_id for e in emitted}) == 1
