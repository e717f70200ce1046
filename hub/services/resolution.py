"""Resolving each source event to a hub child key, with decisions as records.

The resolver's state is a cache of its decisions: on start-up it is rebuilt from
``cin.hub.identity-decisions.v1`` (:meth:`Resolution.rebuild`), then each event is resolved
in arrival order. A redelivered event resolves to the same key and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from hub.domain.events import Event
from hub.domain.events.common import TypedIdentifier
from hub.domain.identity.apply import apply
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import (
    ChildLinked,
    Decision,
    Evidence,
    IdentityEvent,
    NewChildRegistered,
    PossibleMatchFound,
)
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolver import resolve
from hub.domain.identity.state import ResolverState
from hub.domain.outputs import PossibleMatchRaised
from hub.domain.outputs.identity import (
    FieldAgreement,
    IdentityDecisionKind,
    IdentityDecisionMade,
    PersonRecordSnapshot,
)

_SEX = {"MALE": "M", "FEMALE": "F"}


def person_from_event(event: Event) -> PersonRecord:
    envelope = event.envelope  # type: ignore[attr-defined]
    s = envelope.subject
    own = s.other_ids[0].value if s.other_ids else (s.la_child_id or s.yot_id or s.upn or "")
    return PersonRecord(
        record_id=f"{envelope.source_system}:{envelope.source_record_id}",
        source_system=envelope.source_system,
        source_id=own or "",
        la_child_id=s.la_child_id or "",
        upn=s.upn or "",
        former_upn=s.former_upn or "",
        nhs_number=s.nhs_number or "",
        yot_id=s.yot_id or "",
        given_name=s.given_name or "",
        family_name=s.family_name or "",
        date_of_birth=s.date_of_birth,
        sex=_SEX.get(s.sex, ""),
        postcode=s.postcode or "",
        other_ids=tuple((i.type.lower(), i.value) for i in s.other_ids),
    )


def _snapshot(r: PersonRecord) -> PersonRecordSnapshot:
    ids = tuple(TypedIdentifier(type=t, value=v) for t, v in r.other_ids)
    return PersonRecordSnapshot(
        record_id=r.record_id,
        source_system=r.source_system,
        source_id=r.source_id,
        la_child_id=r.la_child_id,
        upn=r.upn,
        former_upn=r.former_upn,
        nhs_number=r.nhs_number,
        yot_id=r.yot_id,
        given_name=r.given_name,
        family_name=r.family_name,
        date_of_birth=r.date_of_birth,
        sex=r.sex,
        postcode=r.postcode,
        other_ids=ids,
    )


def _person(s: PersonRecordSnapshot) -> PersonRecord:
    fields = s.model_dump(exclude={"other_ids"})
    return PersonRecord(**fields, other_ids=tuple((i.type, i.value) for i in s.other_ids))


def _decision_id(*parts: str) -> str:
    return "ID-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def decision_record(decision: Decision, source_event_id: str) -> IdentityDecisionMade:
    e = decision.evidence
    candidate = decision.candidate_key if isinstance(decision, PossibleMatchFound) else None
    return IdentityDecisionMade(
        decision_id=_decision_id(decision.outcome, decision.record.record_id, decision.child_key),
        kind=IdentityDecisionKind(decision.outcome),
        child_key=decision.child_key,
        candidate_key=candidate,
        score=decision.score,
        source_event_id=source_event_id,
        record=_snapshot(decision.record),
        strong_ids=e.strong_ids,
        conflicts=e.conflicts,
        levels=tuple(FieldAgreement(field=f, level=lv, weight=w) for f, lv, w in e.levels),
        notes=e.notes,
        other_candidates=e.other_candidates,
    )


def identity_event(r: IdentityDecisionMade) -> IdentityEvent | None:
    """The domain event a record stands for (merges and splits come with the review work)."""
    if r.record is None:
        return None
    levels = tuple((a.field, a.level, a.weight) for a in r.levels)
    evidence = Evidence(r.strong_ids, r.conflicts, levels, r.notes, r.other_candidates)
    person = _person(r.record)
    if r.kind is IdentityDecisionKind.LINK:
        return ChildLinked(person, r.child_key, r.score or 0.0, evidence)
    if r.kind is IdentityDecisionKind.NEW:
        return NewChildRegistered(person, r.child_key, r.score, evidence)
    return PossibleMatchFound(person, r.child_key, r.candidate_key or "", r.score or 0.0, evidence)


class Resolution:
    def __init__(self, config: MatchConfig = DEFAULT_CONFIG) -> None:
        self.state = ResolverState()
        self.config = config

    def rebuild(self, records: Iterable[IdentityDecisionMade]) -> int:
        count = 0
        for record in records:
            if (event := identity_event(record)) is not None:
                self.state = apply(self.state, event)
                count += 1
        return count

    def resolve(self, event: Event) -> tuple[str, list[IdentityDecisionMade | PossibleMatchRaised]]:
        envelope = event.envelope  # type: ignore[attr-defined]
        person = person_from_event(event)
        if (known := self.state.record_child.get(person.record_id)) is not None:
            return known, []  # redelivered, or another event of the same record: decided already
        self.state, decision = resolve(self.state, person, self.config)
        outputs: list[IdentityDecisionMade | PossibleMatchRaised] = [
            decision_record(decision, envelope.event_id)
        ]
        if isinstance(decision, PossibleMatchFound):
            outputs.append(
                PossibleMatchRaised(
                    command_id=outputs[0].decision_id,
                    child_key=decision.child_key,
                    candidate_key=decision.candidate_key,
                    score=decision.score,
                    record_ref=decision.record.record_id,
                    raised_at=envelope.recorded_at,
                )
            )
        return decision.child_key, outputs
