"""Resolving each source event to a hub child key, with decisions as records.

The resolver's state is a cache of its decisions: on start-up it is rebuilt from
``cin.hub.identity-decisions.v1`` (:meth:`Resolution.rebuild`), then each event is resolved
in arrival order. A redelivered event resolves to the same key and changes nothing.
A reviewer's answer (:meth:`Resolution.review`) merges or splits children; its decision
records (MERGE, SPLIT, NOT_SAME) replay like the others, so a rebuild follows the review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from hub.domain.events import Event
from hub.domain.events.common import TypedIdentifier
from hub.domain.examples import EXAMPLE_ID_TYPE
from hub.domain.identity.apply import apply
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import (
    ChildLinked,
    ChildrenMerged,
    ChildSplit,
    Decision,
    Evidence,
    IdentityEvent,
    NewChildRegistered,
    NotSameChild,
    PossibleMatchFound,
)
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolver import resolve
from hub.domain.identity.review import answer_conflict, answer_possible_match, split_out
from hub.domain.identity.review_result import ReviewResult
from hub.domain.identity.state import ResolverState
from hub.domain.outputs import PossibleMatchRaised, ReviewPossibleMatch, SplitChild
from hub.domain.outputs.identity import (
    FieldAgreement,
    IdentityDecisionKind,
    IdentityDecisionMade,
    PersonRecordSnapshot,
)

_SEX = {"MALE": "M", "FEMALE": "F"}
_REVIEWED = frozenset(
    {IdentityDecisionKind.MERGE, IdentityDecisionKind.SPLIT, IdentityDecisionKind.NOT_SAME}
)


def record_id_of(event: Event) -> str:
    """The resolver's id of the person record an event describes (source system and record)."""
    envelope = event.envelope
    return f"{envelope.source_system}:{envelope.source_record_id}"


