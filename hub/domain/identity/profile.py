"""A child's profile: every distinct value its records hold, field by field.

A new record is compared with the profile, not with one record at a time: each field takes
its best agreement over the child's values (a child who moved has two postcodes, and either
agrees), and a field is *missing* only when no record of the child holds it. So a sparse
record (no date of birth) linked earlier cannot act as a wildcard for someone else later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from hub.domain.identity.postcodes import Postcode
from hub.domain.identity.records import Person

Names = tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Profile:
    names: tuple[tuple[Names, Names], ...]
    """(given tokens, family tokens) pairs as written together."""
    givens: tuple[Names, ...]
    families: tuple[Names, ...]
    dobs: tuple[date, ...]
    sexes: frozenset[str]
    postcodes: tuple[Postcode, ...]


def _distinct(values: Iterable[T | None]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def profile_of(persons: Iterable[Person]) -> Profile:
    people = list(persons)
    return Profile(
        names=_distinct((p.given, p.family) for p in people if p.given or p.family),
        givens=_distinct(p.given for p in people),
        families=_distinct(p.family for p in people),
        dobs=_distinct(p.dob for p in people),
        sexes=frozenset(p.sex for p in people if p.sex),
        postcodes=_distinct(p.postcode for p in people),
    )
