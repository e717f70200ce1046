"""Agreement levels of single values: two given names, two family names, two dates.

Given name (first token): exact; nickname (a known short form: Liz/Elizabeth); variant (a
known variant that sounds alike: Jayden/Jaden; twins are given such pairs, never a name and
its short form); typo (one edit apart, or Jaro-Winkler >= 0.95); other_token (a middle name
matches); initial (one side is a single letter); similar (Jaro-Winkler >= 0.88); disagree.

Names swapped (given written as family and family as given): swapped (both then agree
exactly) or swapped_typo (one of them by a typo only).

Family name: exact; part (a hyphenated part is shared: Smith-Jones/Jones); typo; similar;
disagree. Date of birth: exact; day_month_swap (03/04 vs 04/03); one_digit (in the
same year, one digit of day or month mistyped or two adjacent ones transposed: a different
year is more often a sibling than a typo); same_year; disagree. Either side empty: missing.
"""

from __future__ import annotations

from datetime import date

import jellyfish

from hub.domain.identity.names import is_typo, jaro_winkler
from hub.domain.identity.nicknames import relation

Names = tuple[str, ...]


def sound_alike(x: str, y: str) -> bool:
    """Names of about one length, at most two edits apart: Jayden/Jaden, Ella/Ellie."""
    return abs(len(x) - len(y)) <= 1 and jellyfish.damerau_levenshtein_distance(x, y) <= 2


def _close_given(x: str, y: str) -> str | None:
    if x == y:
        return "exact"
    related = relation(x, y)
    if related:
        return "variant" if related == "nickname" and sound_alike(x, y) else related
    if is_typo(x, y) or jaro_winkler(x, y) >= 0.95:
        return "typo"
    return None


def given_level(a: Names, b: Names) -> str:
    if not a or not b:
        return "missing"
    x, y = a[0], b[0]
    close = _close_given(x, y)
    if close:
        return close
    if set(a) & set(b):
        return "other_token"
    if (len(x) == 1 or len(y) == 1) and x[0] == y[0]:
        return "initial"
    return "similar" if jaro_winkler(x, y) >= 0.88 else "disagree"


def family_level(x: Names, y: Names) -> str:
    if not x or not y:
        return "missing"
    if x == y or "".join(x) == "".join(y):
        return "exact"
    if set(x) & set(y):
        return "part"
    joined_x, joined_y = "".join(x), "".join(y)
    if is_typo(joined_x, joined_y) or any(is_typo(p, q) for p in x for q in y):
        return "typo"
    return "similar" if jaro_winkler(joined_x, joined_y) >= 0.88 else "disagree"


def swap_level(given: Names, family: Names, other_given: Names, other_family: Names) -> str | None:
    """Given and family names written the wrong way round on one side: ``swapped`` when both
    names then agree exactly, ``swapped_typo`` when one of them needs a typo to agree (Edwards
    Aiden against Ayden Edwards: twins are given such look-alike names), else None."""
    if not (given and other_given):
        return None
    first, other_first = given[0], other_given[0]
    if first in other_family and other_first in family:
        return "swapped"

    def close(name: str, parts: Names) -> bool:
        return any(name == part or is_typo(name, part) for part in parts)

    if close(first, other_family) and close(other_first, family):
        return "swapped_typo"
    return None


def swapped(given: Names, family: Names, other_given: Names, other_family: Names) -> bool:
    """Given and family names written the wrong way round on one side (exactly or by a typo)."""
    return swap_level(given, family, other_given, other_family) is not None


def _one_digit(x: str, y: str) -> bool:
    """One digit differs, or two adjacent digits are transposed."""
    diffs = [i for i in range(len(x)) if x[i] != y[i]]
    if len(diffs) != 2:
        return len(diffs) == 1
    i, j = diffs
    return j == i + 1 and x[i] == y[j] and x[j] == y[i]


def dob_level(x: date | None, y: date | None) -> str:
    if x is None or y is None:
        return "missing"
    if x == y:
        return "exact"
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return "day_month_swap"
    if x.year != y.year:
        return "disagree"
    return (
        "one_digit"
        if _one_digit(f"{x.month:02d}{x.day:02d}", f"{y.month:02d}{y.day:02d}")
        else "same_year"
    )