def person_from_event(event: Event) -> PersonRecord:
    envelope = event.envelope
    s = envelope.subject
    # the example mark (hub.domain.examples) says what the event is, not who the child is
    others = [i for i in s.other_ids if i.type.upper() != EXAMPLE_ID_TYPE]
    own = others[0].value if others else (s.la_child_id or s.yot_id or s.upn or "")
    return PersonRecord(
        record_id=record_id_of(event),
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
        other_ids=tuple((i.type.lower(), i.value) for i in others),
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
    """The domain event a record stands for; None for a record that stands for none."""
    if r.kind in _REVIEWED:
        return _reviewed_event(r)
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


def _reviewed_event(r: IdentityDecisionMade) -> IdentityEvent | None:
    if r.candidate_key is None:
        return None
    reason = r.reason or ""
    if r.kind is IdentityDecisionKind.MERGE:
        return ChildrenMerged(r.child_key, r.candidate_key, r.record_ids, reason)
    if r.kind is IdentityDecisionKind.SPLIT:
        return ChildSplit(r.candidate_key, r.child_key, r.record_ids, reason)
    return NotSameChild(r.child_key, r.candidate_key, reason)


def review_record(
    event: ChildrenMerged | ChildSplit | NotSameChild, command_id: str,
    record: PersonRecord | None = None,
) -> IdentityDecisionMade:
    """The decision record of a reviewer's answer; its id derives from the command's."""
    if isinstance(event, ChildrenMerged):
        kind, key, other = IdentityDecisionKind.MERGE, event.into_key, event.from_key
    elif isinstance(event, ChildSplit):
        kind, key, other = IdentityDecisionKind.SPLIT, event.restored_key, event.from_key
    else:
        kind, key, other = IdentityDecisionKind.NOT_SAME, event.child_key, event.candidate_key
    return IdentityDecisionMade(
        decision_id=_decision_id(kind, command_id, key), kind=kind, child_key=key,
        candidate_key=other, source_event_id=command_id,
        record=_snapshot(record) if record else None,
        record_ids=getattr(event, "record_ids", ()), reason=event.reason,
    )


class Resolution:
    def __init__(self, config: MatchConfig = DEFAULT_CONFIG) -> None:
        self.state = ResolverState()
        self.config = config
        self.reviewed: set[str] = set()
        """Ids of the review commands carried out (a reviewed decision's ``source_event_id``)."""

    def rebuild(self, records: Iterable[IdentityDecisionMade]) -> int:
        """Apply decision records in the order they were made; a copy of one already
        applied (a send repeated after a crash has the same decision id) is skipped."""
        count, seen = 0, set()
        for record in records:
            if record.decision_id in seen:
                continue
            seen.add(record.decision_id)
            if (event := identity_event(record)) is not None:
                self.state = apply(self.state, event)
                count += 1
            if record.kind in _REVIEWED and record.source_event_id:
                self.reviewed.add(record.source_event_id)
        return count

    def record_child(self, record_id: str) -> str | None:
        """The key the person record belongs to now; None for a record never resolved."""
        return self.state.record_child.get(record_id)

    @staticmethod
    def record_id_of(event: Event) -> str:
        """The person record id of ``event`` (what ``record_child`` and ``records_of`` name)."""
        return record_id_of(event)

    def review(self, command: ReviewPossibleMatch | SplitChild, at: datetime) -> ReviewResult:
        """Carry out a reviewer's answer: update the state and say what changed.

        Raises :class:`hub.domain.identity.review.ReviewRejected` (state unchanged) for a
        command that cannot be carried out. A command already carried out (the same
        ``command_id``, also after a rebuild) changes nothing and returns an empty result.
        """
        if command.command_id in self.reviewed:
            return ReviewResult(at=at)
        events: list[ChildrenMerged | ChildSplit | NotSameChild]
        if isinstance(command, ReviewPossibleMatch) and self._is_conflict_review(command):
            events = [*answer_conflict(
                self.state, self.state.current_key(command.child_key), command.same_child,
                f"not the same child: reviewed by {command.by}",
            )]
        elif isinstance(command, ReviewPossibleMatch):
            answer = answer_possible_match(
                self.state, command.child_key, command.candidate_key, command.same_child,
                f"{'same child' if command.same_child else 'not the same child'}: "
                f"reviewed by {command.by}",
            )
            events = [answer]
        else:
            events = [*split_out(self.state, command.child_key, command.record_ids,
                                 f"{command.reason} (split by {command.by})")]
        decisions = [review_record(e, command.command_id, self._latest(e)) for e in events]
        for event in events:
            self.state = apply(self.state, event)
        self.reviewed.add(command.command_id)
        return self._result(events, decisions, at)

    def _is_conflict_review(self, command: ReviewPossibleMatch) -> bool:
        """A review of records attached to a child despite a conflict names that child twice
        (the task was raised with ``child_key == candidate_key``)."""
        return self.current_key(command.child_key) == self.current_key(command.candidate_key)

    def _latest(self, event: ChildrenMerged | ChildSplit | NotSameChild) -> PersonRecord | None:
        """A split's most recently seen record, to describe the child it moves to."""
        if not isinstance(event, ChildSplit):
            return None
        records = self.state.children[event.from_key].records
        return max((records[r] for r in event.record_ids), key=lambda h: h.seq).person.record

    def _result(
        self, events: list[ChildrenMerged | ChildSplit | NotSameChild],
        decisions: list[IdentityDecisionMade], at: datetime,
    ) -> ReviewResult:
        affected: list[str] = []
        retired: dict[str, str] = {}
        for event in events:
            if isinstance(event, ChildrenMerged):
                affected += [event.from_key, event.into_key]
                retired[event.from_key] = event.into_key
            elif isinstance(event, ChildSplit):
                affected += [k for k in (event.from_key, event.restored_key) if k not in affected]
        records_of = {
            key: tuple(sorted(held, key=lambda r: held[r].seq))
            for key in affected if key not in retired
            for held in [self.state.children[key].records]
        }
        return ReviewResult(decisions, tuple(affected), retired, records_of, at)

    def keys_behind(self, keys: tuple[str, ...]) -> set[str]:
        """``keys`` and every key ever merged into one of them: where their events were sent."""
        now = set(keys)
        return now | {k for k in self.state.merged_into if self.state.current_key(k) in now}

    def current_key(self, child_key: str) -> str:
        """The key a child is known by now (a merged child's survivor), for routing commands."""
        return self.state.current_key(child_key)

    def resolve(self, event: Event) -> tuple[str, list[IdentityDecisionMade | PossibleMatchRaised]]:
        envelope = event.envelope
        person = person_from_event(event)
        if (known := self.state.record_child.get(person.record_id)) is not None:
            return known, []  # redelivered, or another event of the same record: decided already
        self.state, decision = resolve(self.state, person, self.config)
        made = decision_record(decision, envelope.event_id)
        outputs: list[IdentityDecisionMade | PossibleMatchRaised] = [made]
        conflicting = isinstance(decision, ChildLinked) and bool(decision.evidence.conflicts)
        if isinstance(decision, PossibleMatchFound) or conflicting:
            # a link despite a conflicting identifier: a review of the child's own records
            candidate = (
                decision.candidate_key if isinstance(decision, PossibleMatchFound)
                else decision.child_key
            )
            outputs.append(
                PossibleMatchRaised(
                    command_id=made.decision_id,
                    child_key=decision.child_key,
                    candidate_key=candidate,
                    score=decision.score,
                    record_ref=decision.record.record_id,
                    raised_at=envelope.recorded_at,
                )
            )
        return decision.child_key, outputs
