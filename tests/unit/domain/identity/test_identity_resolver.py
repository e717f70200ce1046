"""The resolver: strong identifiers, conflicts, twins, fuzzy links and possible matches."""

from dataclasses import replace
from datetime import date

from hub.domain.identifiers import nhs_check_digit, upn_check_letter
from hub.domain.identity import (
    ChildLinked,
    NewChildRegistered,
    PersonRecord,
    PossibleMatchFound,
    ResolverState,
    resolve,
)
from hub.domain.identity.config import DEFAULT_CONFIG


def upn(n: int) -> str:
    body = f"9382000{n:04d}0"
    return upn_check_letter(body) + body


def nhs(n: int) -> str:
    for start in range(n, n + 50):
        nine = f"4{start:08d}"
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)
    raise AssertionError("no valid NHS number found")


def rec(rid: str, system: str = "CSC", **fields: object) -> PersonRecord:
    base: dict[str, object] = {
        "given_name": "Oliver",
        "family_name": "Okafor",
        "date_of_birth": date(2011, 5, 9),
        "sex": "M",
        "postcode": "NX4 7QP",
    }
    base.update(fields)
    return PersonRecord(rid, system, source_id=f"{system}-{rid}", **base)  # type: ignore[arg-type]


def run(*records: PersonRecord) -> tuple[ResolverState, list]:
    state, decisions = ResolverState(), []
    for record in records:
        state, decision = resolve(state, record)
        decisions.append(decision)
    return state, decisions


def test_first_record_starts_a_child_with_a_deterministic_key():
    _, (first,) = run(rec("1"))
    _, (again,) = run(rec("1"))
    assert isinstance(first, NewChildRegistered)
    assert first.child_key == again.child_key
    assert first.child_key.startswith("CH-") and len(first.child_key) == 15


def test_each_strong_identifier_links_even_with_different_demographics():
    other = {"given_name": "Zed", "family_name": "Quinn", "date_of_birth": None, "postcode": ""}
    cases = [
        ({"la_child_id": "123"}, {"la_child_id": "123"}),
        ({"upn": upn(1)}, {"upn": upn(1)}),
        ({"upn": upn(1)}, {"former_upn": upn(1), "upn": upn(2)}),
        ({"nhs_number": nhs(10)}, {"nhs_number": nhs(10)}),
    ]
    for first, second in cases:
        _, (a, b) = run(rec("1", **first), rec("2", "EDU", **{**other, **second}))
        assert isinstance(b, ChildLinked), (first, second)
        assert b.child_key == a.child_key
        assert b.evidence.strong_ids


def test_yot_ids_are_scoped_by_source_system():
    other = {"given_name": "Zed", "family_name": "Quinn", "date_of_birth": None}
    stranger = {"given_name": "Amy", "family_name": "Shah", "date_of_birth": date(2009, 1, 2)}
    _, (a, b, c) = run(
        rec("1", "YOIS", yot_id="Y1"),
        rec("2", "YOIS", yot_id="Y1", **other),
        rec("3", "RAISE", yot_id="Y1", **stranger),
    )
    assert b.child_key == a.child_key
    assert not isinstance(c, ChildLinked) or c.child_key != a.child_key


def test_conflicting_strong_identifiers_never_link():
    for field, one, two in [
        ("upn", upn(1), upn(2)),
        ("nhs_number", nhs(10), nhs(20)),
        ("la_child_id", "L1", "L2"),
    ]:
        _, (a, b) = run(rec("1", **{field: one}), rec("2", "EDU", **{field: two}))
        assert not isinstance(b, ChildLinked), field
        assert b.child_key != a.child_key
        assert isinstance(b, PossibleMatchFound)  # identical demographics: a person decides
        assert b.candidate_key == a.child_key
        assert b.evidence.conflicts


def test_strong_hit_with_a_conflicting_identifier_joins_the_child_for_review():
    state, (a, b) = run(
        rec("1", nhs_number=nhs(10), upn=upn(1)), rec("2", "EDU", nhs_number=nhs(10), upn=upn(2))
    )
    assert isinstance(b, ChildLinked)  # no second, provisional child (issue 10)
    assert b.child_key == a.child_key
    assert b.evidence.conflicts == ("upn",)
    assert state.children[a.child_key].ids()["upn"] == {upn(1)}
    assert state.conflict_records(a.child_key) == ("2",)


def test_invalid_identifier_is_ignored_not_a_conflict():
    bad = "Z" + upn(2)[1:]
    _, (a, b) = run(rec("1", upn=upn(1)), rec("2", "EDU", upn=bad))
    assert isinstance(b, ChildLinked) and b.child_key == a.child_key
    assert b.evidence.notes


