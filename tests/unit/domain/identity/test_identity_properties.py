"""Properties of the resolver over generated records (hypothesis)."""

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.identifiers import nhs_check_digit, upn_check_letter
from hub.domain.identity import ChildLinked, PersonRecord, ResolverState, rebuild, resolve
from hub.domain.identity.records import normalise


def _nhs(n: int) -> str:
    nine = f"4{n:08d}"
    while nhs_check_digit(nine) is None:
        nine = f"{int(nine) + 1}"
    return nine + str(nhs_check_digit(nine))


def _upn(n: int) -> str:
    body = f"9382000{n:04d}0"
    return upn_check_letter(body) + body


NHS_POOL = [_nhs(n * 37) for n in range(1, 5)]
UPN_POOL = [_upn(n) for n in range(1, 5)]

records = st.builds(
    PersonRecord,
    record_id=st.uuids().map(str),
    source_system=st.sampled_from(["CSC", "EDU", "YOT"]),
    source_id=st.sampled_from(["", "1", "2"]),
    la_child_id=st.sampled_from(["", "", "L1", "L2"]),
    upn=st.sampled_from(["", "", *UPN_POOL]),
    nhs_number=st.sampled_from(["", "", *NHS_POOL, "1234567890"]),
    given_name=st.sampled_from(["", "Amelia", "Millie", "Amelie", "Jack", "John", "Jake"]),
    family_name=st.sampled_from(["", "Khan", "Kahn", "Smith-Jones", "Jones"]),
    date_of_birth=st.one_of(
        st.none(), st.sampled_from([date(2010, 3, 4), date(2010, 4, 3), date(2012, 3, 4)])
    ),
    sex=st.sampled_from(["", "M", "F"]),
    postcode=st.sampled_from(["", "NX1 2AB", "NX1 2AD", "NX7 9ZZ"]),
)


def _values(state: ResolverState, child_key: str, kind: str) -> set[str]:
    held = state.children[child_key].records.values()
    return {value for h in held for k, value in h.person.ids if k == kind}


@settings(max_examples=150, deadline=None)
@given(st.lists(records, max_size=12), records)
def test_a_redelivered_record_gets_the_same_key_and_changes_nothing(history, record):
    state = ResolverState()
    for earlier in [*history, record]:
        state, first = resolve(state, earlier)
    snapshot = ResolverState()  # a second, independent copy to compare with
    for earlier in [*history, record]:
        snapshot, _ = resolve(snapshot, earlier)
    state, again = resolve(state, record)
    assert isinstance(again, ChildLinked)
    assert again.child_key == first.child_key
    assert state == snapshot


@settings(max_examples=150, deadline=None)
@given(st.lists(records, max_size=12), records.filter(lambda r: r.source_id != ""))
def test_a_copy_of_a_record_links_to_the_same_child(history, record):
    state = ResolverState()
    for earlier in [*history, record]:
        state, first = resolve(state, earlier)
    state, second = resolve(state, replace(record, record_id=record.record_id + "-copy"))
    assert isinstance(second, ChildLinked)
    assert second.child_key == first.child_key


@settings(max_examples=150, deadline=None)
@given(st.lists(records, min_size=1, max_size=15))
def test_conflicting_valid_identifiers_never_join_a_child(history):
    """A record may be linked despite a conflicting identifier (for review, issue 10), but the
    link names the conflict and the child never takes the conflicting value."""
    state, decisions = ResolverState(), []
    for record in history:
        person = normalise(record)
        before = {
            key: {kind: _values(state, key, kind) for kind in ("nhs", "upn", "la")}
            for key in state.children
        }
        state, decision = resolve(state, record)
        decisions.append(decision)
        if isinstance(decision, ChildLinked):
            held = before[decision.child_key]
            for kind in ("nhs", "upn", "la"):
                mine = {value for k, value in person.ids if k == kind}
                if mine and held[kind] and mine.isdisjoint(held[kind]):
                    assert kind in decision.evidence.conflicts, kind
                    assert _values(state, decision.child_key, kind) == held[kind], kind
    assert rebuild(decisions) == state
