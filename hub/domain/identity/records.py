"""The person record every source sends, and its normalised form used for matching (pure).

``PersonRecord`` is what arrives: strings as the source wrote them (empty when unknown) and a
parsed date of birth. ``normalise`` turns it into a ``Person``: cleaned name tokens, a parsed
postcode, a canonical sex, and the *strong identifiers* as typed keys. An identifier that fails
its check (a UPN with the wrong check letter, an NHS number failing modulus 11) is treated as
absent for matching and kept as a note, so a reviewer can see it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from hub.domain.identifiers import (
    nhs_number_problem,
    normalise_nhs_number,
    normalise_upn,
    upn_problem,
)
from hub.domain.identity.names import name_tokens
from hub.domain.identity.postcodes import Postcode, parse_postcode

IdKey = tuple[str, str]
"""A typed identifier, e.g. ``("nhs", "9434765919")`` or ``("yot:YOIS", "Y123")``."""

_SEX = {"M": "M", "MALE": "M", "1": "M", "F": "F", "FEMALE": "F", "2": "F"}


@dataclass(frozen=True, slots=True)
class PersonRecord:
    record_id: str
    source_system: str
    source_id: str = ""
    la_child_id: str = ""
    upn: str = ""
    former_upn: str = ""
    nhs_number: str = ""
    yot_id: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    postcode: str = ""
    other_ids: tuple[IdKey, ...] = ()
    """Further typed ids, e.g. ``("connexions", "C12")`` or ``("ni", "AB123456C")``."""


@dataclass(frozen=True, slots=True)
class Person:
    record: PersonRecord
    given: tuple[str, ...]
    family: tuple[str, ...]
    dob: date | None
    sex: str | None
    postcode: Postcode | None
    ids: tuple[IdKey, ...]
    notes: tuple[str, ...]
    own_kinds: frozenset[str] = frozenset()
    """Kinds of typed id (``other_ids``) holding the source's own reference for the child
    (its value is the record's ``source_id``): unique only within the issuing system, which
    may also hold duplicates, so they link when shared but never conflict (see scoring)."""

    @property
    def first(self) -> str:
        return self.given[0] if self.given else ""

    @property
    def profile(self) -> tuple[object, ...]:
        """The fields that matching compares; records with one profile score alike."""
        return (self.given, self.family, self.dob, self.sex, self.postcode)


def _upns(record: PersonRecord) -> tuple[list[IdKey], list[str]]:
    keys: list[IdKey] = []
    notes: list[str] = []
    for label, raw in (("upn", record.upn), ("former_upn", record.former_upn)):
        if raw.strip():
            problem = upn_problem(raw)
            if problem:
                notes.append(f"{label} ignored: {problem}")
            else:
                keys.append(("upn", normalise_upn(raw)))
    return keys, notes


def _own_kinds(record: PersonRecord) -> frozenset[str]:
    own = record.source_id.strip().upper()
    return frozenset(
        kind.lower() for kind, value in record.other_ids if own and value.strip().upper() == own
    )


def _strong_ids(record: PersonRecord) -> tuple[tuple[IdKey, ...], tuple[str, ...]]:
    keys, notes = _upns(record)
    if record.nhs_number.strip():
        problem = nhs_number_problem(record.nhs_number)
        if problem:
            notes.append(f"nhs_number ignored: {problem}")
        else:
            keys.append(("nhs", normalise_nhs_number(record.nhs_number)))
    system = record.source_system.strip().upper()
    for kind, raw in (("la", record.la_child_id), (f"yot:{system}", record.yot_id)):
        if raw.strip():
            keys.append((kind, raw.strip().upper()))
    if record.source_id.strip():
        keys.append((f"src:{system}", record.source_id.strip()))
    keys.extend((kind.lower(), value.strip().upper()) for kind, value in record.other_ids)
    return tuple(dict.fromkeys(keys)), tuple(notes)


@lru_cache(maxsize=8192)
def normalise(record: PersonRecord) -> Person:
    ids, notes = _strong_ids(record)
    return Person(
        record=record,
        given=name_tokens(record.given_name),
        family=name_tokens(record.family_name),
        dob=record.date_of_birth,
        sex=_SEX.get(record.sex.strip().upper()),
        postcode=parse_postcode(record.postcode),
        ids=ids,
        notes=notes,
        own_kinds=_own_kinds(record),
    )
