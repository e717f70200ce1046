"""One object for each repeated value the resolver's index holds.

A child's six or seven person records repeat the same names, date of birth, postcode, source
systems and identifier kinds, and every record decoded from the log or from a source event
brings its own copies. Measured on the index of a 10,033-child authority (2026-12-07): 103
string objects per child held 15 distinct values, and a 216-byte empty ``frozenset`` of own
kinds was made for every record. :func:`compact` returns an *equal* ``Person`` whose strings
are interned and whose small immutable values (dates, sets of kinds) are shared with every
other record holding the same value. Equality, hashing and ordering are unchanged, so nothing
the resolver decides can change; only the memory per child does.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any, TypeVar

from hub.domain.identity.postcodes import Postcode
from hub.domain.identity.records import IdKey, Person, PersonRecord

T = TypeVar("T")

SHARED_LIMIT = 1 << 16
"""Distinct dates and sets kept for sharing (dates of birth span a few thousand days; sets
of kinds and of source systems are few). Beyond it a value is simply not shared. Names and
identifiers are never kept here, where they would outlive the index's own records: their
strings are interned, and an interned string is freed once nothing holds it."""

_shared: dict[Any, Any] = {}


def shared(value: T) -> T:
    """The one kept object equal to ``value`` (``value`` itself the first time)."""
    found = _shared.get(value)
    if found is not None:
        return found  # type: ignore[no-any-return]
    if len(_shared) < SHARED_LIMIT:
        _shared[value] = value
    return value


def _text(value: str) -> str:
    return sys.intern(value)  # interned strings are freed once nothing holds them


def _ids(ids: tuple[IdKey, ...]) -> tuple[IdKey, ...]:
    return tuple((_text(kind), _text(value)) for kind, value in ids)


def _tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(_text, tokens))


def _dob(day: date | None) -> date | None:
    return None if day is None else shared(day)


def compact_record(record: PersonRecord) -> PersonRecord:
    text = sys.intern
    return PersonRecord(
        record_id=text(record.record_id), source_system=text(record.source_system),
        source_id=text(record.source_id), la_child_id=text(record.la_child_id),
        upn=text(record.upn), former_upn=text(record.former_upn),
        nhs_number=text(record.nhs_number), yot_id=text(record.yot_id),
        given_name=text(record.given_name), family_name=text(record.family_name),
        date_of_birth=_dob(record.date_of_birth), sex=text(record.sex),
        postcode=text(record.postcode), other_ids=_ids(record.other_ids),
    )


def compact(person: Person) -> Person:
    """An equal ``Person`` sharing its values with every other record that holds them."""
    postcode = person.postcode
    return Person(
        record=compact_record(person.record),
        given=_tokens(person.given),
        family=_tokens(person.family),
        dob=_dob(person.dob),
        sex=None if person.sex is None else _text(person.sex),
        postcode=None if postcode is None
        else Postcode(_text(postcode.district), _text(postcode.inward)),
        ids=_ids(person.ids),
        notes=person.notes,
        own_kinds=shared(person.own_kinds),
    )
