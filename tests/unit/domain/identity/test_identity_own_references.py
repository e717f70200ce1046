"""A source's own reference for a child (a provider's or finance client ref), sent as a typed
id, links records that share it but never conflicts: each system issues its own and holds
duplicates. National and authority-wide identifiers still conflict."""

from datetime import date

from hub.domain.identity import (
    ChildLinked,
    PersonRecord,
    PossibleMatchFound,
    ResolverState,
    resolve,
)
from hub.domain.identity.records import normalise


def provider(rid: str, ref: str, **fields: object) -> PersonRecord:
    base: dict[str, object] = {
        "given_name": "Ruby",
        "family_name": "Okafor",
        "date_of_birth": date(2014, 6, 2),
        "postcode": "NX4 7QP",
    }
    base.update(fields)
    return PersonRecord(  # type: ignore[arg-type]
        rid, "provider-returns", source_id=ref, other_ids=(("provider_client_ref", ref),), **base
    )


def run(*records: PersonRecord) -> list:
    state, decisions = ResolverState(), []
    for record in records:
        state, decision = resolve(state, record)
        decisions.append(decision)
    return decisions


def test_the_typed_id_holding_the_source_id_is_the_sources_own_reference():
    person = normalise(provider("p1", "BTS1"))
    assert person.own_kinds == frozenset({"provider_client_ref"})
    other = PersonRecord("e1", "ecaf", source_id="E1", other_ids=(("connexions", "C9"),))
    assert normalise(other).own_kinds == frozenset()


def test_two_providers_references_for_one_child_do_not_conflict():
    first, second = run(provider("p1", "BTS1"), provider("p2", "OAK7"))
    assert isinstance(second, ChildLinked)
    assert second.child_key == first.child_key and not second.evidence.conflicts


def test_a_duplicate_client_ref_with_the_childs_la_id_links_by_the_la_id():
    first = PersonRecord(
        "f1",
        "finance",
        source_id="CL1",
        la_child_id="123",
        other_ids=(("finance_client_ref", "CL1"),),
    )
    second = PersonRecord(
        "f2",
        "finance",
        source_id="CL2",
        la_child_id="123",
        other_ids=(("finance_client_ref", "CL2"),),
    )
    a, b = run(first, second)
    assert isinstance(b, ChildLinked) and b.child_key == a.child_key
    assert "la" in b.evidence.strong_ids


def test_a_shared_reference_still_links_across_sources():
    a, b = run(
        provider("p1", "777", given_name="Zed"),
        PersonRecord(
            "x1",
            "education-exclusions",
            source_id="EXC1",
            other_ids=(("provider_client_ref", "777"),),
        ),
    )
    assert isinstance(b, ChildLinked) and b.child_key == a.child_key


def test_an_other_typed_id_that_is_not_the_sources_own_still_conflicts():
    first = PersonRecord(
        "e1",
        "ecaf",
        source_id="E1",
        given_name="Ruby",
        family_name="Okafor",
        date_of_birth=date(2014, 6, 2),
        postcode="NX4 7QP",
        other_ids=(("ni", "AB123456C"),),
    )
    second = PersonRecord(
        "e2",
        "ecaf",
        source_id="E2",
        given_name="Ruby",
        family_name="Okafor",
        date_of_birth=date(2014, 6, 2),
        postcode="NX4 7QP",
        other_ids=(("ni", "ZZ999999Z"),),
    )
    _, b = run(first, second)
    assert isinstance(b, PossibleMatchFound) and b.evidence.conflicts == ("ni",)


def test_without_a_date_of_birth_a_typo_in_the_given_name_is_not_enough_to_link():
    known = provider("p1", "A1", given_name="Olivia", family_name="Taylor")
    typo = provider("p2", "B2", given_name="Olvia", family_name="Taylor", date_of_birth=None)
    exact = provider("p3", "C3", given_name="Olivia", family_name="Taylor", date_of_birth=None)
    first, second = run(known, typo)
    assert not isinstance(second, ChildLinked)
    _, third = run(known, exact)
    assert isinstance(third, ChildLinked) and third.child_key == first.child_key
