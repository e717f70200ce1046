"""Decisions are events: replaying them rebuilds the state; a split undoes a merge."""

from datetime import date

import pytest

from hub.domain.identity import (
    ChildLinked,
    ChildrenMerged,
    PersonRecord,
    ResolverState,
    apply,
    merge_children,
    rebuild,
    resolve,
    split_merge,
)


def rec(
    rid: str, given: str, family: str, dob: date | None, system: str = "CSC", **ids: str
) -> PersonRecord:
    return PersonRecord(
        rid,
        system,
        source_id=f"S{rid}",
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        sex="F",
        postcode="NX2 4AB",
        **ids,
    )


RECORDS = [
    rec("1", "Amelia", "Hughes", date(2010, 2, 3), la_child_id="L1"),
    rec("2", "Millie", "Hughes", date(2010, 3, 2), "EDU"),
    rec("3", "Freya", "Hughes", date(2013, 7, 7), la_child_id="L2"),
    rec("4", "Amelia", "Hughs", None, "YOT", yot_id="Y4"),
    rec("5", "Maja", "Nowak", date(2009, 1, 1), "EDU"),
    rec("6", "Maja", "Nowak", None, "CAF"),
    PersonRecord("7", "FIN", "S7", given_name="Freya", family_name="Hughes", postcode="NX9 9ZZ"),
]


def resolve_all(records: list[PersonRecord]) -> tuple[ResolverState, list]:
    state, decisions = ResolverState(), []
    for record in records:
        state, decision = resolve(state, record)
        decisions.append(decision)
    return state, decisions


def test_replaying_decisions_rebuilds_the_same_state():
    state, decisions = resolve_all(RECORDS)
    assert rebuild(decisions) == state


def test_replaying_the_same_records_gives_the_same_keys():
    _, first = resolve_all(RECORDS)
    _, second = resolve_all(RECORDS)
    assert [d.child_key for d in first] == [d.child_key for d in second]
    assert first == second


def test_merge_moves_records_and_later_records_follow():
    state, decisions = resolve_all(RECORDS)
    amelia, freya = decisions[0].child_key, decisions[2].child_key
    merged = merge_children(state, amelia, freya, "reviewer: same child")
    apply(state, merged)
    assert freya not in state.children
    assert state.record_child["3"] == amelia
    assert state.current_key(freya) == amelia
    state, later = resolve(state, rec("8", "X", "Y", None, la_child_id="L2"))
    assert isinstance(later, ChildLinked) and later.child_key == amelia


def test_split_after_merge_restores_the_state():
    state, decisions = resolve_all(RECORDS)
    before = rebuild(decisions)
    amelia, freya = decisions[0].child_key, decisions[2].child_key
    merged = merge_children(state, amelia, freya, "reviewer: same child")
    apply(state, merged)
    split = split_merge(state, merged, "reviewer: twins after all")
    apply(state, split)
    assert state == before
    assert rebuild([*decisions, merged, split]) == before


def test_merge_rejects_unknown_or_identical_keys():
    state, decisions = resolve_all(RECORDS)
    with pytest.raises(ValueError, match="no current child"):
        merge_children(state, decisions[0].child_key, "CH-nope", "x")
    with pytest.raises(ValueError, match="itself"):
        merge_children(state, decisions[0].child_key, decisions[0].child_key, "x")


def test_possible_match_is_recorded_as_an_open_review():
    state, decisions = resolve_all(RECORDS)
    reviews = {d.child_key: d.candidate_key for d in decisions if d.outcome == "POSSIBLE_MATCH"}
    assert state.reviews == reviews
    assert len(reviews) == 1
    for provisional, candidate in reviews.items():
        apply(
            state,
            ChildrenMerged(
                candidate, provisional, tuple(state.children[provisional].records), "confirmed"
            ),
        )
    assert state.reviews == {}
