"""CSC's side of the SEN exchange with Education (report p.34, steps 1-10).

1-2  SenAssessmentRequested: the inquiry is recorded (a Contact or a flag: notifications) and
     a task asks SEN Liaison to decide on taking part (tasks).
3a   The hub replies at once: was the child known to CSC, and their CSC status now.
3b   RecordSenParticipation (a person's decision) -> SenParticipationDecided; the task is DONE.
4    Education records the reply (their side).
5-6  SenAssessmentOutcome is recorded: the request's outcome, the statement if issued.
7-8  SenStatementChanged is recorded: the statement is active until CEASED or TRANSFERRED_OUT.
9    A change of the derived CSC status while a request or statement is active ->
     CscStatusRelayed, only when the status really changed.
10   Education records it (their side).
A new version of a request already answered is absorbed: Education gets one reply per request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.child.context import Context, Outputs
from hub.domain.child.disclosure import Shared
from hub.domain.child.state import MAX_SEN_REQUESTS, ChildState, SenRequest, SenState
from hub.domain.commands import RecordSenParticipation
from hub.domain.event_facts import envelope_of
from hub.domain.events import (
    CscStatusChanged,
    Event,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
)
from hub.domain.events.education import SenOutcome, SenStatementChange
from hub.domain.outputs.base import output_id
from hub.domain.outputs.codes import Participation, RejectionCode
from hub.domain.outputs.sen import CscStatusRelayed, SenExchangeReplied, SenParticipationDecided

Result = tuple[ChildState, Outputs]
_DECIDED = frozenset({Participation.WILL_PARTICIPATE, Participation.WILL_NOT_PARTICIPATE})
_ANSWER = {True: Participation.WILL_PARTICIPATE, False: Participation.WILL_NOT_PARTICIPATE}
_ENDS_STATEMENT = frozenset({SenStatementChange.CEASED, SenStatementChange.TRANSFERRED_OUT})


def on_event(state: ChildState, shared: Shared, ctx: Context) -> Result:
    handler = _HANDLERS.get(type(shared.event))
    return handler(state, shared.event, ctx) if handler else (state, ())


def request(sen: SenState, request_record_id: str | None) -> SenRequest | None:
    """The named request; without a name, the latest one still awaiting its outcome."""
    if request_record_id is not None:
        return next((r for r in sen.requests if r.request_record_id == request_record_id), None)
    return next((r for r in reversed(sen.requests) if r.outcome is None), None)


def _requested(state: ChildState, event: SenAssessmentRequested, ctx: Context) -> Result:
    envelope = envelope_of(event)
    if request(state.sen, envelope.source_record_id) is not None:
        return state, ()
    invited = Participation.PENDING if event.invites_csc else Participation.NOT_INVITED
    new = SenRequest(request_record_id=envelope.source_record_id, event_id=envelope.event_id,
                     participation=invited)
    reply = SenExchangeReplied(
        reply_id=output_id("sen-reply", envelope.event_id),
        request_record_id=envelope.source_record_id, in_reply_to_event_id=envelope.event_id,
        child_key=ctx.child_key, known_to_csc=ctx.before.known_to_csc, csc_status=state.status,
        participation=invited, replied_at=ctx.now, consent=envelope.consent,
    )
    return _with_request(state, new), (reply,)


def _outcome(state: ChildState, event: SenAssessmentOutcome, ctx: Context) -> Result:
    found = request(state.sen, event.request_record_id)
    if found is not None:
        state = _with_request(state, found.model_copy(update={"outcome": event.outcome}))
    if event.outcome is not SenOutcome.STATEMENT_ISSUED:
        return state, ()
    source = found.request_record_id if found else event.request_record_id
    sen = state.sen.model_copy(update={"statement_active": True, "statement_request_id": source})
    return state.evolve(sen=sen), ()


def _statement(state: ChildState, event: SenStatementChanged, ctx: Context) -> Result:
    active = event.change not in _ENDS_STATEMENT
    return state.evolve(sen=state.sen.model_copy(update={"statement_active": active})), ()


def _relay(state: ChildState, event: CscStatusChanged, ctx: Context) -> Result:
    pending = [r for r in state.sen.requests if r.outcome is None]
    if state.status is ctx.before.status or not (pending or state.sen.statement_active):
        return state, ()
    envelope = envelope_of(event)
    relay = CscStatusRelayed(
        relay_id=output_id("csc-relay", envelope.event_id), child_key=ctx.child_key,
        request_record_id=pending[-1].request_record_id if pending
        else state.sen.statement_request_id,
        csc_status=state.status, effective_date=event.effective_date,
        source_event_id=envelope.event_id, consent=envelope.consent,
    )
    return state, (relay,)


def decide(
    state: ChildState, command: RecordSenParticipation, ctx: Context
) -> tuple[ChildState, SenParticipationDecided] | RejectionCode:
    """Step 3b. Unknown requests and second decisions are rejected, not applied."""
    found = request(state.sen, command.request_record_id)
    if found is None:
        return RejectionCode.UNKNOWN_REQUEST
    if found.participation in _DECIDED:
        return RejectionCode.ALREADY_DECIDED
    answer = _ANSWER[command.will_participate]
    decided = SenParticipationDecided(
        decision_id=output_id("sen-decision", command.command_id), command_id=command.command_id,
        request_record_id=found.request_record_id, child_key=ctx.child_key,
        will_participate=command.will_participate, decided_by=command.by,
        decided_at=command.decided_at,
    )
    return _with_request(state, found.model_copy(update={"participation": answer})), decided


def _with_request(state: ChildState, updated: SenRequest) -> ChildState:
    """Replace the request in place, or append it (the oldest beyond the bound is dropped)."""
    ids = [r.request_record_id for r in state.sen.requests]
    if updated.request_record_id in ids:
        at = ids.index(updated.request_record_id)
        requests = (*state.sen.requests[:at], updated, *state.sen.requests[at + 1:])
    else:
        requests = (*state.sen.requests, updated)[-MAX_SEN_REQUESTS:]
    return state.evolve(sen=state.sen.model_copy(update={"requests": requests}))


_HANDLERS: dict[type[Event], Callable[[ChildState, Any, Context], Result]] = {
    SenAssessmentRequested: _requested,
    SenAssessmentOutcome: _outcome,
    SenStatementChanged: _statement,
    CscStatusChanged: _relay,
}
