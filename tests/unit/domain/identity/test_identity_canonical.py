"""Identity as a function of the set of records: every permutation of one set of person
records gives the same children and open reviews (``hub.domain.identity.canonical``), which
the arrival-order resolver does not (docs/worker.md, "Identity and arrival order")."""

import itertools
from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.registry import EXPORT_FILES
from hub.domain.identity import ChildSplit, PersonRecord, ResolverState, apply
from hub.domain.identity.batch import resolve_all
from hub.domain.identity.canonical import (
    _keeping_sides,
    canonical_order,
    clusters,
    open_reviews,
    resolve_canonically,
    settle_plan,
)
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate
from hub.usecases.export_people import person_records
from tests.unit.domain.identity.test_identity_properties import records

# four records where arrival order decides the children: r0 joins r2 and r3 only when those
# two are one child already (r0 shares its given name with r2 and its postcode with r3)
CHAIN = [
    PersonRecord("r0", "EDU", "0", given_name="Millie", family_name="Khan", sex="F",
                 postcode="NX7 9ZZ"),
    PersonRecord("r1", "EDU", "1", given_name="Amelia", family_name="Khan", sex="F"),
    PersonRecord("r2", "CSC", "2", given_name="Millie", family_name="Khan",
                 date_of_birth=date(2010, 3, 4)),
    PersonRecord("r3", "YOT", "3", given_name="Amelia", family_name="Khan",
                 date_of_birth=date(2010, 4, 3), sex="F", postcode="NX7 9ZZ"),
]


def _arrival(rs: list[PersonRecord]) -> frozenset[frozenset[str]]:
    state = ResolverState()
    list(resolve_all(rs, state=state))
    return clusters(state)


Outcome = tuple[frozenset[frozenset[str]], frozenset[frozenset[frozenset[str]]],
                frozenset[tuple[str, str]]]


def _outcome(rs: list[PersonRecord]) -> Outcome:
    """The children, the open reviews and every record's key."""
    state, _ = resolve_canonically(rs)
    return clusters(state), open_reviews(state), frozenset(state.record_child.items())


def test_arrival_order_changes_the_children_of_one_set_of_records() -> None:
    # the mechanism the canonical order removes (so the checks below can fail)
    found = {_arrival(list(p)) for p in itertools.permutations(CHAIN)}
    assert len(found) == 3, found


def test_every_permutation_gives_the_same_children_keys_and_reviews() -> None:
    outcomes = {_outcome(list(p)) for p in itertools.permutations(CHAIN)}
    assert len(outcomes) == 1


unique_records = st.lists(records, max_size=9, unique_by=lambda r: r.record_id)


@settings(max_examples=150, deadline=None)
@given(unique_records, st.randoms(use_true_random=False))
def test_any_permutation_of_records_gives_the_same_final_clusters(rs, rnd) -> None:
    shuffled = list(rs)
    rnd.shuffle(shuffled)
    assert _outcome(shuffled) == _outcome(rs)


@settings(max_examples=60, deadline=None)
@given(unique_records, st.randoms(use_true_random=False))
def test_a_record_sent_twice_with_other_fields_counts_once_whatever_the_order(rs, rnd) -> None:
    if not rs:
        return
    again = replace(rs[0], postcode="NX9 9ZZ", given_name="Olivia")
    one, other = [*rs, again], [again, *rs]
    rnd.shuffle(one)
    ordered = canonical_order(one)
    assert sorted(r.record_id for r in ordered) == sorted(r.record_id for r in rs)
    assert ordered == sorted(ordered, key=lambda r: (
        not (r.given_name and r.family_name), r.record_id))
    assert _outcome(one) == _outcome(other)


# A child of the standard formats: the CIN census names no one (LA id, date of birth, sex),
# the pupil roll has the UPN and names, the SSD person row the LA id and names.
STANDARD = [
    PersonRecord("cin-census:250051", "cin-census", "250051", la_child_id="250051",
                 date_of_birth=date(2014, 5, 5), sex="F"),
    PersonRecord("pupil-roll:A938200019003", "pupil-roll", "A938200019003",
                 upn="A938200019003", given_name="Freya", family_name="Brown",
                 date_of_birth=date(2014, 5, 5), sex="F", postcode="NX4 5PY"),
    PersonRecord("ssd:ssd_person/250051", "ssd", "ssd_person/250051", la_child_id="250051",
                 given_name="Freya", family_name="Brown", date_of_birth=date(2014, 5, 5),
                 sex="F", postcode="NX4 5PY"),
]


def test_a_nameless_record_is_resolved_after_the_records_that_name_children() -> None:
    """In record id order the census child came first, scored on its date of birth and sex
    alone; the pupil became a possible match with it (a review, and the UPN never reached the
    census) and the SSD person joined the census child by its LA id. Named records first: one
    child, no review, whatever the order."""
    outcomes = {_outcome(list(p)) for p in itertools.permutations(STANDARD)}
    assert outcomes == {(frozenset({frozenset(r.record_id for r in STANDARD)}), frozenset(),
                         next(iter(outcomes))[2])}


