"""Erasure of one person by crypto-shredding: which fields are sealed, under which key. Pure.

Kafka topics are append-only and the source topics are kept for the year-end replay, so a
person's details cannot be deleted from them. Instead, the hub seals each record's personal
fields with a data key of its own and erasure destroys the key: the record still counts
(services, dates, identifiers the hub links by), but nobody can read who the child is.

A key belongs to one *person record*: one source's record of one child
(``hub.domain.identity.resolution.record_id_of``: ``<source system>:<source record id>``).
The resolver keeps which person records each child holds, so erasing a child destroys the
keys of every record it holds now. Only the adapters do cryptography; this module says what.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from hub.domain.events import Event
from hub.domain.identity.resolution import record_id_of
from hub.domain.outputs.identity import IdentityDecisionMade

SEALED_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode", "nhs_number")
"""Who the child is: sealed in every event's subject and in the resolver's person snapshots.
The identifiers the hub links by (LA child id, UPN, YOT id, the source's own ids) and sex stay
readable, so an erased child's events still resolve to one child and still count."""

ERASURE_ACTION = "erasure.erase"
"""The audit action of an erasure (``hub audit --action erasure.erase``)."""

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")


def sealing_key_id(record: BaseModel) -> str | None:
    """The data key that seals ``record``'s personal fields, or None when it holds none.

    Source events are sealed under their person record; an identity decision's snapshot of
    that record under the same key, so one destroyed key erases both."""
    if isinstance(record, Event):
        return record_id_of(record)
    if isinstance(record, IdentityDecisionMade) and record.record is not None:
        return record.record.record_id
    return None


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` may not be recorded. It must be a reference (the request's case or ticket
    number, e.g. ``SAR-2026-0042``), never free text, so the audit trail holds no personal
    data."""
    if not _REFERENCE.match(reason):
        return ("the reason must be a request reference (letters, digits, ._:/-, at most 64),"
                " not free text")
    return None