def test_twins_are_not_merged():
    _, (a, b, c) = run(
        rec("1", given_name="Ruby", sex="F"),
        rec("2", given_name="Rosie", sex="F"),
        rec("3", "EDU", given_name="Rosie", sex="F"),
    )
    assert isinstance(b, NewChildRegistered) and b.child_key != a.child_key
    assert isinstance(c, ChildLinked) and c.child_key == b.child_key


def test_siblings_are_not_merged():
    _, (_a, b) = run(
        rec("1", given_name="Jack"), rec("2", given_name="Isaac", date_of_birth=date(2013, 8, 1))
    )
    assert isinstance(b, NewChildRegistered)


def test_fuzzy_variants_link():
    variants = [
        {"given_name": "Ollie"},
        {"family_name": "Okafro"},
        {"given_name": "Olvier"},
        {"given_name": "Okafor", "family_name": "Oliver"},
        {"date_of_birth": date(2011, 9, 5)},
        {"date_of_birth": date(2011, 5, 8)},
        {"date_of_birth": None},
        {"sex": ""},
    ]
    for variant in variants:
        _, (a, b) = run(rec("1"), rec("2", "EDU", **variant))
        assert isinstance(b, ChildLinked), variant
        assert b.child_key == a.child_key
        assert b.score >= 17


def _olivers(n: int) -> list[PersonRecord]:
    """``n`` other children called Oliver, elsewhere: Oliver becomes a common name."""
    return [
        rec(
            f"o{i}",
            "SEN",
            family_name=f"Family{chr(65 + i % 26)}{chr(65 + i // 26)}",
            date_of_birth=date(2005 + i % 12, 1 + i % 12, 1 + i % 28),
            postcode="NX1 1AA",
        )
        for i in range(n)
    ]


def test_a_common_name_seen_at_another_address_is_for_review():
    # Same name and date of birth elsewhere: a move, or a namesake in another family; when
    # the name is common, a namesake is likely enough for a person to decide.
    _, decisions = run(*_olivers(80), rec("1"), rec("2", "EDU", postcode="NX9 1AB"))
    a, b = decisions[-2:]
    assert isinstance(b, PossibleMatchFound)
    assert b.candidate_key == a.child_key


def test_a_name_and_date_of_birth_in_another_district_is_for_review():
    # A move, or a namesake in another family: the name and date of birth agree, but nothing
    # says this household moved there (link_elsewhere_margin), so a person decides.
    _, (a, b) = run(rec("1"), rec("2", "EDU", postcode="NX9 1AB"))
    assert isinstance(b, PossibleMatchFound)
    assert b.candidate_key == a.child_key
    assert {f: lvl for f, lvl, _ in b.evidence.levels}["postcode"] == "disagree"


def test_a_name_and_date_of_birth_in_the_same_sector_still_links():
    _, (a, b) = run(rec("1"), rec("2", "EDU", postcode="NX4 7AB"))
    assert isinstance(b, ChildLinked)
    assert b.child_key == a.child_key


def test_a_name_and_date_of_birth_in_another_sector_of_the_district_is_for_review():
    # Held-out seed 63: a namesake with the same birthday one sector away was linked.
    _, (a, b) = run(rec("1"), rec("2", "EDU", postcode="NX4 2AB"))
    assert isinstance(b, PossibleMatchFound)
    assert b.candidate_key == a.child_key
    assert {f: lvl for f, lvl, _ in b.evidence.levels}["postcode"] == "district"


def test_elsewhere_links_with_the_margin_more():
    # The same rule with no margin links: the margin is what sends it to a person.
    config = replace(DEFAULT_CONFIG, link_elsewhere_margin=0.0)
    state, decisions = ResolverState(), []
    for record in (rec("1"), rec("2", "EDU", postcode="NX9 1AB")):
        state, decision = resolve(state, record, config)
        decisions.append(decision)
    assert isinstance(decisions[1], ChildLinked)


def test_a_household_known_to_have_moved_links_elsewhere():
    # A sibling holds both the old and the new postcode (linked by a UPN): the family moved,
    # so the child's record at the new address links.
    sister = {"given_name": "Ada", "sex": "F", "date_of_birth": date(2014, 2, 3)}
    _, decisions = run(
        rec("1"),
        rec("s1", **sister, upn=upn(7)),
        rec("s2", "EDU", **sister, upn=upn(7), postcode="NX9 1AB"),
        rec("2", "EDU", postcode="NX9 1AB"),
    )
    oliver, *_, moved = decisions
    assert isinstance(moved, ChildLinked)
    assert moved.child_key == oliver.child_key


