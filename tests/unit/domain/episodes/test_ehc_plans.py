"""EHC plans (SEN statements before 2014) -> SEN episodes per sub-type; go-live and
cessations with nothing open; assessments that end with no plan."""

from __future__ import annotations

from datetime import date

import pytest

from hub.domain.episodes.model import EpisodeSource, ExclusionReason, StartBasis
from hub.domain.events import SenAssessmentOutcome, SenStatementChanged
from hub.domain.events.education import SenOutcome
from tests.unit.domain.episodes.factories import event, latest, run, session

ISSUED = date(2025, 6, 2)


def issued(*services: str) -> SenAssessmentOutcome:
    return event(
        SenAssessmentOutcome,
        "o1",
        ISSUED,
        decision_date=ISSUED,
        outcome="STATEMENT_ISSUED",
        services=services,
    )


def change(event_id: str, on: date, kind: str, *services: str) -> SenStatementChanged:
    return event(SenStatementChanged, event_id, on, change_date=on, change=kind, services=services)


def test_a_statement_opens_one_episode_per_sub_type():
    _, emitted = run(issued("ASSESSMENT", "EDUCATIONAL_PSYCHOLOGY"))
    assert sorted(e.subtype for e in emitted) == ["ASSESSMENT", "EDUCATIONAL_PSYCHOLOGY"]
    assert all(e.is_open and e.referral_date == ISSUED for e in emitted)
    assert all(e.start_basis is StartBasis.REFERRAL for e in emitted)


def test_an_assessment_that_ends_with_no_plan_is_one_closed_sen_assessment_episode():
    outcome = event(
        SenAssessmentOutcome, "o1", ISSUED, decision_date=ISSUED, outcome=SenOutcome.NO_EHC_PLAN
    )
    [assessed] = run(outcome)[1]
    assert (assessed.service, assessed.subtype, assessed.source_kind) == (
        "SEN", "ASSESSMENT", EpisodeSource.SEN_ASSESSMENT)
    assert assessed.start_date == assessed.end_date == ISSUED
    assert assessed.start_basis is StartBasis.UNKNOWN and assessed.referral_date is None


def test_an_assessment_declined_makes_nothing_and_the_2008_name_still_reads():
    declined = event(
        SenAssessmentOutcome, "o1", ISSUED, decision_date=ISSUED, outcome="ASSESSMENT_DECLINED"
    )
    assert run(declined)[1] == []
    legacy = event(SenAssessmentOutcome, "o2", ISSUED, decision_date=ISSUED,
                   outcome="NO_STATEMENT")
    assert run(legacy)[1][0].source_kind is EpisodeSource.SEN_ASSESSMENT


@pytest.mark.parametrize("kind", ["CEASED", "TRANSFERRED_OUT"])
def test_an_ending_with_no_plan_known_makes_a_closed_episode_whose_start_is_unknown(kind):
    on = date(2025, 11, 3)
    [ended] = run(change("c1", on, kind, "EDUCATIONAL_WELFARE"))[1]
    assert (ended.subtype, ended.start_date, ended.end_date) == ("EDUCATIONAL_WELFARE", on, on)
    assert ended.start_basis is StartBasis.UNKNOWN and ended.referral_date is None
    assert ended.counted_as_additional and ended.census_years == ("2025-26",)
    [unnamed] = run(change("c2", on, kind))[1]
    assert unnamed.subtype is None and unnamed.end_date == on


def test_an_ending_after_the_plan_already_ended_makes_nothing_more():
    state, _ = run(issued("ASSESSMENT"), change("c1", date(2025, 9, 1), "CEASED"))
    assert run(change("c2", date(2025, 10, 1), "TRANSFERRED_OUT"), state=state)[1] == []


def test_an_amendment_with_nothing_open_is_a_plan_in_force_not_a_referral():
    on = date(2025, 10, 1)
    [amended] = run(change("a1", on, "AMENDED", "EDUCATIONAL_WELFARE"))[1]
    assert amended.is_open and amended.start_date == on
    assert amended.start_basis is StartBasis.UNKNOWN and amended.referral_date is None


def test_a_late_go_live_issue_explains_an_unknown_start_cessation_instead_of_doubling_it():
    ceased_on = date(2025, 11, 3)
    ceased = change("c1", ceased_on, "CEASED", "ASSESSMENT")
    in_force = event(SenAssessmentOutcome, "o0", date(2023, 3, 1), decision_date=date(2023, 3, 1),
                     outcome=SenOutcome.EHC_PLAN_ISSUED,
                     services=("ASSESSMENT",))
    _, emitted = run(ceased, in_force)
    final = latest(emitted)
    counted = [e for e in final.values() if e.counted_as_additional]
    assert len(counted) == 1
    assert (counted[0].start_date, counted[0].end_date) == (date(2023, 3, 1), ceased_on)
    assert counted[0].start_basis is StartBasis.REFERRAL
    [gone] = [e for e in final.values() if not e.counted_as_additional]
    assert gone.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE


def test_a_ceased_statement_closes_every_episode_as_a_new_version():
    ceased = change("c1", date(2026, 1, 9), "CEASED")
    state, emitted = run(issued("ASSESSMENT", "EDUCATIONAL_WELFARE"), ceased)
    closed = [e for e in emitted if e.version == 2]
    assert len(closed) == 2 and all(e.end_date == date(2026, 1, 9) for e in closed)
    assert {e.episode_id for e in closed} == {e.episode_id for e in emitted if e.version == 1}
    assert not any(e.is_open for e in state.open)  # kept in full, ended


def test_transferred_out_closes_too_and_a_late_outcome_does_not_reopen():
    state, _ = run(issued("ASSESSMENT"), change("c1", date(2025, 9, 1), "TRANSFERRED_OUT"))
    assert run(issued("ASSESSMENT"), state=state)[1] == []


def test_an_amendment_closes_dropped_sub_types_and_opens_new_ones():
    amended = change("a1", date(2025, 10, 1), "AMENDED", "EDUCATIONAL_WELFARE")
    _, emitted = run(issued("ASSESSMENT"), amended)
    final = {e.subtype: e for e in latest(emitted).values()}
    assert final["ASSESSMENT"].end_date == date(2025, 10, 1)
    assert final["EDUCATIONAL_WELFARE"].is_open
    assert final["EDUCATIONAL_WELFARE"].referral_date == date(2025, 10, 1)


def test_a_delivery_of_the_same_sub_type_is_the_first_delivery():
    visit = session("s1", date(2025, 7, 1), service="SEN", subtype="ASSESSMENT")
    _, emitted = run(issued("ASSESSMENT", "EDUCATIONAL_WELFARE"), visit)
    final = {e.subtype: e for e in latest(emitted).values() if e.source_kind == "SEN_STATEMENT"}
    assert final["ASSESSMENT"].first_delivery_date == date(2025, 7, 1)
    assert final["EDUCATIONAL_WELFARE"].first_delivery_date is None


def test_a_second_statement_does_not_open_a_sub_type_twice():
    again = event(
        SenAssessmentOutcome,
        "o2",
        date(2025, 9, 1),
        decision_date=date(2025, 9, 1),
        outcome="STATEMENT_ISSUED",
        services=("ASSESSMENT", "EDUCATIONAL_WELFARE"),
    )
    _, emitted = run(issued("ASSESSMENT"), again)
    assert sorted(e.subtype for e in emitted) == ["ASSESSMENT", "EDUCATIONAL_WELFARE"]
