"""YOT, CAF and register episodes: referral dates kept apart from the first delivery."""

from __future__ import annotations

from datetime import date

import pytest

from hub.domain.child.disclosure import ConsentWithheldError
from hub.domain.episodes.model import StartBasis
from hub.domain.events import (
    CafClosed,
    CafCompleted,
    CscStatusChanged,
    DisabledRegisterEntryRecorded,
    YotReferralClosed,
    YotReferralMade,
)
from hub.domain.events.common import ChildSubject
from tests.unit.domain.episodes.factories import event, latest, referral, run, session

REFERRED = date(2025, 5, 1)


def test_court_disposals_and_yisp_referrals_have_their_own_sub_types():
    [court] = run(referral("y1", REFERRED))[1]
    [yisp] = run(referral("y2", REFERRED, kind="YISP", case="YOT-2"))[1]
    assert (court.service, court.subtype) == ("YJ", "YOUTH_OFFENDING_TEAM")
    assert yisp.subtype == "YOUTH_INCLUSION_AND_SUPPORT_PANELS"


@pytest.mark.parametrize(
    ("disposal", "subtype"),
    [
        ("Youth Rehabilitation Order", "COMMUNITY_SENTENCES"),
        ("Referral Order", "RESTORATIVE_JUSTICE"),
        ("Youth Caution", "EARLY_INTERVENTION_PROGRAMMES"),
        ("youth  conditional caution", "EARLY_INTERVENTION_PROGRAMMES"),
        ("Bail Supervision and Support", "BAIL_SUPERVISION"),
        ("Detention and Training Order", "YOUTH_OFFENDING_TEAM"),
        ("Something new", "YOUTH_OFFENDING_TEAM"),
    ],
)
def test_a_court_disposal_maps_to_the_yj_option_that_delivers_it(disposal, subtype):
    made = event(YotReferralMade, "y1", REFERRED, yot_case_id="YOT-1",
                 referral_kind="COURT_DISPOSAL", referral_date=REFERRED, disposal_type=disposal)
    assert run(made)[1][0].subtype == subtype


def test_a_yisp_programme_stays_yisp_whatever_its_disposal_text():
    made = event(YotReferralMade, "y1", REFERRED, yot_case_id="YOT-1", referral_kind="YISP",
                 referral_date=REFERRED, disposal_type="Referral Order")
    assert run(made)[1][0].subtype == "YOUTH_INCLUSION_AND_SUPPORT_PANELS"


def test_the_referral_date_is_kept_apart_from_the_first_delivery():
    first_use = session("s1", date(2025, 5, 20), service="YJ", subtype="RESTORATIVE_JUSTICE")
    _, emitted = run(referral("y1", REFERRED), first_use)
    case = latest(emitted)[emitted[0].episode_id]
    assert case.referral_date == REFERRED
    assert case.first_delivery_date == case.start_date == date(2025, 5, 20)
    assert case.start_basis is StartBasis.FIRST_DELIVERY and case.version == 2


def test_a_delivery_before_the_referral_is_not_its_first_delivery():
    early = session("s1", date(2025, 4, 2), service="YJ", subtype="RESTORATIVE_JUSTICE")
    state, _ = run(referral("y1", REFERRED))
    assert [e.source_kind for e in run(early, state=state)[1]] == ["SERVICE_USE"]


def test_a_yot_closure_closes_the_case_and_a_replayed_referral_does_not_reopen_it():
    closure = event(
        YotReferralClosed,
        "c1",
        date(2025, 11, 3),
        yot_case_id="YOT-1",
        closure_date=date(2025, 11, 3),
    )
    state, emitted = run(referral("y1", REFERRED), closure)
    assert emitted[-1].end_date == date(2025, 11, 3) and emitted[-1].version == 2
    assert run(referral("y1", REFERRED), state=state)[1] == []


def test_a_closure_dated_before_the_start_closes_on_the_start():
    closure = event(
        YotReferralClosed,
        "c1",
        date(2025, 4, 1),
        yot_case_id="YOT-1",
        closure_date=date(2025, 4, 1),
    )
    assert run(referral("y1", REFERRED), closure)[1][-1].end_date == REFERRED