def test_publish_order_of_the_synthetic_authority_no_longer_matters(tmp_path: Path) -> None:
    """The authority of tests/integration/test_event_time_order.py: published source by
    source in the registry's order and in reverse, the arrival-order resolver ends with
    different children (one child linked in one order, split with a review in the other);
    the canonical resolution with the same."""
    generate(tmp_path, 120, 1, CensusYear.parse("2025-26"))
    forward = list(person_records(tmp_path, date(2026, 4, 30)))
    reverse = list(person_records(tmp_path, date(2026, 4, 30), tuple(EXPORT_FILES)[::-1]))
    assert sorted(r.record_id for r in forward) == sorted(r.record_id for r in reverse)
    assert _arrival(forward) != _arrival(reverse)
    assert _outcome(forward) == _outcome(reverse)


def _live(rs: list[PersonRecord]) -> ResolverState:
    state = ResolverState()
    list(resolve_all(rs, state=state))
    return state


def _settled(live: ResolverState, canonical: ResolverState) -> ResolverState:
    """``live`` with the plan's moves carried out (as splits) and its reviews opened/closed."""
    plan = settle_plan(live, canonical)
    for source, target, ids in plan.moves:
        live = apply(live, ChildSplit(source, target, ids, "settled"))
    assert not set(plan.retired) & set(live.children)  # retired keys hold nothing
    for provisional, _ in plan.closed:
        live.reviews.pop(provisional)
    live.reviews.update(dict(plan.opened))
    return live


@settings(max_examples=120, deadline=None)
@given(unique_records, st.randoms(use_true_random=False))
def test_a_settlement_turns_any_arrival_order_into_the_canonical_children(rs, rnd) -> None:
    shuffled = list(rs)
    rnd.shuffle(shuffled)
    live = _live(shuffled)
    before = dict(live.record_child)
    canonical, _ = resolve_canonically(rs)
    plan = settle_plan(live, canonical)
    settled = _settled(live, canonical)
    assert clusters(settled) == clusters(canonical)
    assert open_reviews(settled) == open_reviews(canonical)
    # a child keeps its live key when one of its records had it, and only one child keeps it
    kept = [k for k in plan.keys.values() if k in before.values()]
    assert len(kept) == len(set(kept))
    moved = {r for _, _, ids in plan.moves for r in ids}
    assert len(moved) == sum(len(ids) for _, _, ids in plan.moves)
    assert settle_plan(settled, canonical).changes_nothing


def test_the_canonical_state_needs_no_settlement() -> None:
    canonical, _ = resolve_canonically(CHAIN)
    assert settle_plan(canonical, canonical).changes_nothing


def test_settling_the_chain_splits_one_live_child_keeping_its_key_for_one_part() -> None:
    live = _live(CHAIN[::-1])  # r3, r2, r1, r0: r0 joins r2 and r3
    canonical = _live(CHAIN)  # the target: r0, r1, r2, r3 in this order, four children
    assert sorted(map(len, clusters(live))) == [1, 3]
    assert sorted(map(len, clusters(canonical))) == [1, 1, 1, 1]
    plan = settle_plan(live, canonical)
    joined = live.record_child["r0"]
    assert sorted(plan.keys.values()).count(joined) == 1  # one of the three keeps the key
    new = set(plan.keys.values()) - set(live.keys_used)
    assert len(new) == 2
    assert {(s, t) for s, t, _ in plan.moves} == {(joined, k) for k in new}
    assert sum(len(ids) for _, _, ids in plan.moves) == 2
    assert plan.retired == {}


def test_a_pair_already_in_review_keeps_its_sides_unless_a_key_would_hold_two() -> None:
    assert _keeping_sides({("X", "A")}, {("A", "X")}) == {("A", "X")}  # nothing to do
    # kept the live way, A would be provisional twice: the canonical way round instead
    assert _keeping_sides({("X", "A"), ("A", "B")}, {("A", "X")}) == {("X", "A"), ("A", "B")}
    assert _keeping_sides({("X", "A")}, {("A", "Y")}) == {("X", "A")}


# Oliver's record at the family's new address has a record id before his sister's: in record
# id order nothing yet shows that the household moved, so it is a possible match
MOVE = [
    PersonRecord("c1", "CSC", "1", given_name="Oliver", family_name="Okafor",
                 date_of_birth=date(2011, 5, 9), sex="M", postcode="NX4 7QP"),
    PersonRecord("c2", "EDU", "2", given_name="Oliver", family_name="Okafor",
                 date_of_birth=date(2011, 5, 9), sex="M", postcode="NX9 1AB"),
    PersonRecord("c3", "CSC", "3", given_name="Ada", family_name="Okafor", la_child_id="L3",
                 date_of_birth=date(2014, 2, 3), sex="F", postcode="NX4 7QP"),
    PersonRecord("c4", "EDU", "4", given_name="Ada", family_name="Okafor", la_child_id="L3",
                 date_of_birth=date(2014, 2, 3), sex="F", postcode="NX9 1AB"),
]


def test_a_doubt_is_decided_again_once_every_other_record_is_known() -> None:
    one_pass = ResolverState()
    list(resolve_all(canonical_order(MOVE), state=one_pass))
    assert len(one_pass.reviews) == 1  # the move, before the sister shows it
    state, _ = resolve_canonically(MOVE)
    assert clusters(state) == {frozenset({"c1", "c2"}), frozenset({"c3", "c4"})}
    assert not state.reviews
    assert {_outcome(list(p)) for p in itertools.permutations(MOVE)} == {_outcome(MOVE)}
