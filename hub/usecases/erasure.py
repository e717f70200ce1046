"""Erasing one child on request (``hub erase``): crypto-shredding plus the store.

1. The keys of every person record the child holds are destroyed: their personal fields, in
   the source topics, the resolved events, the identity decisions and any copy of them,
   cannot be opened again (``hub.domain.erasure``).
2. The store forgets the child's name, date of birth, postcode and NHS numbers.
3. The audit trail records who, when, the request's reference and the child key: nothing
   personal.

Events still count: services, episodes and census rows are kept; only who the child is goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.audit import AuditLog, audit_problem
from hub.domain.erasure import ERASURE_ACTION, reason_problem
from hub.ports import HubStore, SubjectKeys
from hub.usecases.actor_check import ActorDirectory

ERASING_ROLES = frozenset({"data_officer", "admin"})


class ErasureRefusedError(Exception):
    """The erasure was not carried out; the message says why (never personal data)."""


@dataclass(frozen=True)
class Erasure:
    child_key: str
    records: int
    keys_destroyed: int
    store_rows: int


def erase_child(store: HubStore, keys: SubjectKeys, audit: AuditLog, directory: ActorDirectory,
                *, child_key: str, by: str, reason: str, at: datetime) -> Erasure:
    problem = reason_problem(reason) or audit_problem(by, ERASURE_ACTION, reason)
    if problem:
        raise ErasureRefusedError(problem)
    roles = directory.roles_of(by)
    if roles is None or not roles & ERASING_ROLES:
        raise ErasureRefusedError(
            "an erasure is for a staff directory user with the data_officer or admin role")
    records = [r.record_id for r in store.person_records(child_key)]
    if not records and store.person(child_key) is None:
        raise ErasureRefusedError(f"no child {child_key} in the store")
    destroyed = keys.destroy(records)
    rows = store.erase_person(child_key)
    audit.record(by, ERASURE_ACTION, child_key, None, at, outcome=reason)
    return Erasure(child_key, len(records), destroyed, rows)
