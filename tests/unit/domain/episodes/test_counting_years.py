"""Open-ended episodes count in a census year while a fact in the last 12 months confirms them."""

from __future__ import annotations

from datetime import date

from hub.domain.episodes.counting_years import confirmed_until, counts_in
from hub.domain.episodes.years import CensusYear
from hub.domain.events import DisabledRegisterEntryRecorded
from tests.unit.domain.episodes.factories import event, run


def entry(on: date):
    [episode] = run(event(DisabledRegisterEntryRecorded, "r1", on, register_id="DCR1",
                          entry_date=on, parental_consent=True))[1]
    return episode


def test_an_open_entry_counts_from_its_year_until_twelve_months_after_its_last_fact():
    episode = entry(date(2024, 2, 10))
    assert confirmed_until(episode) == date(2025, 2, 10)
    assert [counts_in(episode, CensusYear(y)) for y in (2023, 2024, 2025)] == [True, True, False]


def test_a_later_fact_carries_it_into_the_next_year_and_an_ended_one_counts_where_it_ran():
    episode = entry(date(2024, 2, 10)).evolve(last_event_date=date(2025, 4, 2))
    assert counts_in(episode, CensusYear(2025)) and counts_in(episode, CensusYear(2026))
    assert not counts_in(episode, CensusYear(2027))
    ended = episode.evolve(end_date=date(2024, 3, 1))
    assert confirmed_until(ended) is None
    assert counts_in(ended, CensusYear(2023)) and not counts_in(ended, CensusYear(2024))


def test_a_go_live_load_or_a_review_recorded_later_confirms_an_old_entry():
    episode = entry(date(2019, 6, 1))
    assert not counts_in(episode, CensusYear(2025))
    loaded = episode.evolve(confirmed_on=date(2025, 4, 1))
    assert counts_in(loaded, CensusYear(2025)) and counts_in(loaded, CensusYear(2019))
    assert not counts_in(loaded, CensusYear(2027))
