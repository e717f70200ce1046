"""ChildReset: the child processor forgets what events taught it and keeps what staff did.

After a reset the resolver re-sends the child's events; applying them again must give the
same flags and status, keep every task where staff left it (no second version), and never
answer Education twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.child.reset import adopt_task
from hub.domain.child.state import ChildState
from hub.domain.events.csc import CscChange
from hub.domain.events.education import ExclusionType, SenOutcome
from hub.domain.events.youth_justice import YotReferralKind
from hub.domain.outputs import (
    ChildReset,
    ContactRecordCreated,
    ContactWithdrawn,
    FlagCleared,
    FlagRaised,
    PossibleMatchRaised,
    ReviewPossibleMatch,
    SenExchangeReplied,
    SplitChild,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.codes import ContactWithdrawReason, FlagClearReason, TaskStatus, TaskType
from hub.domain.outputs.reset import reset_id_for
from tests.unit.domain.builders import (
    caf,
    caf_closed,
    claim,
    complete,
    csc,
    decide,
    exclusion,
    payment,
    sen_outcome,
    sen_request,
    yot,
    yot_closed,
)
from tests.unit.domain.factories import CHILD, of_type, run

AT = datetime(2026, 2, 2, 10, tzinfo=UTC)
SURVIVOR = "child-2"
EVENTS = [
    csc("csc-open", CscChange.REFERRAL_OPENED),
    yot(),
    sen_request(invites_csc=True),
    exclusion(),
    caf(),
]


def reset_of(child_key: str = CHILD, into: str | None = None, decision: str = "ID-1"
             ) -> ChildReset:
    return ChildReset(reset_id=reset_id_for(decision, child_key), child_key=child_key,
                      reason="identity review: MERGE", into_key=into, decision_id=decision, at=AT)


def flags_of(state: ChildState) -> list[tuple[Any, ...]]:
    return [(f.flag, f.raised_by_event_id, f.refs, f.expires_on) for f in state.flags]


def decisions(state: ChildState) -> list[tuple[str, Any]]:
    return [(r.request_record_id, r.participation) for r in state.sen.requests]


def task_of(state: ChildState, kind: TaskType) -> TaskChanged:
    return next(t for t in state.tasks if t.task_type is kind)


def worked_on() -> ChildState:
    """A known child with flags and tasks: one claimed, the SEN one decided (so DONE)."""
    state, _ = run(*EVENTS)
    liaison = task_of(state, TaskType.YOUTH_JUSTICE_LIAISON)
    state, _ = run(claim(liaison.task_id), decide(will=True), state=state)
    return state


def test_a_reset_clears_every_flag_as_identity_changed():
    state = worked_on()
    assert len(state.flags) >= 3
    after, (outputs,) = run(reset_of(), state=state)
    cleared = of_type(outputs, FlagCleared)
    assert [(c.flag_id, c.flag) for c in cleared] == [(f.flag_id, f.flag) for f in state.flags]
    assert {c.reason for c in cleared} == {FlagClearReason.IDENTITY_CHANGED}
    assert {(c.cleared_by_event_id, c.cleared_on, c.child_key) for c in cleared} == {
        ("ID-1", AT.date(), CHILD)}
    assert len(outputs) == len(cleared)  # nothing else: the tasks stay as they are
    assert (after.flags, after.episodes, after.recent, after.known_to_csc) == ((), (), (), False)
    assert not any(i.startswith("event:") for i in after.processed)


def test_staff_facts_survive_a_reset():
    state = worked_on()
    after, _ = run(reset_of(), state=state)
    assert after.tasks == state.tasks
    assert after.sen.requests == state.sen.requests
    assert task_of(after, TaskType.YOUTH_JUSTICE_LIAISON).status is TaskStatus.CLAIMED
    assert task_of(after, TaskType.SEN_PARTICIPATION).status is TaskStatus.DONE


def test_the_same_events_again_rebuild_the_same_child_without_new_task_versions():
    state = worked_on()
    after, _ = run(reset_of(), state=state)
    again, produced = run(*EVENTS, state=after)
    outputs = [o for batch in produced for o in batch]
    assert flags_of(again) == flags_of(state)
    assert {f.flag_id for f in again.flags}.isdisjoint({f.flag_id for f in state.flags})
    assert (again.status, again.known_to_csc, again.episodes) == (
        state.status, state.known_to_csc, state.episodes)
    assert again.tasks == state.tasks
    assert of_type(outputs, TaskChanged) == []  # no duplicate task versions
    assert of_type(outputs, SenExchangeReplied) == []  # Education was answered once already
    assert of_type(outputs, TimelineEntry) == list(state.recent)
    assert len(of_type(outputs, FlagRaised)) == len(state.flags)


def test_staff_can_go_on_working_after_a_reset():
    state = worked_on()
    liaison = task_of(state, TaskType.YOUTH_JUSTICE_LIAISON)
    after, _ = run(reset_of(), *EVENTS, state=state)
    _, ((done,),) = run(complete(liaison.task_id), state=after)
    assert (done.status, done.version) == (TaskStatus.DONE, liaison.version + 1)


def test_a_redelivered_reset_changes_nothing():
    state = worked_on()
    after, _ = run(reset_of(), *EVENTS, state=state)
    again, (outputs,) = run(reset_of(), state=after)
    assert outputs == () and again == after


def test_a_retired_child_moves_its_open_tasks_to_the_survivor():
    state = worked_on()
    after, (outputs,) = run(reset_of(into=SURVIVOR), state=state)
    moved = of_type(outputs, TaskChanged)
    still_open = [t for t in state.tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]
    assert [t.task_id for t in moved] == [t.task_id for t in still_open] and moved
    for before, now in zip(still_open, moved, strict=True):
        assert now.child_key == SURVIVOR and now.version == before.version + 1
        assert (now.status, now.assignee, now.title) == (before.status, before.assignee,
                                                         before.title)
        assert now.changed_at == AT
    assert after.merged_into == SURVIVOR
    assert [t.task_id for t in after.tasks] == [
        t.task_id for t in state.tasks if t not in still_open]
    assert len(of_type(outputs, FlagCleared)) == len(state.flags)


def review(same_child: bool = True, command_id: str = "r1") -> ReviewPossibleMatch:
    return ReviewPossibleMatch(command_id=command_id, child_key=CHILD, candidate_key=SURVIVOR,
                               same_child=same_child, by="ann", decided_at=AT)


def test_identity_commands_change_nothing_else_in_the_child_processor():
    state = worked_on()
    split = SplitChild(command_id="s1", child_key=CHILD, record_ids=("a:1",), by="ann",
                       reason="twins", decided_at=AT)
    after, outputs = run(review(), split, state=state)
    assert outputs == [(), ()]  # no review task here: nothing to close
    assert after.tasks == state.tasks and after.flags == state.flags


def test_the_reviewers_answer_closes_the_review_task():
    raised = PossibleMatchRaised(command_id="pm-1", child_key=CHILD, candidate_key=SURVIVOR,
                                 score=9.5, record_ref="yot:9", raised_at=AT)
    state, ((task,),) = run(raised)
    state, ((done,), again) = run(review(same_child=False), review(command_id="r2"), state=state)
    assert (done.task_id, done.status, done.version) == (task.task_id, TaskStatus.DONE, 2)
    assert (done.resolution, done.changed_by) == ("Not the same child", "ann")
    assert again == ()  # already done: no second answer, no rejection


def test_each_conflicting_record_raises_its_own_review_and_one_answer_closes_them():
    """A record linked despite a conflicting identifier: the task names the child twice, one
    per record (a later conflict is reviewed after an earlier one was answered)."""
    def raised(ref: str) -> PossibleMatchRaised:
        return PossibleMatchRaised(command_id=f"pm-{ref}", child_key=CHILD, candidate_key=CHILD,
                                   score=9.5, record_ref=ref, raised_at=AT)

    answer = ReviewPossibleMatch(command_id="r1", child_key=CHILD, candidate_key=CHILD,
                                 same_child=False, by="ann", decided_at=AT)
    state, ((one,), (two,)) = run(raised("edu:1"), raised("edu:2"))
    assert one.task_id != two.task_id and one.related_child_key == CHILD
    state, (closed,) = run(answer, state=state)
    assert {t.task_id for t in closed} == {one.task_id, two.task_id}
    assert {(t.status, t.resolution) for t in closed} == {
        (TaskStatus.DONE, "Not the same child: split out")}
    state, ((three,),) = run(raised("edu:3"), state=state)
    assert three.status is TaskStatus.OPEN  # a later conflict: a new review


def test_the_survivor_adopts_a_moved_task_so_staff_can_go_on():
    state = worked_on()
    _, (outputs,) = run(reset_of(into=SURVIVOR), state=state)
    moved = of_type(outputs, TaskChanged)
    survivor, _ = run(*EVENTS, child_key=SURVIVOR)  # re-sent events re-raise the same ids
    for task in moved:
        survivor = adopt_task(survivor, task, SURVIVOR)
        assert survivor.task(task.task_id) == task
        assert adopt_task(survivor, task, SURVIVOR) == survivor  # its own echo: nothing
    claimed = next(t for t in moved if t.status is TaskStatus.CLAIMED)
    _, ((done,),) = run(complete(claimed.task_id), state=survivor, child_key=SURVIVOR)
    assert (done.status, done.version, done.child_key) == (
        TaskStatus.DONE, claimed.version + 1, SURVIVOR)
    assert adopt_task(survivor, moved[0], "child-9") == survivor  # another child's: ignored


DAY = date(2026, 1, 12)
_MAKERS = [
    lambda i: csc(f"csc{i}", CscChange.REFERRAL_OPENED, episode=f"ep{i % 2}"),
    lambda i: csc(f"csc{i}", CscChange.REFERRAL_CLOSED, episode=f"ep{i % 2}"),
    lambda i: yot(f"yot{i}", case=f"Y{i % 2}"),
    lambda i: yot(f"yot{i}", case=f"Y{i % 2}", kind=YotReferralKind.YISP),
    lambda i: yot_closed(f"yotc{i}", case=f"Y{i % 2}"),
    lambda i: sen_request(f"sen{i}", record=f"SEN-{i % 2}", invites_csc=True),
    lambda i: sen_outcome(f"seno{i}", request=f"SEN-{i % 2}", outcome=SenOutcome.NO_STATEMENT),
    lambda i: exclusion(f"ex{i}", kind=ExclusionType.FIXED_TERM, days=2.0,
                        start=DAY + timedelta(days=3 * i)),
    lambda i: exclusion(f"ex{i}"),
    lambda i: caf(f"caf{i}", caf_id=f"CAF-{i % 2}"),
    lambda i: caf_closed(f"cafc{i}", caf_id=f"CAF-{i % 2}"),
    lambda i: payment(f"pay{i}"),
]
histories = st.lists(st.integers(0, len(_MAKERS) - 1), min_size=1, max_size=14).map(
    lambda picks: [_MAKERS[k](i) for i, k in enumerate(picks)])


@settings(max_examples=150)
@given(events=histories, claim_first=st.booleans())
def test_reset_then_the_same_events_is_the_same_child(events, claim_first):
    state, _ = run(*events)
    if claim_first and state.tasks:
        state, _ = run(claim(state.tasks[0].task_id), state=state)
    after, _ = run(reset_of(), state=state)
    again, produced = run(*events, state=after)
    assert flags_of(again) == flags_of(state)
    assert (again.status, again.known_to_csc, again.contact_open, again.episodes,
            again.closed_episodes, again.recent) == (
        state.status, state.known_to_csc, state.contact_open, state.episodes,
        state.closed_episodes, state.recent)
    # SEN requests are kept through the reset (their participation is a staff decision), so an
    # outcome re-sent before its request may now find it: only the decisions must be equal.
    assert decisions(again) == decisions(state)
    assert again.sen.statement_active == state.sen.statement_active
    assert again.tasks == state.tasks
    assert not [o for batch in produced for o in batch if isinstance(o, TaskChanged)]


def test_a_reset_withdraws_the_contact_and_the_events_make_it_again_under_a_new_id():
    state, (first,) = run(yot())  # a child CSC does not know: the referral is a Contact
    (made,) = of_type(first, ContactRecordCreated)
    after, (outputs,) = run(reset_of(), state=state)
    (withdrawn,) = of_type(outputs, ContactWithdrawn)
    assert (withdrawn.contact_id, withdrawn.child_key, withdrawn.contact_type,
            withdrawn.source_event_id) == (made.contact_id, CHILD, made.contact_type,
                                           made.source_event_id)
    assert (withdrawn.reason, withdrawn.withdrawn_by_event_id, withdrawn.withdrawn_on) == (
        ContactWithdrawReason.IDENTITY_CHANGED, "ID-1", AT.date())
    assert after.contact is None and not after.contact_open
    _, (remade,) = run(yot(), state=after)
    (again,) = of_type(remade, ContactRecordCreated)
    assert again.source_event_id == made.source_event_id and again.contact_id != made.contact_id


def test_a_merged_away_contact_is_withdrawn_where_the_survivor_is_known_to_csc():
    """The notification made a Contact on a provisional child; the review merges it into a
    child with an open CSC case, where the same notification raises a flag instead."""
    provisional, _ = run(yot(), child_key="child-9")
    _, (outputs,) = run(reset_of("child-9", into=SURVIVOR), state=provisional, child_key="child-9")
    assert [w.reason for w in of_type(outputs, ContactWithdrawn)] == [
        ContactWithdrawReason.IDENTITY_CHANGED]
    survivor, _ = run(csc("csc-open", CscChange.REFERRAL_OPENED), child_key=SURVIVOR)
    survivor, (_, *produced) = run(reset_of(SURVIVOR), csc("csc-open", CscChange.REFERRAL_OPENED),
                                   yot(), state=survivor, child_key=SURVIVOR)
    outputs = [o for batch in produced for o in batch]
    assert of_type(outputs, ContactRecordCreated) == []
    assert of_type(outputs, FlagRaised)
