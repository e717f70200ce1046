"""Key notifications: a Contact for a child CSC does not know, flags for one it knows."""

from __future__ import annotations

from datetime import date

import pytest

from hub.domain.events.csc import CscChange
from hub.domain.events.early_help import CafClosureReason
from hub.domain.events.education import ExclusionType, SenOutcome, SenStatementChange
from hub.domain.events.finance import PaymentKind
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs import ContactRecordCreated, FlagCleared, FlagRaised, TimelineEntry
from hub.domain.outputs.codes import ContactType, CscStatus, FlagClearReason, FlagCode
from tests.unit.domain.builders import (
    caf,
    caf_closed,
    csc,
    exclusion,
    panel,
    payment,
    register,
    sen_outcome,
    sen_request,
    service_use,
    statement,
    yot,
    yot_closed,
)
from tests.unit.domain.factories import CHILD, of_type, on, run

KNOWN = csc("csc-open", CscChange.REFERRAL_OPENED)


@pytest.mark.parametrize(
    ("notification", "contact_type", "flag"),
    [
        (sen_request(), ContactType.SEN_INQUIRY, FlagCode.SEN_ASSESSMENT_IN_PROGRESS),
        (yot(), ContactType.YOT_REFERRAL, FlagCode.YOUTH_JUSTICE_CASE),
        (yot(kind=YotReferralKind.YISP), ContactType.YOT_REFERRAL, FlagCode.YISP_CASE),
        (caf(), ContactType.CAF, FlagCode.CAF_OPEN),
        (exclusion(), ContactType.SCHOOL_EXCLUSION, FlagCode.PERMANENTLY_EXCLUDED),
        (exclusion(kind=ExclusionType.FIXED_TERM, days=3), ContactType.SCHOOL_EXCLUSION,
         FlagCode.EXCLUDED_FROM_SCHOOL),
        (register(), ContactType.DISABLED_REGISTER, FlagCode.DISABLED_REGISTER),
        (panel(), ContactType.RESOURCE_PANEL, FlagCode.PANEL_PACKAGE),
        (payment(), ContactType.PAYMENT, FlagCode.SECTION_17_SUPPORT),
    ],
)
def test_contact_when_unknown_flag_when_known(notification, contact_type, flag):
    unknown, (outputs,) = run(notification)
    [contact] = of_type(outputs, ContactRecordCreated)
    assert contact.contact_type is contact_type and contact.child_key == CHILD
    assert not of_type(outputs, FlagRaised)
    assert unknown.status is CscStatus.CONTACT

    _, (_, outputs) = run(KNOWN, notification)
    [raised] = of_type(outputs, FlagRaised)
    assert raised.flag is flag and not of_type(outputs, ContactRecordCreated)


def test_contact_id_is_deterministic_and_summary_has_no_personal_data():
    _, (first,) = run(sen_request())
    _, (again,) = run(sen_request())
    [contact] = of_type(first, ContactRecordCreated)
    assert contact == of_type(again, ContactRecordCreated)[0]
    assert contact.summary == "SEN assessment requested by SCHOOL"
    dumped = contact.model_dump_json()
    assert "Amelia" not in dumped and "T938203512014" not in dumped


def test_a_contact_then_flags_for_the_same_child():
    _, (first, second, third) = run(sen_request(), yot(), caf())
    assert of_type(first, ContactRecordCreated)
    assert [f.flag for f in of_type(second, FlagRaised)] == [FlagCode.YOUTH_JUSTICE_CASE]
    assert [f.flag for f in of_type(third, FlagRaised)] == [FlagCode.CAF_OPEN]
    assert not of_type(second + third, ContactRecordCreated)


def test_a_flag_already_raised_is_not_raised_again():
    state, (_, first, again) = run(KNOWN, register("r1"), register("r2"))
    assert len(of_type(first, FlagRaised)) == 1 and not of_type(again, FlagRaised)
    assert [f.flag for f in state.flags] == [FlagCode.DISABLED_REGISTER]


def test_sen_outcome_clears_assessment_and_raises_statement_then_ceased_clears_it():
    _, (_, requested, outcome, ceased) = run(
        KNOWN, sen_request(), sen_outcome(), statement("st", SenStatementChange.CEASED))
    [in_progress] = of_type(requested, FlagRaised)
    [cleared] = of_type(outcome, FlagCleared)
    assert cleared.flag_id == in_progress.flag_id and cleared.reason is FlagClearReason.RESOLVED
    assert [f.flag for f in of_type(outcome, FlagRaised)] == [FlagCode.SEN_STATEMENT]
    assert [f.flag for f in of_type(ceased, FlagCleared)] == [FlagCode.SEN_STATEMENT]


def test_no_statement_outcome_only_clears():
    state, (*_, outcome) = run(KNOWN, sen_request(), sen_outcome(outcome=SenOutcome.NO_STATEMENT))
    assert not of_type(outcome, FlagRaised) and state.flags == ()


def test_yot_flag_clears_with_the_last_open_case():
    state, (*_, first_closed, last_closed) = run(
        KNOWN, yot("y1", case="A"), yot("y2", case="B"), yot_closed("c1", case="A"),
        yot_closed("c2", case="B"))
    assert not of_type(first_closed, FlagCleared)
    assert [f.flag for f in of_type(last_closed, FlagCleared)] == [FlagCode.YOUTH_JUSTICE_CASE]
    assert state.flags == ()


def test_caf_closed_clears_caf_open():
    _, (*_, closed) = run(KNOWN, caf(), caf_closed(reason=CafClosureReason.NEEDS_MET))
    assert [f.flag for f in of_type(closed, FlagCleared)] == [FlagCode.CAF_OPEN]


def test_fixed_term_exclusion_expires_after_its_days():
    friday = date(2026, 1, 16)
    state, (_, excluded) = run(KNOWN, exclusion(kind=ExclusionType.FIXED_TERM, days=3,
                                                start=friday, at=on(friday)))
    [raised] = of_type(excluded, FlagRaised)
    assert raised.expires_on == date(2026, 1, 20)  # Friday, Monday, Tuesday
    state, (still,) = run(service_use("u1", at=on(date(2026, 1, 20))), state=state)
    assert not of_type(still, FlagCleared)
    state, (later,) = run(service_use("u2", at=on(date(2026, 1, 21))), state=state)
    [cleared] = of_type(later, FlagCleared)
    assert cleared.reason is FlagClearReason.EXPIRED and cleared.cleared_on == date(2026, 1, 20)
    assert state.flags == ()


def test_a_flag_reported_after_it_lapsed_is_not_raised():
    _, (_, late) = run(KNOWN, payment(end=date(2025, 12, 31)))
    assert not of_type(late, FlagRaised) and of_type(late, TimelineEntry)


def test_payment_kinds_raise_their_flags():
    _, (_, paid) = run(KNOWN, payment(kind=PaymentKind.SHORT_BREAK_V4))
    assert [f.flag for f in of_type(paid, FlagRaised)] == [FlagCode.SHORT_BREAKS]


@pytest.mark.parametrize("event", [service_use(), csc("c", CscChange.REFERRAL_OPENED)])
def test_no_contact_for_service_use_or_csc_events(event):
    _, (outputs,) = run(event)
    assert not of_type(outputs, ContactRecordCreated) and not of_type(outputs, FlagRaised)
    assert of_type(outputs, TimelineEntry)