def test_a_surname_at_the_new_address_alone_is_not_a_household_move():
    # Another Okafor child already known only at the new address is no evidence that this
    # child's household moved: a namesake's family has children too.
    _, decisions = run(
        rec("1"),
        rec("n1", given_name="Ada", sex="F", date_of_birth=date(2014, 2, 3), postcode="NX9 1AB"),
        rec("2", "EDU", postcode="NX9 1AB"),
    )
    assert isinstance(decisions[-1], PossibleMatchFound)


def test_swapped_names_with_a_typo_are_for_review():
    # Edwards Aiden against Ayden Edwards, one birthday and address: Aiden swapped, or his
    # twin Ayden. An exact swap still links.
    ayden = rec("1", given_name="Ayden", family_name="Edwards")
    _, (a, b) = run(ayden, rec("2", "EDU", given_name="Edwards", family_name="Aiden"))
    assert isinstance(b, PossibleMatchFound)
    assert b.candidate_key == a.child_key
    assert b.evidence.levels[0][:2] == ("names", "swapped_typo")
    _, (_, exact) = run(ayden, rec("3", "EDU", given_name="Edwards", family_name="Ayden"))
    assert isinstance(exact, ChildLinked)


def test_sound_alike_name_in_the_household_is_a_possible_match():
    # Jayden/Jaden with one date of birth and address: one child misspelt, or twins.
    _, (a, b) = run(rec("1", given_name="Jayden"), rec("2", "EDU", given_name="Jaden"))
    assert isinstance(b, PossibleMatchFound)
    assert b.candidate_key == a.child_key
    assert b.child_key != a.child_key
    assert {f: lvl for f, lvl, _ in b.evidence.levels}["given"] == "variant"


def test_moved_with_no_date_of_birth_is_not_linked():
    _, (_a, b) = run(
        rec("1"), rec("2", "EDU", date_of_birth=None, postcode="NX9 1AB", family_name="Okafro")
    )
    assert not isinstance(b, ChildLinked)


def test_a_common_name_without_date_of_birth_is_a_possible_match():
    # In a household of Smiths where Olivia is a common name, a sibling may share it.
    records = [
        rec(
            str(i),
            given_name="Olivia",
            family_name="Smith",
            sex="F",
            date_of_birth=date(2008 + i % 9, 1 + i % 12, 1 + i % 27),
            postcode=f"NX{1 + i % 20} {1 + i % 9}AB",
        )
        for i in range(40)
    ]
    state, _ = run(*records)
    state, decision = resolve(
        state,
        rec(
            "x",
            "FIN",
            given_name="Olivia",
            family_name="Smith",
            sex="",
            date_of_birth=None,
            postcode="NX2 2AB",
        ),
    )
    assert isinstance(decision, PossibleMatchFound)


def test_strangers_are_new_children():
    _, (_a, b) = run(
        rec("1"),
        rec(
            "2",
            "EDU",
            given_name="Maja",
            family_name="Nowak",
            sex="F",
            date_of_birth=date(2008, 1, 30),
            postcode="NX20 2AB",
        ),
    )
    assert isinstance(b, NewChildRegistered)


def test_crosswalk_records_every_identifier_with_first_and_last_seen():
    state, (a, b, c) = run(
        rec("1", la_child_id="L1"),
        rec("2", "EDU", upn=upn(1)),
        rec("3", "CSC", la_child_id="L1", upn=upn(1)),
    )
    assert a.child_key == b.child_key == c.child_key
    entry = state.crosswalk[("upn", upn(1))][a.child_key]
    assert (entry.first_seen, entry.last_seen) == (2, 3)
    assert (entry.first_record_id, entry.last_record_id) == ("2", "3")
    assert entry.sources == {"EDU", "CSC"}
    assert state.crosswalk[("la", "L1")][a.child_key].first_seen == 1


def _smiths(given: str, n: int) -> list[PersonRecord]:
    """``n`` namesakes called ``given`` Smith in other homes: the name is not rare."""
    return [
        rec(
            f"s{i}",
            "SEN",
            given_name=given,
            family_name="Smith",
            date_of_birth=date(2006 + i % 12, 1 + i % 12, 1 + i % 28),
            postcode=f"NX{30 + i} 1AB",
        )
        for i in range(n)
    ]


def _no_dob(rid: str, **fields: object) -> PersonRecord:
    base: dict[str, object] = {"family_name": "Smith", "sex": "", "date_of_birth": None}
    return rec(rid, "FIN", **{**base, **fields})


