"""The SEN exchange (report p.34), steps 1-10 in order, as CSC's side of it sees them."""

from __future__ import annotations

from hub.domain.events.csc import CscChange
from hub.domain.events.education import SenOutcome, SenStatementChange
from hub.domain.outputs import (
    CommandRejected,
    ContactRecordCreated,
    CscStatusRelayed,
    FlagRaised,
    SenExchangeReplied,
    SenParticipationDecided,
    TaskChanged,
)
from hub.domain.outputs.codes import (
    CscStatus,
    FlagCode,
    Participation,
    RejectionCode,
    TaskStatus,
    TaskType,
)
from tests.unit.domain.builders import cancel, csc, decide, sen_outcome, sen_request, statement
from tests.unit.domain.factories import CHILD, NOW, of_type, run


def test_the_exchange_for_a_child_not_known_to_csc_in_order():
    state, (requested, decided, outcome, _, csc_change) = run(
        sen_request(), decide(), sen_outcome(), statement("st", SenStatementChange.CEASED),
        csc("c1", CscChange.REFERRAL_OPENED))
    # steps 1-3a: the inquiry becomes a Contact; the reply says unknown, now a contact, pending
    assert of_type(requested, ContactRecordCreated)
    [reply] = of_type(requested, SenExchangeReplied)
    assert (reply.request_record_id, reply.known_to_csc, reply.csc_status, reply.participation) == (
        "SEN-REQ-1", False, CscStatus.CONTACT, Participation.PENDING)
    assert reply.replied_at == NOW and reply.child_key == CHILD
    # step 3b: the decision, and the SEN Liaison task is done by the same person
    [decision] = of_type(decided, SenParticipationDecided)
    [done] = of_type(decided, TaskChanged)
    assert decision.will_participate and decision.decided_by == "sam"
    assert (done.task_type, done.status, done.version, done.changed_by) == (
        TaskType.SEN_PARTICIPATION, TaskStatus.DONE, 2, "sam")
    # steps 5-8: outcome and statement changes are recorded (the child has a contact: flags)
    assert [f.flag for f in of_type(outcome, FlagRaised)] == [FlagCode.SEN_STATEMENT]
    assert not state.sen.statement_active
    assert state.sen.requests[0].outcome is SenOutcome.STATEMENT_ISSUED
    # step 9: nothing active any more, so no relay
    assert not of_type(csc_change, CscStatusRelayed)


def test_reply_for_a_known_child_carries_the_current_status():
    _, (*_, requested) = run(csc("c1", CscChange.REFERRAL_OPENED),
                             csc("c2", CscChange.CP_PLAN_STARTED), sen_request())
    [reply] = of_type(requested, SenExchangeReplied)
    assert reply.known_to_csc and reply.csc_status is CscStatus.CP_PLAN
    assert not of_type(requested, ContactRecordCreated)


def test_request_that_does_not_invite_csc_still_gets_a_reply():
    _, ((*outputs,),) = run(sen_request(invites_csc=False))
    [reply] = of_type(outputs, SenExchangeReplied)
    assert reply.participation is Participation.NOT_INVITED


def test_status_changes_are_relayed_only_when_the_status_changes():
    _, (_, opened, assessed, planned, closed) = run(
        sen_request(), csc("c1", CscChange.REFERRAL_OPENED),
        csc("c2", CscChange.ASSESSMENT_STARTED), csc("c3", CscChange.CIN_PLAN_STARTED),
        csc("c4", CscChange.REFERRAL_CLOSED))
    relayed = [of_type(o, CscStatusRelayed) for o in (opened, assessed, planned, closed)]
    assert [[r.csc_status for r in rs] for rs in relayed] == [
        [CscStatus.OPEN_REFERRAL], [], [CscStatus.CIN_PLAN], [CscStatus.CLOSED]]
    assert relayed[0][0].request_record_id == "SEN-REQ-1"
    assert relayed[0][0].source_event_id == "c1"


def test_relay_while_a_statement_is_active_names_its_request():
    _, (*_, changed) = run(sen_request(), sen_outcome(),
                           csc("c1", CscChange.LOOKED_AFTER_STARTED))
    [relay] = of_type(changed, CscStatusRelayed)
    assert relay.csc_status is CscStatus.LOOKED_AFTER and relay.request_record_id == "SEN-REQ-1"


def test_outcome_without_a_request_reference_matches_the_pending_request():
    state, _ = run(sen_request(), sen_outcome(request=None, outcome=SenOutcome.NO_STATEMENT))
    assert state.sen.requests[0].outcome is SenOutcome.NO_STATEMENT


def test_unknown_or_second_decisions_are_rejected():
    _, (_, _, again, unknown) = run(sen_request(), decide(), decide(False, command_id="d2"),
                                    decide(request="SEN-REQ-9", command_id="d3"))
    assert [r.reason_code for r in of_type(again + unknown, CommandRejected)] == [
        RejectionCode.ALREADY_DECIDED, RejectionCode.UNKNOWN_REQUEST]


def test_a_new_version_of_an_answered_request_gets_no_second_reply():
    _, (_, second) = run(sen_request("v1"), sen_request("v2"))
    assert not of_type(second, SenExchangeReplied)


def test_decision_after_the_task_was_cancelled_by_hand_leaves_it_cancelled():
    state, (outputs,) = run(sen_request())
    task = next(t for t in of_type(outputs, TaskChanged)
                if t.task_type is TaskType.SEN_PARTICIPATION)
    state, (_, decided) = run(cancel(task.task_id), decide(), state=state)
    assert of_type(decided, SenParticipationDecided) and not of_type(decided, TaskChanged)
