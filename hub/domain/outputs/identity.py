"""The identity resolver's decisions as a record for ``cin.hub.identity-decisions.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from hub.domain.events.base import Record
from hub.domain.events.common import TypedIdentifier


class IdentityDecisionKind(StrEnum):
    LINK = "LINK"
    NEW = "NEW"
    POSSIBLE_MATCH = "POSSIBLE_MATCH"
    MERGE = "MERGE"
    SPLIT = "SPLIT"
    NOT_SAME = "NOT_SAME"
    MOVE = "MOVE"
    RETIRE = "RETIRE"
    REVIEW_OPEN = "REVIEW_OPEN"
    REVIEW_CLOSE = "REVIEW_CLOSE"


class PersonRecordSnapshot(Record):
    record_id: str
    source_system: str
    source_id: str
    la_child_id: str
    upn: str
    former_upn: str
    nhs_number: str
    yot_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    sex: str
    postcode: str
    other_ids: tuple[TypedIdentifier, ...] = ()


class FieldAgreement(Record):
    field: str
    level: str
    weight: float


class IdentityDecisionMade(Record):
    decision_id: str
    kind: IdentityDecisionKind
    child_key: str
    candidate_key: str | None = None
    score: float | None = None
    source_event_id: str | None = None
    record: PersonRecordSnapshot | None = None
    record_ids: tuple[str, ...] = ()
    strong_ids: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    levels: tuple[FieldAgreement, ...] = ()
    notes: tuple[str, ...] = ()
    other_candidates: tuple[str, ...] = ()
    reason: str | None = None
    evidence_only: bool = False