def test_a_common_name_alone_in_its_household_links_without_a_date_of_birth():
    # Oliver Smith has a namesake (a finance record without a date scores under link_threshold),
    # but at this postcode only one Smith child is called Oliver: the record is him.
    home = rec("1", family_name="Smith")
    sister = rec(
        "2", given_name="Ada", family_name="Smith", sex="F", date_of_birth=date(2014, 2, 3)
    )
    state, decisions = run(*_smiths("Oliver", 1), home, sister)
    state, payment = resolve(state, _no_dob("x", given_name="Oliver"))
    assert isinstance(payment, ChildLinked)
    assert payment.child_key == decisions[-2].child_key
    assert payment.score < DEFAULT_CONFIG.link_threshold


def test_without_the_household_rule_the_same_record_is_for_review():
    # The rule is what links it: with its threshold out of reach, the record goes to a person.
    config = replace(DEFAULT_CONFIG, link_household_threshold=1000.0)
    state = ResolverState()
    for record in (*_smiths("Oliver", 1), rec("1", family_name="Smith")):
        state, _ = resolve(state, record, config)
    state, payment = resolve(state, _no_dob("x", given_name="Oliver"), config)
    assert isinstance(payment, PossibleMatchFound)


def test_two_children_of_one_name_in_a_household_stay_for_review():
    # Brothers each called Muhammad, known by their second names: without a date of birth,
    # a record naming only "Muhammad Smith" at their address could be either.
    first = rec("1", given_name="Muhammad", family_name="Smith")
    second = rec("2", given_name="Muhammad", family_name="Smith", date_of_birth=date(2013, 8, 1))
    state, _ = run(*_smiths("Muhammad", 1), first, second)
    state, payment = resolve(state, _no_dob("x", given_name="Muhammad"))
    assert not isinstance(payment, ChildLinked)


def test_a_sibling_with_a_like_name_in_the_household_stays_for_review():
    # Olivia and Olive at one address: a typo, a short form or a sibling; a person decides.
    state, _ = run(
        *_smiths("Olivia", 1),
        rec("1", given_name="Olivia", family_name="Smith", sex="F"),
        rec("2", given_name="Olive", family_name="Smith", sex="F", date_of_birth=date(2016, 1, 4)),
    )
    state, payment = resolve(state, _no_dob("x", given_name="Olivia"))
    assert not isinstance(payment, ChildLinked)


def test_a_short_form_without_a_date_of_birth_is_not_linked_by_the_household_rule():
    # Ollie for Oliver: the sibling it may be is often not known yet (Mia for Amelia).
    state, _ = run(*_smiths("Oliver", 1), rec("1", family_name="Smith"))
    state, payment = resolve(state, _no_dob("x", given_name="Ollie"))
    assert not isinstance(payment, ChildLinked)


def test_a_different_middle_name_is_not_linked_by_the_household_rule():
    state, _ = run(*_smiths("Oliver", 1), rec("1", given_name="Oliver James", family_name="Smith"))
    state, payment = resolve(state, _no_dob("x", given_name="Oliver Yusuf"))
    assert not isinstance(payment, ChildLinked)


def test_a_sex_that_disagrees_is_not_linked_by_the_household_rule():
    # Rare names reach the household threshold even with a sex that disagrees (found in
    # review, among 3,000 children); here a milder sex weight and a higher link threshold
    # stand in for that population, so only the household rule could link. A person decides.
    config = replace(DEFAULT_CONFIG, sex_disagree=-3.0, link_threshold=20.0)
    state = ResolverState()
    state, _ = resolve(state, rec("1", given_name="Zephyrine", family_name="Quarshie", sex="F"),
                       config)
    x = rec("x", "FIN", given_name="Zephyrine", family_name="Quarshie", sex="M",
            date_of_birth=None)
    state, record = resolve(state, x, config)
    assert {f: lvl for f, lvl, _ in record.evidence.levels}["sex"] == "disagree"
    assert config.link_household_threshold <= record.score < config.link_threshold
    assert not isinstance(record, ChildLinked)


def test_a_household_too_large_to_read_is_not_known_whole():
    # A block over max_block_size is skipped by blocking: the household would look empty.
    config = replace(DEFAULT_CONFIG, max_block_size=1)
    state = ResolverState()
    for record in (
        *_smiths("Oliver", 1),
        rec("1", family_name="Smith"),
        rec("2", given_name="Ada", family_name="Smith", sex="F", date_of_birth=date(2014, 2, 3)),
    ):
        state, _ = resolve(state, record, config)
    state, payment = resolve(state, _no_dob("x", given_name="Oliver"), config)
    assert not isinstance(payment, ChildLinked)
