"""A reviewer's merge or split reaches the person tables: one contract, every store.

MERGE (``child_key`` survives, ``candidate_key`` retired) moves the retired key's identifiers
and fills the survivor's unknown details; SPLIT moves the identifiers of the named records
back and describes the key they moved to with the decision's record. Both move the named
person records (``person_records``), which LINK, NEW and POSSIBLE_MATCH decisions placed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.adapters.memory.store import InMemoryHubStore
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.ports import HubStore, PersonRecordView
from tests.contract import store_records as r

SURVIVOR, RETIRED = "child-0001", "child-0002"
KIND = IdentityDecisionKind


def ada(record_id: str = "education-sen:42", **changes: Any) -> Any:
    return r.snapshot(record_id, **changes)


def byron(**changes: Any) -> Any:
    values: dict[str, Any] = {"given_name": "Augusta", "family_name": "Byron", "postcode": "",
                              "upn": "B123456789012", "nhs_number": "", "other_ids": (),
                              "source_system": "yot", "source_id": "Y-9", "sex": ""}
    return r.snapshot("yot:9", **(values | changes))


def merge(decision_id: str = "m-1", **changes: Any) -> IdentityDecisionMade:
    values: dict[str, Any] = {"kind": KIND.MERGE, "child_key": SURVIVOR,
                              "candidate_key": RETIRED, "record_ids": ("yot:9",),
                              "reason": "same child: reviewed by worker-7"}
    return r.decision(decision_id, None, **(values | changes))


def split(decision_id: str = "s-1", **changes: Any) -> IdentityDecisionMade:
    values: dict[str, Any] = {"kind": KIND.SPLIT, "child_key": RETIRED, "candidate_key": SURVIVOR,
                              "record_ids": ("yot:9",), "reason": "twins (split by worker-9)"}
    return r.decision(decision_id, byron(), **(values | changes))


def linked(store: HubStore) -> None:
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-2", byron(), child_key=RETIRED),
    ])


def ids_of(store: HubStore, key: str) -> list[tuple[str, str, str]]:
    return [(i.identifier_type, i.source_system, i.first_seen_decision_id)
            for i in store.identifiers(key)]


def test_a_merge_moves_the_retired_keys_identifiers_and_person(store: HubStore):
    linked(store)
    before = ids_of(store, SURVIVOR) + ids_of(store, RETIRED)
    store.apply(merge())
    assert ids_of(store, RETIRED) == [] and store.person(RETIRED) is None
    assert sorted(ids_of(store, SURVIVOR)) == sorted(before)
    person = store.person(SURVIVOR)
    assert person is not None  # the survivor's details stand; the retired ones fill gaps
    assert (person.given_name, person.family_name, person.postcode) == (
        "Ada", "Lovelace", "LS1 4AP")


def test_a_merge_fills_only_what_the_survivor_does_not_know(store: HubStore):
    store.apply_many([
        r.decision("id-1", ada(postcode="", date_of_birth=None), child_key=SURVIVOR),
        r.decision("id-2", byron(postcode="NX1 1AA", date_of_birth=date(2014, 1, 1)),
                   child_key=RETIRED),
        merge(),
    ])
    person = store.person(SURVIVOR)
    assert person is not None
    assert (person.family_name, person.postcode, person.date_of_birth) == (
        "Lovelace", "NX1 1AA", date(2014, 1, 1))


def test_the_same_identifier_from_the_same_source_is_kept_once(store: HubStore):
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-2", ada(record_id="education-sen:43"), child_key=RETIRED),
        merge(record_ids=("education-sen:43",)),
    ])
    found = store.identifiers(SURVIVOR)
    assert len(found) == len({(i.identifier_type, i.source_system) for i in found})
    assert {i.first_seen_decision_id for i in found} == {"id-1"}
    assert store.identifiers(RETIRED) == []


def test_a_split_moves_the_records_identifiers_back_and_describes_the_child(store: HubStore):
    linked(store)
    apart = {key: ids_of(store, key) for key in (SURVIVOR, RETIRED)}
    store.apply_many([merge(), split()])
    assert {key: ids_of(store, key) for key in (SURVIVOR, RETIRED)} == apart
    person = store.person(RETIRED)
    assert person is not None and (person.given_name, person.family_name) == (
        "Augusta", "Byron")


def test_a_split_to_a_new_key_takes_only_the_named_records(store: HubStore):
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-3", byron(), child_key=SURVIVOR, kind=KIND.LINK),
        split(child_key="child-new", candidate_key=SURVIVOR),
    ])
    assert [i.source_system for i in store.identifiers("child-new")] == ["yot", "yot"]
    assert {i.source_system for i in store.identifiers(SURVIVOR)} == {"education-sen"}


def test_a_link_despite_a_conflict_keeps_the_conflicting_id_and_name_off_the_child(
    store: HubStore,
):
    """Issue 10: a record linked for review despite a conflicting UPN. The child's person
    tables show neither that UPN nor the record's name, until a split takes both to the
    record's own child."""
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-3", byron(nhs_number="9434765919"), child_key=SURVIVOR, kind=KIND.LINK,
                   conflicts=("upn",), strong_ids=("nhs",)),
    ])
    assert {(i.identifier_type, i.identifier_value) for i in store.identifiers(SURVIVOR)} == {
        ("UPN", "A123456789012"), ("NHS_NUMBER", "9434765919"), ("SIMS", "S-77"),
        ("SOURCE_ID", "42"), ("SOURCE_ID", "Y-9")}
    person = store.person(SURVIVOR)
    assert person is not None and (person.given_name, person.family_name) == (
        "Ada", "Lovelace")
    assert held(store, SURVIVOR) == ["education-sen:42", "yot:9"]  # the record is placed
    store.apply_many([split(child_key="child-new", candidate_key=SURVIVOR)])
    assert ("UPN", "B123456789012") in {
        (i.identifier_type, i.identifier_value) for i in store.identifiers("child-new")}
    assert "B123456789012" not in {i.identifier_value for i in store.identifiers(SURVIVOR)}