@pytest.mark.parametrize(
    ("born", "service", "subtype"),
    [
        (date(2022, 1, 1), "EY", "PARENTING_SUPPORT"),
        (date(2015, 1, 1), "FS", "PARENT_SUPPORT_AND_PARENTING"),
        (None, "FS", "PARENT_SUPPORT_AND_PARENTING"),
    ],
)
def test_a_caf_is_early_years_under_five_and_family_support_otherwise(born, service, subtype):
    child = ChildSubject(date_of_birth=born)
    caf = event(
        CafCompleted,
        "f1",
        REFERRED,
        subject=child,
        caf_id="CAF-1",
        completed_date=REFERRED,
        team="Children's Centre",
    )
    closed = event(
        CafClosed,
        "f2",
        date(2025, 8, 1),
        subject=child,
        caf_id="CAF-1",
        closed_date=date(2025, 8, 1),
        closure_reason="NEEDS_MET",
    )
    _, emitted = run(caf, closed)
    assert (emitted[0].service, emitted[0].subtype, emitted[0].provider) == (
        service,
        subtype,
        "Children's Centre",
    )
    assert emitted[-1].end_date == date(2025, 8, 1)


def _caf(needs: tuple[str, ...], born: date = date(2012, 1, 1)) -> CafCompleted:
    return event(CafCompleted, "f1", REFERRED, subject=ChildSubject(date_of_birth=born),
                 caf_id="CAF-1", completed_date=REFERRED, team="Early Help North", needs=needs)


@pytest.mark.parametrize(
    ("needs", "born", "service", "subtype"),
    [
        (("HOUSING", "DOMESTIC_ABUSE", "PARENTING_CAPACITY"), date(2012, 1, 1), "FS",
         "DOMESTIC_VIOLENCE"),
        (("YOUNG_CARER",), date(2012, 1, 1), "YC", "FAMILY_SUPPORT_AND_HOME_CARE"),
        (("BEHAVIOUR", "SCHOOL_ATTENDANCE"), date(2012, 1, 1), "AEP", "EDUCATIONAL_WELFARE"),
        (("EMOTIONAL_HEALTH", "FINANCES"), date(2012, 1, 1), "FS",
         "PARENT_SUPPORT_AND_PARENTING"),
        (("SPEECH_LANGUAGE",), date(2022, 1, 1), "EY",
         "SUPPORT_FOR_PRE_SCHOOL_CHILDREN_WITH_SPECIAL_NEEDS"),
    ],
)
def test_a_caf_maps_to_the_service_its_identified_needs_decide(needs, born, service, subtype):
    [opened] = run(_caf(needs, born))[1]
    assert (opened.service, opened.subtype) == (service, subtype)


def test_a_caf_closed_as_disengaged_is_kept_but_not_counted():
    closed = event(CafClosed, "f2", date(2025, 8, 1), caf_id="CAF-1",
                   closed_date=date(2025, 8, 1), closure_reason="DISENGAGED")
    final = run(_caf(("PARENTING_CAPACITY",)), closed)[1][-1]
    assert final.end_date == date(2025, 8, 1) and not final.counted_as_additional
    assert final.exclusion_reason == "NOT_TAKEN_UP"
    met = closed.model_copy(update={"closure_reason": "NEEDS_MET"})
    assert run(_caf(("PARENTING_CAPACITY",)), met)[1][-1].counted_as_additional


def test_a_register_entry_is_cwd_with_no_volume_and_no_end():
    entry = event(
        DisabledRegisterEntryRecorded,
        "r1",
        REFERRED,
        register_id="DCR1",
        entry_date=REFERRED,
        disability_categories=("VIS",),
        parental_consent=True,
    )
    [episode] = run(entry)[1]
    assert (episode.service, episode.subtype, episode.volume_measure) == ("CWD", None, None)
    assert episode.end_date is None and episode.basis == "NOTIFIED"


def test_withheld_consent_never_reaches_the_rules_and_csc_events_build_nothing():
    withheld = event(
        YotReferralMade,
        "y1",
        REFERRED,
        share=False,
        yot_case_id="YOT-1",
        referral_kind="YISP",
        referral_date=REFERRED,
    )
    with pytest.raises(ConsentWithheldError):
        run(withheld)
    status = event(
        CscStatusChanged,
        "k1",
        REFERRED,
        change="REFERRAL_OPENED",
        effective_date=REFERRED,
        csc_episode_id="R1",
    )
    assert run(status)[1] == []
