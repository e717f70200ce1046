"""A reviewer's answers carried out by the resolver: merge, not the same child, split back.

Every answer is a decision record; replaying the log (the resolver's start-up) rebuilds the
same state, so what a reviewer did survives a restart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.domain.identity import PersonRecord, ReviewRejected, resolve
from hub.domain.identity.resolution import Resolution, decision_record, identity_event
from hub.domain.outputs import ChildReset, ReviewPossibleMatch, SplitChild
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from tests.unit.domain.identity.test_identity_events import RECORDS, rec

AT = datetime(2026, 2, 2, 10, tzinfo=UTC)
AMELIA, PROVISIONAL = "CH-6c92a9e9950c", "CH-ff2901d47c78"  # record 4 may be Amelia (1, 2)


def resolved(
    records: list[PersonRecord] = RECORDS,
) -> tuple[Resolution, list[IdentityDecisionMade]]:
    resolution, log = Resolution(), []
    for record in records:
        resolution.state, decision = resolve(resolution.state, record)
        log.append(decision_record(decision, f"evt-{record.record_id}"))
    return resolution, log


def same(command_id: str = "cmd-1", same_child: bool = True, **changes: object
         ) -> ReviewPossibleMatch:
    values: dict = {"command_id": command_id, "child_key": PROVISIONAL, "candidate_key": AMELIA,
                    "same_child": same_child, "by": "worker-7", "decided_at": AT}
    return ReviewPossibleMatch(**(values | changes))


def split(record_ids: tuple[str, ...], child_key: str = AMELIA, command_id: str = "cmd-2"
          ) -> SplitChild:
    return SplitChild(command_id=command_id, child_key=child_key, record_ids=record_ids,
                      by="worker-9", reason="twins after all", decided_at=AT)


def rebuilt(log: list[IdentityDecisionMade]) -> Resolution:
    fresh = Resolution()
    fresh.rebuild(log)
    return fresh


def test_same_child_merges_the_provisional_key_into_the_candidate():
    resolution, _ = resolved()
    result = resolution.review(same(), AT)
    [merge] = result.decisions
    assert merge.kind is IdentityDecisionKind.MERGE
    assert (merge.child_key, merge.candidate_key, merge.record_ids) == (AMELIA, PROVISIONAL, ("4",))
    assert merge.source_event_id == "cmd-1" and "worker-7" in (merge.reason or "")
    assert result.affected == (PROVISIONAL, AMELIA)
    assert result.retired == {PROVISIONAL: AMELIA}
    assert result.records_of == {AMELIA: ("1", "2", "4")}
    assert resolution.record_child("4") == AMELIA and resolution.state.reviews == {}
    assert resolution.current_key(PROVISIONAL) == AMELIA


def test_decision_ids_are_deterministic_from_the_command():
    first, _ = resolved()
    second, _ = resolved()
    decisions = first.review(same(), AT).decisions
    assert decisions == second.review(same(), AT).decisions
    other, _ = resolved()
    assert other.review(same("cmd-x"), AT).decisions[0].decision_id != decisions[0].decision_id


def test_resets_follow_the_affected_keys():
    resolution, _ = resolved()
    result = resolution.review(same(), AT)
    resets = result.resets()
    assert [(r.child_key, r.into_key) for r in resets] == [(PROVISIONAL, AMELIA), (AMELIA, None)]
    assert {r.decision_id for r in resets} == {result.decisions[0].decision_id}
    assert all(isinstance(r, ChildReset) and r.at == AT for r in resets)
    assert len({r.reset_id for r in resets}) == 2


def test_not_the_same_child_closes_the_review_and_moves_nothing():
    resolution, log = resolved()
    before = {k: set(c.records) for k, c in resolution.state.children.items()}
    result = resolution.review(same(same_child=False), AT)
    [decision] = result.decisions
    assert decision.kind is IdentityDecisionKind.NOT_SAME
    assert (decision.child_key, decision.candidate_key) == (PROVISIONAL, AMELIA)
    assert (result.affected, result.retired, result.records_of, result.resets()) == ((), {}, {}, [])
    assert resolution.state.reviews == {}
    assert {k: set(c.records) for k, c in resolution.state.children.items()} == before
    assert rebuilt([*log, decision]).state == resolution.state


def test_a_split_sends_merged_records_back_to_their_old_key():
    resolution, log = resolved()
    before = rebuilt(log).state
    merged = resolution.review(same(), AT)
    result = resolution.review(split(("4",)), AT)
    [decision] = result.decisions
    assert decision.kind is IdentityDecisionKind.SPLIT
    assert (decision.child_key, decision.candidate_key, decision.record_ids) == (
        PROVISIONAL, AMELIA, ("4",))
    assert decision.record is not None and decision.record.record_id == "4"
    assert result.affected == (AMELIA, PROVISIONAL) and result.retired == {}
    assert result.records_of == {AMELIA: ("1", "2"), PROVISIONAL: ("4",)}
    assert resolution.current_key(PROVISIONAL) == PROVISIONAL
    after_merge_and_split = rebuilt([*log, *merged.decisions, decision]).state
    assert after_merge_and_split == resolution.state
    before.reviews.clear()  # the merge answered the review; the split does not reopen it
    assert resolution.state == before


def test_records_never_merged_in_start_one_new_child():
    resolution, log = resolved()
    result = resolution.review(split(("2",)), AT)
    [decision] = result.decisions
    new_key = decision.child_key
    assert new_key.startswith("CH-") and new_key not in (AMELIA, PROVISIONAL)
    assert result.affected == (AMELIA, new_key)
    assert result.records_of == {AMELIA: ("1",), new_key: ("2",)}
    assert rebuilt([*log, decision]).state == resolution.state


def test_a_split_after_a_merge_sends_each_record_where_it_came_from():
    resolution, log = resolved([*RECORDS, rec("8", "Amelia", "Hughes", date(2010, 2, 3),
                                               la_child_id="L1")])
    merged = resolution.review(same(), AT)
    assert resolution.record_child("8") == AMELIA  # linked straight to Amelia, never merged
    result = resolution.review(split(("8", "4")), AT)
    destinations = [(d.child_key, d.record_ids) for d in result.decisions]
    assert destinations[0] == (PROVISIONAL, ("4",))  # record 4 was seen before record 8
    assert destinations[1][1] == ("8",) and destinations[1][0] not in (AMELIA, PROVISIONAL)
    assert result.affected == (AMELIA, PROVISIONAL, destinations[1][0])
    assert rebuilt([*log, *merged.decisions, *result.decisions]).state == resolution.state


def test_rebuild_replays_merges_so_later_records_follow_the_survivor():
    resolution, log = resolved()
    merged = resolution.review(same(), AT)
    fresh = rebuilt([*log, *merged.decisions])
    assert fresh.state == resolution.state
    assert fresh.current_key(PROVISIONAL) == AMELIA
    assert fresh.review(same(), AT).decisions == []  # carried out before the restart


def test_a_redelivered_command_changes_nothing():
    resolution, _ = resolved()
    resolution.review(same(), AT)
    state = resolution.state
    again = resolution.review(same(), AT)
    assert (again.decisions, again.affected, again.resets()) == ([], (), [])
    assert resolution.state is state


def test_identity_event_maps_review_records_back():
    resolution, _ = resolved()
    merged = resolution.review(same(), AT).decisions[0]
    split_back = resolution.review(split(("4",)), AT).decisions[0]
    event = identity_event(merged)
    assert (event.into_key, event.from_key, event.record_ids) == (AMELIA, PROVISIONAL, ("4",))  # type: ignore[union-attr]
    event = identity_event(split_back)
    assert (event.from_key, event.restored_key) == (AMELIA, PROVISIONAL)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (same(child_key="CH-000000000000"), "UNKNOWN_CHILD"),
        (same(candidate_key="CH-3717610cd8b5"), "NO_OPEN_REVIEW"),
        (same(child_key=AMELIA, candidate_key=PROVISIONAL), "NO_OPEN_REVIEW"),
        (split(("4",)), "NOT_IN_CHILD"),
        (split(("1", "2")), "WOULD_EMPTY_CHILD"),
        (split(("1",), child_key="CH-000000000000"), "UNKNOWN_CHILD"),
        (split(()), "NO_RECORDS"),
    ],
)
def test_commands_that_cannot_be_carried_out_are_rejected_without_change(command, code):
    resolution, log = resolved()
    with pytest.raises(ReviewRejected) as rejected:
        resolution.review(command, AT)
    assert rejected.value.code == code
    assert resolution.state == rebuilt(log).state
    for record in RECORDS:  # ids and keys only, never a name or a source identifier
        for personal in (record.given_name, record.family_name, record.la_child_id,
                         record.yot_id, record.postcode):
            assert not personal or personal not in str(rejected.value)