def test_review_decisions_are_applied_once(store: HubStore):
    linked(store)
    store.apply_many([merge(), split()])
    after = {k: (store.person(k), store.identifiers(k)) for k in (SURVIVOR, RETIRED)}
    store.apply_many([merge(), split(), merge()])  # redelivered, and replayed out of order
    assert {k: (store.person(k), store.identifiers(k)) for k in (SURVIVOR, RETIRED)} == after


def test_not_the_same_child_moves_nothing(store: HubStore):
    linked(store)
    before = {k: (store.person(k), store.identifiers(k)) for k in (SURVIVOR, RETIRED)}
    store.apply(r.decision("n-1", None, kind=KIND.NOT_SAME, child_key=RETIRED,
                           candidate_key=SURVIVOR))
    assert {k: (store.person(k), store.identifiers(k)) for k in (SURVIVOR, RETIRED)} == before


def held(store: HubStore, key: str) -> list[str]:
    return [v.record_id for v in store.person_records(key)]


def test_new_link_and_possible_match_place_their_record_under_their_child(store: HubStore):
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-2", byron(), child_key=SURVIVOR, kind=KIND.LINK),
        r.decision("id-3", ada("csc-lcs:LCS-7", source_system="csc-lcs"), child_key=RETIRED,
                   kind=KIND.POSSIBLE_MATCH, candidate_key=SURVIVOR),
    ])
    assert store.person_records(SURVIVOR) == [
        PersonRecordView("education-sen:42", "education-sen", SURVIVOR),
        PersonRecordView("yot:9", "yot", SURVIVOR),
    ]
    assert store.person_records(RETIRED) == [
        PersonRecordView("csc-lcs:LCS-7", "csc-lcs", RETIRED)]


def test_a_merge_moves_the_records_and_its_split_moves_them_back(store: HubStore):
    linked(store)
    assert (held(store, SURVIVOR), held(store, RETIRED)) == (["education-sen:42"], ["yot:9"])
    store.apply(merge())
    assert (held(store, SURVIVOR), held(store, RETIRED)) == (
        ["education-sen:42", "yot:9"], [])
    store.apply(split())
    assert (held(store, SURVIVOR), held(store, RETIRED)) == (["education-sen:42"], ["yot:9"])
    assert store.person_records(RETIRED) == [PersonRecordView("yot:9", "yot", RETIRED)]


def test_a_split_to_a_new_key_moves_only_the_named_records(store: HubStore):
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-3", byron(), child_key=SURVIVOR, kind=KIND.LINK),
        split(child_key="child-new", candidate_key=SURVIVOR),
    ])
    assert (held(store, SURVIVOR), held(store, "child-new")) == (["education-sen:42"], ["yot:9"])


def test_a_redelivered_decision_moves_no_record(store: HubStore):
    linked(store)
    store.apply_many([merge(), split()])
    after = {key: store.person_records(key) for key in (SURVIVOR, RETIRED)}
    store.apply_many([merge(), split(), merge()])  # redelivered, and replayed out of order
    store.apply(r.decision("id-2", byron(), child_key=SURVIVOR))  # the same id, another child
    assert {key: store.person_records(key) for key in (SURVIVOR, RETIRED)} == after


def test_a_record_stays_where_it_was_first_placed_until_a_review_moves_it(store: HubStore):
    linked(store)
    store.apply(r.decision("id-9", byron(), child_key=SURVIVOR, kind=KIND.LINK))
    assert (held(store, SURVIVOR), held(store, RETIRED)) == (["education-sen:42"], ["yot:9"])


