"""Erasing one child's personal details from the store (``hub erase``).

The ``person`` row keeps its key and sex (the census counts by sex) and loses name, date of
birth and postcode; the child's NHS numbers leave ``linked_identifiers``. Identifiers the hub
links by, tasks, timeline, episodes and counts are untouched.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, update

from hub.adapters.store.sql.person_tables import LinkedIdentifierRow, PersonRow
from hub.adapters.store.sql.rows import IDENTIFIER_FIELDS
from hub.adapters.store.sql.writes import table
from hub.domain.erasure import SEALED_FIELDS

PERSON, IDS = table(PersonRow), table(LinkedIdentifierRow)
PERSON_FIELDS = tuple(f for f in SEALED_FIELDS if f in PERSON.c)
ERASED_ID_TYPES = tuple(IDENTIFIER_FIELDS[f] for f in SEALED_FIELDS if f in IDENTIFIER_FIELDS)


def erase_person(conn: Connection, child_key: str) -> int:
    blanked = conn.execute(
        update(PERSON).where(PERSON.c.child_key == child_key)
        .values(dict.fromkeys(PERSON_FIELDS))
    ).rowcount
    removed = conn.execute(
        delete(IDS).where(IDS.c.child_key == child_key,
                          IDS.c.identifier_type.in_(ERASED_ID_TYPES))
    ).rowcount
    return int(blanked or 0) + int(removed or 0)
