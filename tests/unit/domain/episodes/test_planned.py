"""Panel decision lines -> planned episodes: decision date apart from the planned start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hub.domain.episodes.model import EpisodeBasis, ExclusionReason, StartBasis
from hub.domain.episodes.planned import periods
from hub.domain.events.common import Frequency
from tests.unit.domain.episodes.factories import decision, latest, run

PANEL = date(2025, 4, 6)


def line(line_id: str = "1", **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "line_id": line_id,
        "service": "CWD",
        "subtype": "SHORT_BREAK_CARE_V4",
        "provider": "Oakfield",
        "volume_measure": "D",
        "quantity": 4.0,
        "amount": Decimal("800.00"),
        "frequency": "MONTHLY",
        "planned_start": date(2025, 4, 10),
        "planned_end": date(2025, 7, 10),
    }
    return base | changes


def test_an_approved_line_is_a_planned_episode_dated_by_its_plan():
    [episode] = run(decision("d1", PANEL, [line()]))[1]
    assert episode.basis is EpisodeBasis.PLANNED
    assert episode.referral_date == PANEL and episode.start_date == date(2025, 4, 10)
    assert episode.start_basis is StartBasis.PLANNED_START
    assert episode.first_delivery_date is None and episode.end_date == date(2025, 7, 10)


def test_volumes_are_totals_over_the_plan():
    [episode] = run(decision("d1", PANEL, [line()]))[1]
    assert episode.days_nights == 12.0  # 4 nights a month for 3 months
    assert episode.money_amount == Decimal("2400.00")
    assert episode.frequency is Frequency.MONTHLY


def test_periods():
    start = date(2025, 4, 10)
    assert periods(Frequency.ONE_OFF, start, None) == 1
    assert periods(Frequency.WEEKLY, start, date(2025, 7, 10)) == 13
    assert periods(Frequency.MONTHLY, start, start) == 1
    assert periods(Frequency.MONTHLY, start, None) is None


def test_declined_and_deferred_decisions_plan_nothing():
    assert run(decision("d1", PANEL, [line()], outcome="DECLINED"))[1] == []
    assert run(decision("d1", PANEL, [line()], outcome="DEFERRED"))[1] == []


def test_a_revision_that_declines_withdraws_the_planned_lines():
    approved = decision("d1", PANEL, [line("1"), line("2", subtype="DAY_CARE")])
    revised = decision("d2", PANEL, [line("1")], outcome="DECLINED", version="2")
    _, emitted = run(approved, revised)
    final = latest(emitted)
    assert len(final) == 2
    assert all(e.version == 2 and not e.counted_as_additional for e in final.values())
    assert {e.exclusion_reason for e in final.values()} == {ExclusionReason.WITHDRAWN_BY_SOURCE}


def test_a_revision_dropping_one_line_withdraws_only_that_line():
    approved = decision("d1", PANEL, [line("1"), line("2", subtype="DAY_CARE")])
    revised = decision("d2", PANEL, [line("1")], version="2")
    _, emitted = run(approved, revised)
    final = {e.subtype: e for e in latest(emitted).values()}
    assert final["DAY_CARE"].exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE
    assert final["SHORT_BREAK_CARE_V4"].counted_as_additional
