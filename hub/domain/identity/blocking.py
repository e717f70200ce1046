"""Blocking keys: which known children are worth comparing with a new record.

Comparing every record with every child is quadratic, so each child is indexed under a few
keys and a new record is compared only with children sharing at least one. Each key survives
a different kind of error, so a match missed by one is usually caught by another:

* ``d:`` exact date of birth (and, when looking up, the day/month-swapped date): survives any
  name error.
* ``fy:`` family-name part Soundex + birth year: survives given-name errors, nicknames and
  day/month or day errors.
* ``gf:`` given + family Soundex, in sorted order: survives a missing or wrong date of birth
  and given/family names written the wrong way round.
* ``gn:`` nickname group + family Soundex: Liz Smith finds Elizabeth Smith without a date.
* ``pg:`` full postcode + given-name initial: survives date and family-name errors.
* ``pf:`` full postcode + family-name Soundex: survives date and given-name errors (a typo
  in the first letter, a nickname with another initial).

Children in a block larger than ``max_block_size`` are skipped for that key (a common value
such as a shared placeholder date would otherwise compare with everyone).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from hub.domain.identity.names import phonetic
from hub.domain.identity.nicknames import name_groups
from hub.domain.identity.records import Person


def household_keys(postcode: str, family: Iterable[str]) -> set[str]:
    """The ``pf:`` keys of a household: a full postcode with each family-name part's Soundex."""
    return {f"pf:{postcode}|{phonetic(part)}" for part in family}


def index_keys(person: Person) -> set[str]:
    """The keys a record is filed under."""
    keys: set[str] = set()
    family = {phonetic(part) for part in person.family}
    if person.dob:
        keys.add(f"d:{person.dob.isoformat()}")
        keys.update(f"fy:{code}{person.dob.year}" for code in family)
    if person.first:
        given = phonetic(person.first)
        keys.update("gf:" + "|".join(sorted((given, code))) for code in family)
        for group in name_groups(person.first):
            keys.update(f"gn:{group}|{code}" for code in family)
        if person.postcode:
            keys.add(f"pg:{person.postcode.full}|{person.first[0]}")
    if person.postcode:
        keys.update(household_keys(person.postcode.full, person.family))
    return keys


def query_keys(person: Person) -> set[str]:
    """The keys to look up for a new record: its own, plus its day/month-swapped date."""
    keys = index_keys(person)
    dob = person.dob
    if dob and dob.day <= 12 and dob.day != dob.month:
        keys.add(f"d:{date(dob.year, dob.day, dob.month).isoformat()}")
    return keys
