"""SSDA903 episodes in the episode builder: V3 and V4 short breaks by the looked-after return's
own legal status (report p.28, rec. 6, Appendix A CWD), and looked-after periods flagged as
overlapping the core returns (p.44)."""

from __future__ import annotations

from datetime import date
from itertools import permutations

from hub.domain.episodes.model import (
    CoreCategory,
    EpisodeBasis,
    EpisodeSource,
    ExclusionReason,
    StartBasis,
)
from hub.domain.events import LookedAfterEpisodeRecorded
from hub.domain.events.finance import PaymentKind as K
from tests.unit.domain.episodes.factories import event, latest, payment, run, session

MAY, MAY_END = date(2025, 5, 1), date(2025, 5, 31)
V3 = ExclusionReason.RECORDED_IN_SSDA903_V3
LA = CoreCategory.LOOKED_AFTER


def lac(event_id: str, start: date, status: str, end: date | None = None, *,
        record: str | None = None, version: str = "1") -> LookedAfterEpisodeRecorded:
    return event(LookedAfterEpisodeRecorded, event_id, start, source="ssda903",
                 record=record or f"LA001/{start:%d/%m/%Y}", version=version,
                 episode_start=start, episode_end=end, legal_status=status,
                 reason_new_episode="S", placement="T4")


def nights(event_id: str, start: date, end: date):
    return session(event_id, start, end, subtype="SHORT_BREAK_CARE_V4", sessions=None,
                   days=2.0, hours_per_session=None, professional_type=None)


def by_kind(emitted):
    return {e.source_kind: e for e in latest(emitted).values()}


def test_an_ssda903_v3_episode_excludes_the_short_break_nights_it_covers_in_either_order():
    v3 = lac("l1", date(2025, 5, 10), "V3", date(2025, 5, 12))
    row = nights("n1", MAY, MAY_END)
    for order in permutations((v3, row)):
        final = by_kind(run(*order)[1])
        assert set(final) == {EpisodeSource.SERVICE_USE}, order  # V3 itself makes no episode
        kept = final[EpisodeSource.SERVICE_USE]
        assert (kept.counted_as_additional, kept.exclusion_reason) == (False, V3), order


def test_v3_leaves_other_days_and_other_services_counted():
    v3 = lac("l1", date(2025, 5, 10), "V3", date(2025, 5, 12))
    june = nights("n1", date(2025, 6, 1), date(2025, 6, 30))
    therapy = session("s1", date(2025, 5, 11))
    final = latest(run(v3, june, therapy)[1]).values()
    assert [e.counted_as_additional for e in final] == [True, True]


def test_a_legal_status_corrected_away_from_v3_counts_the_nights_again():
    row = nights("n1", MAY, MAY_END)
    v3 = lac("l1", date(2025, 5, 10), "V3", date(2025, 5, 12))
    fixed = lac("l1b", date(2025, 5, 10), "V4", date(2025, 5, 12), version="2")
    kept = by_kind(run(row, v3, fixed)[1])[EpisodeSource.SERVICE_USE]
    assert kept.counted_as_additional and kept.exclusion_reason is None
    assert kept.version == 3


def test_a_v4_agreement_is_a_notified_short_break_episode_whose_first_night_is_its_delivery():
    v4 = lac("l1", date(2025, 4, 20), "V4")
    agreed = by_kind(run(v4)[1])[EpisodeSource.LOOKED_AFTER]
    assert (agreed.service, agreed.subtype, agreed.basis) == (
        "CWD", "SHORT_BREAK_CARE_V4", EpisodeBasis.NOTIFIED)
    assert (agreed.start_date, agreed.start_basis, agreed.end_date) == (
        date(2025, 4, 20), StartBasis.REFERRAL, None)
    assert agreed.counted_as_additional and agreed.volume_measure is None
    # a direct payment is CWD but not a short break: it is not this agreement's delivery
    direct = payment("p1", K.DIRECT_PAYMENT, date(2025, 4, 25))
    _state, emitted = run(v4, direct, nights("n1", MAY, MAY_END))
    agreed = by_kind(emitted)[EpisodeSource.LOOKED_AFTER]
    assert (agreed.start_date, agreed.start_basis, agreed.referral_date) == (
        MAY, StartBasis.FIRST_DELIVERY, date(2025, 4, 20))
    assert by_kind(emitted)[EpisodeSource.SERVICE_USE].counted_as_additional


def test_a_v4_agreement_ends_on_dec_and_one_corrected_to_v3_is_withdrawn():
    v4 = lac("l1", date(2025, 4, 20), "V4")
    ended = lac("l1b", date(2025, 4, 20), "V4", date(2025, 9, 30), version="2")
    agreed = by_kind(run(v4, ended)[1])[EpisodeSource.LOOKED_AFTER]
    assert agreed.end_date == date(2025, 9, 30) and agreed.version == 2
    to_v3 = lac("l1c", date(2025, 4, 20), "V3", version="2")
    gone = by_kind(run(v4, to_v3)[1])[EpisodeSource.LOOKED_AFTER]
    assert (gone.counted_as_additional, gone.exclusion_reason) == (
        False, ExclusionReason.WITHDRAWN_BY_SOURCE)


def test_episodes_during_a_looked_after_period_are_flagged_in_any_order_never_dropped():
    care = lac("l1", date(2025, 6, 1), "C2", date(2025, 8, 31))
    inside = session("s1", date(2025, 7, 1))
    outside = session("s2", date(2025, 9, 5))
    for order in permutations((care, inside)):
        flagged = by_kind(run(*order)[1])[EpisodeSource.SERVICE_USE]
        if order[0] is care:  # a settled session is a stamp: only a later one is flagged
            assert (flagged.core_overlap, flagged.core_category) == (True, LA)
            assert flagged.counted_as_additional
    after = by_kind(run(care, outside)[1])[EpisodeSource.SERVICE_USE]
    assert (after.core_overlap, after.core_category) == (False, None)


def test_an_open_case_episode_held_in_full_is_flagged_when_the_period_arrives_later():
    v4 = lac("l1", date(2025, 4, 20), "V4")  # an open notified episode, held in full
    care = lac("l2", date(2025, 5, 1), "C2")  # still looked after (no DEC)
    state, emitted = run(v4, care)
    agreed = by_kind(emitted)[EpisodeSource.LOOKED_AFTER]
    assert (agreed.core_overlap, agreed.core_category, agreed.version) == (True, LA, 2)
    assert run(care, state=state)[1] == []  # redelivered: nothing new


def test_another_core_category_is_kept_and_a_period_corrected_away_clears_the_flag():
    care = lac("l1", date(2025, 6, 1), "C2", date(2025, 8, 31))
    direct = payment("p1", K.DIRECT_PAYMENT, date(2025, 7, 1))
    paid = by_kind(run(care, direct)[1])[EpisodeSource.PAYMENT]
    assert paid.core_category is CoreCategory.DISABLED_CHILDREN_SERVICES
    v4 = lac("l2", date(2025, 7, 1), "V4")
    state, _ = run(care, v4)
    corrected = lac("l1b", date(2025, 6, 1), "V2", date(2025, 6, 2), version="2")
    agreed = by_kind(run(corrected, state=state)[1])[EpisodeSource.LOOKED_AFTER]
    assert (agreed.core_overlap, agreed.core_category) == (False, None)


def test_a_redelivered_ssda903_episode_emits_nothing_new():
    v4 = lac("l1", date(2025, 4, 20), "V4", date(2025, 9, 30))
    state, first = run(v4)
    assert len(first) == 1
    assert run(v4, state=state)[1] == []
