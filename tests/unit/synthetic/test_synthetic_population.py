"""True children: twins, siblings and namesakes behave as in a real authority."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from hub.domain.identifiers import is_valid_nhs_number, is_valid_upn
from hub.synthetic import names
from hub.synthetic.calendar import CensusYear
from hub.synthetic.population import Child, Population

YEAR = CensusYear.parse("2025-26")


@pytest.fixture(scope="module")
def families() -> list[list[Child]]:
    return list(Population(6000, YEAR, seed=3).families())


def test_population_has_exactly_the_children_asked_for(families: list[list[Child]]) -> None:
    children = [c for family in families for c in family]
    assert len(children) == 6000
    assert len({c.true_id for c in children}) == 6000


def test_twins_share_birthday_surname_and_home_but_not_identity(
        families: list[list[Child]]) -> None:
    by_id = {c.true_id: c for family in families for c in family}
    twins = [c for c in by_id.values() if c.twin_of]
    assert len(twins) >= 20
    for second in twins:
        first = by_id[second.twin_of]
        assert (first.dob, first.family, first.postcode, first.address) == (
            second.dob, second.family, second.postcode, second.address)
        assert first.true_id != second.true_id and first.given != second.given


def test_siblings_share_a_home_and_mostly_a_surname(families: list[list[Child]]) -> None:
    shared = total = 0
    for family in families:
        assert len({(c.address, c.postcode, c.move) for c in family}) == 1
        for child in family[1:]:
            total += 1
            shared += child.family == family[0].family
    assert 0.65 <= shared / total <= 0.95  # each child is a half-sibling 15% of the time


def test_unrelated_namesakes_share_name_and_birthday(families: list[list[Child]]) -> None:
    seen: dict[tuple[str, str, object], set[str]] = defaultdict(set)
    for family in families:
        for child in family:
            seen[(child.given, child.family, child.dob)].add(child.family_id)
    assert any(len(family_ids) > 1 for family_ids in seen.values())


def test_identifiers_issued_are_valid_and_unique(families: list[list[Child]]) -> None:
    children = [c for family in families for c in family]
    upns = [c.upn for c in children if c.upn]
    nhs = [c.nhs for c in children if c.nhs]
    assert all(map(is_valid_upn, upns)) and len(set(upns)) == len(upns)
    assert all(map(is_valid_nhs_number, nhs)) and len(set(nhs)) == len(nhs)
    assert all(is_valid_upn(c.former_upn) for c in children if c.former_upn)


def test_ages_run_from_newborn_to_care_leaver(families: list[list[Child]]) -> None:
    ages = {c.age(YEAR.start) for family in families for c in family}
    assert min(ages) < 0 <= 17 < max(ages) <= 21  # newborns are born during the year


def test_siblings_do_not_share_a_given_name_unless_muhammad(
        families: list[list[Child]]) -> None:
    # Parents do not give two living children one name; the short name lists would otherwise
    # repeat one in about one family in ten (generator 1.1: 56 of 1,056 families, seed 2).
    shared = 0
    for family in families:
        given = [c.given for c in family]
        repeated = {name for name in given if given.count(name) > 1}
        assert repeated <= names.SHARED_BY_SIBLINGS, repeated
        shared += bool(repeated)
    assert shared < 0.01 * len(families)


def test_sibling_name_redraws_a_taken_name_but_may_repeat_muhammad() -> None:
    rng = random.Random(1)
    first, *others = names.BOYS["east_european"]
    for _ in range(20):
        assert names.sibling_name(rng, "east_european", "M", set(others)) == first
    draws = {names.sibling_name(rng, "south_asian", "M", {"Muhammad"}) for _ in range(400)}
    assert "Muhammad" in draws
