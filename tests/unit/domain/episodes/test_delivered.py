"""Provider service-use returns -> delivered episodes, as returned."""

from __future__ import annotations

from datetime import date

from hub.domain.episodes.model import EpisodeBasis, StartBasis
from tests.unit.domain.episodes.factories import run, session

DAY = date(2025, 5, 7)


def test_a_single_session_ends_the_day_it_starts():
    [episode] = run(session("s1", DAY))[1]
    assert episode.start_date == episode.end_date == DAY
    assert episode.basis is EpisodeBasis.DELIVERED
    assert episode.start_basis is StartBasis.FIRST_DELIVERY and episode.first_delivery_date == DAY


def test_a_monthly_row_covers_its_period_with_its_sessions_hours_and_professional():
    row = session(
        "s1",
        date(2025, 5, 1),
        date(2025, 5, 31),
        service="FS",
        subtype="FAMILY_CENTRES",
        sessions=3,
        hours_per_session=1.5,
        professional_type="Family Support Worker",
        group_session=True,
    )
    [episode] = run(row)[1]
    assert (episode.start_date, episode.end_date) == (date(2025, 5, 1), date(2025, 5, 31))
    assert (episode.volume_measure, episode.sessions, episode.session_hours) == ("S", 3, 1.5)
    assert episode.professional_type == "Family Support Worker" and episode.group_session
    assert not episode.core_overlap  # sessions of family support are not Section 17 money


def test_days_are_measure_d_and_a_row_with_no_volume_has_no_measure():
    [days] = run(session("s1", DAY, sessions=None, days=2.0))[1]
    [none] = run(session("s2", DAY, sessions=None))[1]
    assert (days.volume_measure, days.days_nights) == ("D", 2.0)
    assert none.volume_measure is None and none.sessions is None


def test_the_same_row_redelivered_emits_nothing_new():
    row = session("s1", DAY)
    state, first = run(row)
    assert run(row, state=state)[1] == []
    assert first[0].version == 1
