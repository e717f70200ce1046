"""The index keeps one copy of each repeated value, and nothing it decides changes."""

from __future__ import annotations

from datetime import date

from hub.domain.identity.compact import compact
from hub.domain.identity.records import PersonRecord, normalise
from hub.domain.identity.state import ResolverState


def _decoded(record_id: str, source: str) -> PersonRecord:
    """A record as a decoder makes it: every string a fresh object."""
    fresh = "".join
    return PersonRecord(
        record_id=fresh(record_id), source_system=fresh(source), source_id=fresh("S1"),
        la_child_id=fresh("LA-77"), given_name=fresh(["Ava ", "Rose"]),
        family_name=fresh(["Ben", "nett"]), date_of_birth=date(2014, 3, 9), sex=fresh("F"),
        postcode=fresh(["LS1 ", "4AP"]), other_ids=((fresh("ecaf"), fresh("S1")),),
    )


def test_a_compact_person_equals_the_original() -> None:
    person = normalise(_decoded("csc:1", "csc"))
    assert compact(person) == person
    assert hash(compact(person)) == hash(person)


def test_two_records_of_a_child_share_their_values_in_the_index() -> None:
    first, second = normalise(_decoded("csc:1", "csc")), normalise(_decoded("csc:2", "csc"))
    assert first.record.family_name is not second.record.family_name  # as decoded
    state = ResolverState()
    state.add("CH-1", first, 1)
    state.add("CH-1", second, 2)
    one, two = (held.person for held in state.children["CH-1"].records.values())
    assert one.record.family_name is two.record.family_name
    assert one.record.source_system is two.record.source_system
    assert one.given[0] is two.given[0]
    assert one.ids[0][1] is two.ids[0][1]
    assert one.record.date_of_birth is two.record.date_of_birth
    assert one.own_kinds is two.own_kinds
    assert one == first and two == second  # equal to what was added


def test_a_crosswalk_entry_seen_again_by_the_same_source_keeps_its_set() -> None:
    state = ResolverState()
    state.add("CH-1", normalise(_decoded("csc:1", "csc")), 1)
    entry = state.crosswalk[("la", "LA-77")]["CH-1"]
    state.add("CH-1", normalise(_decoded("csc:2", "csc")), 2)
    again = state.crosswalk[("la", "LA-77")]["CH-1"]
    assert again.sources is entry.sources and again.last_seen == 2
