"""Field comparison levels and the score they add up to."""

from datetime import date

import pytest

from hub.domain.identity.compare import compare
from hub.domain.identity.config import DEFAULT_CONFIG
from hub.domain.identity.levels import dob_level, family_level, given_level, swap_level
from hub.domain.identity.records import PersonRecord, normalise


def person(given="", family="", dob=None, sex="", postcode="", rid="r"):
    return normalise(
        PersonRecord(
            rid,
            "test",
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            postcode=postcode,
        )
    )


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Oliver", "oliver", "exact"),
        ("Liz", "Elizabeth", "nickname"),
        ("Ollie", "Oliver", "nickname"),
        ("Bill", "William", "nickname"),
        ("Jaden", "Jayden", "variant"),
        ("Alfie", "Alfred", "variant"),
        ("Jonathon", "Jonathan", "typo"),
        ("Rebeca", "Rebecca", "typo"),
        ("J", "James", "initial"),
        ("Ava", "Zainab", "disagree"),
        ("", "James", "missing"),
    ],
)
def test_given_name_levels(a, b, level):
    assert given_level(person(a).given, person(b).given) == level


def test_given_name_matching_a_middle_name():
    assert given_level(person("Mary Jane").given, person("Jane").given) == "other_token"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Smith", "SMITH", "exact"),
        ("Smith-Jones", "Jones", "part"),
        ("Smith Jones", "Smith-Jones", "exact"),
        ("Thompson", "Thomspon", "typo"),
        ("Smith", "Okafor", "disagree"),
    ],
)
def test_family_name_levels(a, b, level):
    assert family_level(person(family=a).family, person(family=b).family) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (date(2012, 3, 4), date(2012, 3, 4), "exact"),
        (date(2012, 3, 4), date(2012, 4, 3), "day_month_swap"),
        (date(2012, 3, 4), date(2012, 3, 7), "one_digit"),
        (date(2012, 3, 14), date(2012, 3, 41 - 30), "one_digit"),
        (date(2012, 3, 4), date(2012, 9, 25), "same_year"),
        (date(2012, 3, 4), date(2009, 10, 25), "disagree"),
        (None, date(2009, 10, 25), "missing"),
    ],
)
def test_dob_levels(a, b, level):
    assert dob_level(a, b) == level


def test_transposed_digits_are_one_digit_errors():
    assert dob_level(date(2012, 3, 12), date(2012, 3, 21)) == "one_digit"


def test_swapped_names_are_recognised():
    a = person("Smith", "Jack", date(2012, 3, 4))
    b = person("Jack", "Smith", date(2012, 3, 4))
    assert compare(a, b, DEFAULT_CONFIG).levels[0][:2] == ("names", "swapped")


def test_postcode_levels_and_score_is_sum_of_weights():
    a = person("Amy", "Wood", date(2012, 3, 4), "F", "NX4 7QP")
    same = compare(a, person("Amy", "Wood", date(2012, 3, 4), "F", "nx47qp"), DEFAULT_CONFIG)
    sector = compare(a, person("Amy", "Wood", date(2012, 3, 4), "F", "NX4 7AB"), DEFAULT_CONFIG)
    district = compare(a, person("Amy", "Wood", date(2012, 3, 4), "F", "NX4 2AB"), DEFAULT_CONFIG)
    assert {f: lvl for f, lvl, _ in same.levels}["postcode"] == "full"
    assert {f: lvl for f, lvl, _ in sector.levels}["postcode"] == "sector"
    assert {f: lvl for f, lvl, _ in district.levels}["postcode"] == "district"
    assert same.score == sum(w for _, _, w in same.levels)
    assert same.score > sector.score > district.score


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (("Edwards", "Aiden"), ("Aiden", "Edwards"), "swapped"),
        (("Edwards", "Aiden"), ("Ayden", "Edwards"), "swapped_typo"),  # twins' look-alikes
        (("Edwrads", "Aiden"), ("Aiden", "Edwards"), "swapped_typo"),
        (("Edwards", "Aiden"), ("Edwards", "Aiden"), None),  # not swapped: the same way round
        (("Jones", "Aiden"), ("Ayden", "Edwards"), None),
    ],
)
def test_swap_level_tells_an_exact_swap_from_one_with_a_typo(a, b, level):
    x, y = person(*a), person(*b)
    assert swap_level(x.given, x.family, y.given, y.family) == level


def test_a_swap_with_a_typo_weighs_less_than_an_exact_swap():
    born = date(2009, 2, 24)
    record = person("Edwards", "Aiden", born)
    exact = compare(record, person("Aiden", "Edwards", born), DEFAULT_CONFIG)
    typo = compare(record, person("Ayden", "Edwards", born), DEFAULT_CONFIG)
    assert exact.levels[0] == ("names", "swapped", DEFAULT_CONFIG.names_swapped)
    assert typo.levels[0] == ("names", "swapped_typo", DEFAULT_CONFIG.names_swapped_typo)
    assert typo.score < exact.score
