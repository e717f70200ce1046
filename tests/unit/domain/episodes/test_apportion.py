"""Volumes crossing 31 March are shared between census years; the shares add up to the whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hub.domain.episodes.apportion import Volumes, crosses_year, in_year, whole
from hub.domain.episodes.years import CensusYear, year_of
from hub.domain.events.finance import PaymentKind
from tests.unit.domain.episodes.factories import decision, payment, run

Y2025 = CensusYear(2025)


def planned(start: date, end: date, amount: str = "100", frequency: str = "MONTHLY"):
    line = {"line_id": "1", "service": "CWD", "subtype": "DIRECT_PAYMENTS",
            "provider": "In-house", "volume_measure": "M", "amount": Decimal(amount),
            "frequency": frequency, "planned_start": start, "planned_end": end}
    [episode] = run(decision("d1", date(2025, 9, 20), [line]))[1]
    return episode


def test_a_plan_running_past_31_march_is_shared_by_days_and_the_whole_is_kept():
    plan = planned(date(2025, 10, 1), date(2026, 9, 30))
    assert plan.money_amount == Decimal("1200")
    this_year, next_year = in_year(plan, Y2025), in_year(plan, CensusYear(2026))
    assert this_year.money_amount == Decimal("598.36")  # 182 of 365 days
    assert this_year.money_amount + next_year.money_amount == Decimal("1200")
    assert whole(plan).money_amount == Decimal("1200")


def test_an_episode_inside_one_year_or_open_keeps_its_whole_volume():
    inside = planned(date(2025, 5, 1), date(2025, 11, 30))
    assert not crosses_year(inside, Y2025) and in_year(inside, Y2025) == whole(inside)
    [paid] = run(payment("p1", PaymentKind.DIRECT_PAYMENT, date(2025, 6, 1)))[1]
    assert in_year(paid, Y2025) == Volumes(None, Decimal("100.00"), None)


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2029, 12, 31))


@given(days, st.integers(min_value=0, max_value=1500),
       st.decimals(min_value=1, max_value=99999, places=0))
def test_the_shares_of_every_year_add_up_to_the_whole(start, length, amount):
    end = date.fromordinal(start.toordinal() + length)
    plan = planned(start, end, str(amount), "ONE_OFF").evolve(end_date=end)
    years = range(year_of(start).start_year, year_of(end).start_year + 1)
    shares = [in_year(plan, CensusYear(y)).money_amount for y in years]
    assert sum(s for s in shares if s is not None) == plan.money_amount
    assert all(s is not None and s >= 0 for s in shares)