def test_not_the_same_child_and_unknown_children_list_nothing_new(store: HubStore):
    linked(store)
    store.apply(r.decision("n-1", None, kind=KIND.NOT_SAME, child_key=RETIRED,
                           candidate_key=SURVIVOR, record_ids=("yot:9",)))
    assert (held(store, SURVIVOR), held(store, RETIRED)) == (["education-sen:42"], ["yot:9"])
    assert store.person_records("child-unknown") == []
    store.apply(merge(record_ids=("yot:404",)))  # a record never resolved stays unknown
    assert store.person_records(SURVIVOR) == [
        PersonRecordView("education-sen:42", "education-sen", SURVIVOR)]


KEYS = ["child-1", "child-2", "child-3"]
_records = st.sampled_from(["sys-a:1", "sys-a:2", "sys-b:1"])
_snapshots = st.builds(
    lambda record_id, upn, postcode, family: r.snapshot(
        record_id, source_system=record_id.split(":")[0], source_id=record_id.split(":")[1],
        upn=upn, postcode=postcode, family_name=family, other_ids=()),
    _records, st.sampled_from(["", "A123456789012", "B123456789012"]),
    st.sampled_from(["", "LS1 4AP"]), st.sampled_from(["", "Lovelace", "Byron"]))
_decisions = st.builds(
    lambda n, kind, key, other, snapshot, moved: IdentityDecisionMade(
        decision_id=f"d{n}", kind=kind, child_key=key,
        candidate_key=other if kind not in (KIND.NEW, KIND.LINK) else None,
        record=snapshot if kind in (KIND.NEW, KIND.LINK, KIND.SPLIT) else None,
        record_ids=tuple(moved) if kind in (KIND.MERGE, KIND.SPLIT) else ()),
    st.integers(0, 12), st.sampled_from(list(KIND)), st.sampled_from(KEYS),
    st.sampled_from([*KEYS, None]), _snapshots, st.lists(_records, max_size=2, unique=True))


def _views(store: HubStore) -> dict[str, Any]:
    return {key: (store.person(key), store.identifiers(key), store.person_records(key))
            for key in KEYS}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
@given(stream=st.lists(_decisions, min_size=1, max_size=15))
def test_merges_and_splits_agree_with_the_fake_and_replay_harmlessly(
    new_store: Callable[[], HubStore], stream: list[IdentityDecisionMade]
):
    store, fake = new_store(), InMemoryHubStore()
    store.apply_many(stream)
    fake.apply_many(stream)
    first = _views(store)
    assert first == _views(fake)
    store.apply_many(stream)
    assert _views(store) == first


def test_every_childs_identifiers_of_some_types_follow_a_merge(store: HubStore):
    """What the census joins its rows on: LA child ids and UPNs of every child, in one call."""
    linked(store)

    def rows() -> list[tuple[str, str, str]]:
        return [(i.child_key, i.identifier_type, i.source_system)
                for i in store.identifiers_of_types({"UPN", "LA_CHILD_ID"})]

    before = rows()
    assert (RETIRED, "UPN", "yot") in before
    assert {t for _, t, _ in before} <= {"UPN", "LA_CHILD_ID"}
    assert before == sorted(before)
    store.apply(merge())
    after = rows()
    assert all(key == SURVIVOR for key, _, _ in after)
    assert (SURVIVOR, "UPN", "yot") in after
    assert store.identifiers_of_types(set()) == []


def test_a_settlement_moves_records_and_retires_the_key_it_empties(store: HubStore):
    """MOVE takes the named records' identifiers and places them as a split does; RETIRE (the
    key it left empty) goes as a merged key does; opening and closing a review move nothing."""
    store.apply_many([
        r.decision("id-1", ada(), child_key=SURVIVOR),
        r.decision("id-2", byron(), child_key=RETIRED),
        r.decision("mv-1", byron(), kind=KIND.MOVE, child_key=SURVIVOR, candidate_key=RETIRED,
                   record_ids=("yot:9",), reason="settled"),
        r.decision("rt-1", None, kind=KIND.RETIRE, child_key=SURVIVOR, candidate_key=RETIRED,
                   reason="settled"),
        r.decision("ro-1", None, kind=KIND.REVIEW_OPEN, child_key=SURVIVOR,
                   candidate_key="child-0003", record_ids=("yot:9",), reason="settled"),
        r.decision("rc-1", None, kind=KIND.REVIEW_CLOSE, child_key=SURVIVOR,
                   candidate_key="child-0003", reason="settled"),
    ])
    assert store.identifiers(RETIRED) == [] and store.person(RETIRED) is None
    assert {i.source_system for i in store.identifiers(SURVIVOR)} == {"education-sen", "yot"}
    where = {v.record_id: v.child_key for v in store.person_records(SURVIVOR)}
    assert where == {"education-sen:42": SURVIVOR, "yot:9": SURVIVOR}
