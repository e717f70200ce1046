"""Census years run 1 April to 31 March; an episode counts in every year it overlaps."""

from __future__ import annotations

from datetime import date

import pytest

from hub.domain.episodes.years import CensusYear, census_years, overlaps, year_of
from hub.domain.events.finance import PaymentKind
from tests.unit.domain.episodes.factories import payment, run

Y2025 = CensusYear.parse("2025-26")


def test_a_census_year_runs_from_1_april_to_31_march():
    assert (Y2025.start, Y2025.end, Y2025.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    assert year_of(date(2026, 3, 31)) == Y2025 and year_of(date(2026, 4, 1)).label == "2026-27"
    assert Y2025.months()[0] == "2025-04" and Y2025.months()[-1] == "2026-03"


@pytest.mark.parametrize("label", ["2025", "2025-27", "25-26", "2025/26"])
def test_a_malformed_label_is_refused(label):
    with pytest.raises(ValueError, match="2025-26"):
        CensusYear.parse(label)


def test_an_episode_spanning_the_year_end_touches_both_years():
    [episode] = run(payment("p1", PaymentKind.NURSERY_PLACE, date(2026, 1, 5), date(2026, 7, 17)))[
        1
    ]
    assert episode.census_years == ("2025-26", "2026-27")
    assert overlaps(episode.start_date, episode.end_date, Y2025)
    assert overlaps(episode.start_date, episode.end_date, CensusYear(2026))
    assert not overlaps(episode.start_date, episode.end_date, CensusYear(2024))


def test_an_open_episode_overlaps_every_year_from_its_start():
    assert overlaps(date(2019, 5, 1), None, Y2025)
    assert census_years(date(2025, 5, 1), date(2025, 4, 1)) == ("2025-26",)
