"""Which LA child id and UPN the census gives a child: linked, valid, the CSC system's first."""

from __future__ import annotations

import random

from hub.census.child_ids import ChildIds, Linked, child_ids, upns_by_la_child_id

GOOD, OTHER = "T938203512014", "G938203512015"
BAD_CHECK = "A938203512014"  # a keying error: wrong check letter


def test_the_csc_systems_ids_come_first_then_other_sources_in_order():
    linked = [
        Linked("k1", "LA_CHILD_ID", "900111", "panel"),
        Linked("k1", "LA_CHILD_ID", "123456", "csc"),
        Linked("k1", "UPN", OTHER, "education-sen"),
        Linked("k1", "UPN", GOOD, "csc"),
        Linked("k2", "UPN", OTHER, "education-sen"),
        Linked("k2", "UPN", GOOD, "education-exclusions"),
    ]
    ids = child_ids(linked)
    assert ids["k1"] == ChildIds("123456", GOOD, frozenset({"123456", "900111"}))
    assert ids["k2"] == ChildIds(None, GOOD)  # no CSC value: by source system, then value
    shuffled = linked[:]
    random.Random(3).shuffle(shuffled)
    assert child_ids(shuffled) == ids


def test_only_valid_values_are_chosen():
    ids = child_ids([
        Linked("k1", "UPN", BAD_CHECK, "csc"),
        Linked("k1", "UPN", OTHER.lower(), "education-sen"),  # valid, written in lower case
        Linked("k1", "LA_CHILD_ID", "12 34", "csc"),
        Linked("k1", "LA_CHILD_ID", "12345678901", "finance"),  # longer than LAchildID allows
        Linked("k1", "NHS_NUMBER", "9434765919", "csc"),  # not what the census joins on
        Linked("k2", "UPN", BAD_CHECK, "csc"),
    ])
    assert ids == {"k1": ChildIds(None, OTHER)}


def test_the_cin_census_learns_the_upn_linked_to_each_la_child_id():
    ids = {
        "k1": ChildIds("123456", GOOD, frozenset({"123456", "900111"})),
        "k2": ChildIds("222222", None, frozenset({"222222"})),
        "k0": ChildIds("123456", OTHER, frozenset({"123456"})),  # a shared id: first key wins
    }
    assert upns_by_la_child_id(ids) == {"123456": OTHER, "900111": GOOD}
