"""SEN statements -> SEN episodes per sub-type, closed by CEASED or TRANSFERRED_OUT."""

from __future__ import annotations

from datetime import date

from hub.domain.episodes.model import StartBasis
from hub.domain.events import SenAssessmentOutcome, SenStatementChanged
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


def test_no_statement_opens_nothing():
    outcome = event(
        SenAssessmentOutcome, "o1", ISSUED, decision_date=ISSUED, outcome="NO_STATEMENT"
    )
    assert run(outcome)[1] == []


def test_a_ceased_statement_closes_every_episode_as_a_new_version():
    ceased = change("c1", date(2026, 1, 9), "CEASED")
    state, emitted = run(issued("ASSESSMENT", "EDUCATIONAL_WELFARE"), ceased)
    closed = [e for e in emitted if e.version == 2]
    assert len(closed) == 2 and all(e.end_date == date(2026, 1, 9) for e in closed)
    assert {e.episode_id for e in closed} == {e.episode_id for e in emitted if e.version == 1}
    assert state.open == ()


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
