"""What a reviewer's identity decision does to the person tables (SQLite and PostgreSQL).

- MERGE (``child_key`` survives, ``candidate_key`` retired): the retired key's identifier rows
  move to the survivor (where the survivor already has the same identifier from the same
  source, its row stays and the retired one goes); its person details fill the survivor's
  unknown ones; its person row goes.
- SPLIT (``record_ids`` left ``candidate_key`` for ``child_key``): the identifier rows those
  records last saw move to ``child_key`` the same way; the decision's ``record`` (the latest
  record that moved) then describes ``child_key`` as a LINK decision would.
- A settlement's MOVE is a SPLIT to ``child_key`` (an existing child or a new one) and its
  RETIRE (the key left without records) a MERGE (REVIEW_OPEN and REVIEW_CLOSE move nothing).
- Each moves the ``person_records`` rows of their ``record_ids`` to ``child_key`` (a record the
  store never saw resolved stays unknown), naming the decision that moved them.

Both run once per decision (the decision log makes a redelivery a no-op), in the order the
decisions arrive. The in-memory store does the same (``memory_store``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, and_, delete, exists, func, select, update
from sqlalchemy.orm import aliased

from hub.adapters.store.sql.person_tables import LinkedIdentifierRow, PersonRecordRow, PersonRow
from hub.domain.outputs.identity import IdentityDecisionMade


class Writes(Protocol):
    """What the moves need from a write batch (``writes.Writes`` has it): declared here so
    this module does not import ``writes``, which imports it."""

    @property
    def conn(self) -> Connection: ...
    @property
    def insert(self) -> Callable[[Table], Any]: ...
    @property
    def now(self) -> datetime: ...

IDS = cast(Table, LinkedIdentifierRow.__table__)  # type: ignore[attr-defined]
PERSON = cast(Table, PersonRow.__table__)  # type: ignore[attr-defined]
RECORDS = cast(Table, PersonRecordRow.__table__)  # type: ignore[attr-defined]
_DETAILS = ("given_name", "family_name", "date_of_birth", "sex", "postcode")
_SAME_ID = ("identifier_type", "identifier_value", "source_system")


def move_identifiers(
    w: Writes, from_key: str, to_key: str, record_ids: Sequence[str] | None = None
) -> None:
    """``from_key``'s identifier rows (only those of ``record_ids``, when given) to ``to_key``."""
    theirs = IDS.c.child_key == from_key
    if record_ids is not None:
        theirs = and_(theirs, IDS.c.record_id.in_(list(record_ids)))
    held = aliased(IDS)
    clash = exists().where(held.c.child_key == to_key,
                           *(held.c[c] == IDS.c[c] for c in _SAME_ID))
    w.conn.execute(update(IDS).where(theirs, ~clash).values(child_key=to_key))
    w.conn.execute(delete(IDS).where(theirs))


def move_records(w: Writes, record_ids: Sequence[str], to_key: str, decision_id: str) -> None:
    """The ``person_records`` rows of ``record_ids`` now belong to ``to_key``."""
    if record_ids:
        w.conn.execute(update(RECORDS).where(RECORDS.c.record_id.in_(list(record_ids)))
                       .values(child_key=to_key, decision_id=decision_id))


def merge_person(w: Writes, r: IdentityDecisionMade, from_key: str) -> None:
    """The retired key's details fill what the survivor does not know; its row goes."""
    retired = w.conn.execute(select(PERSON).where(PERSON.c.child_key == from_key)).mappings()
    found = retired.first()
    if found is None:
        return
    row = {"child_key": r.child_key, **{c: found[c] for c in _DETAILS},
           "last_decision_id": r.decision_id, "updated_at": w.now}
    stmt = w.insert(PERSON).values(**row)
    kept = {c: func.coalesce(PERSON.c[c], stmt.excluded[c]) for c in _DETAILS}
    w.conn.execute(stmt.on_conflict_do_update(
        index_elements=["child_key"],
        set_={**kept, "last_decision_id": r.decision_id, "updated_at": w.now}))
    w.conn.execute(delete(PERSON).where(PERSON.c.child_key == from_key))


def apply_review(w: Writes, r: IdentityDecisionMade) -> None:
    """Carry out a MERGE, SPLIT, MOVE or RETIRE decision logged just now (the others move
    nothing)."""
    other = r.candidate_key
    if other is None or other == r.child_key:
        return
    if r.kind in ("MERGE", "RETIRE"):
        move_identifiers(w, other, r.child_key)
        merge_person(w, r, other)
    elif r.kind in ("SPLIT", "MOVE"):
        move_identifiers(w, other, r.child_key, r.record_ids)
    else:
        return
    move_records(w, r.record_ids, r.child_key, r.decision_id)
