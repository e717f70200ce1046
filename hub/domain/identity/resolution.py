"""Resolving each source event to a hub child key, with decisions as records.

The resolver's state is a cache of its decisions: on start-up it is rebuilt from
``cin.hub.identity-decisions.v1`` (:meth:`Resolution.rebuild`), then each event is resolved
in arrival order. A redelivered event resolves to the same key and changes nothing.
A reviewer's answer (:meth:`Resolution.review`) merges or splits children; its decision
records (MERGE, SPLIT, NOT_SAME) replay like the others, so a rebuild follows the review.
:meth:`Resolution.settle` brings the index to the canonical resolution of the records it
holds (``hub.domain.identity.canonical``), so the children do not depend on arrival order;
its records (MOVE, RETIRE, REVIEW_OPEN, REVIEW_CLOSE) replay the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from hub.domain.events import Event
from hub.domain.events.common import TypedIdentifier
from hub.domain.examples import EXAMPLE_ID_TYPE
from hub.domain.identity.apply import apply
from hub.domain.identity.blocking import household_keys
from hub.domain.identity.canonical import resolve_canonically, settle_plan, settlement_events
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import (
    ChildLinked,
    ChildrenMerged,
    ChildRetired,
    ChildSplit,
    Decision,
    Evidence,
    IdentityEvent,
    NewChildRegistered,
    NotSameChild,
    PossibleMatchFound,
    RecordsMoved,
    ReviewClosed,
    ReviewOpened,
    Settled,
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
_SETTLED = frozenset({
    IdentityDecisionKind.MOVE, IdentityDecisionKind.RETIRE,
    IdentityDecisionKind.REVIEW_OPEN, IdentityDecisionKind.REVIEW_CLOSE,
})


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


def decision_record(
    decision: Decision, source_event_id: str, evidence_only: bool = False
) -> IdentityDecisionMade:
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
        evidence_only=evidence_only,
    )


def identity_event(r: IdentityDecisionMade) -> IdentityEvent | None:
    """The domain event a record stands for; None for a record that stands for none."""
    if r.kind in _REVIEWED:
        return _reviewed_event(r)
    if r.kind in _SETTLED:
        return _settled_event(r)
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


def _settled_event(r: IdentityDecisionMade) -> Settled | None:
    other = r.candidate_key or ""
    if r.kind is IdentityDecisionKind.MOVE:
        return RecordsMoved(other, r.child_key, r.record_ids)
    if r.kind is IdentityDecisionKind.RETIRE:
        return ChildRetired(other, r.child_key)
    if r.kind is IdentityDecisionKind.REVIEW_OPEN:
        return ReviewOpened(r.child_key, other)
    return ReviewClosed(r.child_key, other)


def settlement_record(event: Settled, stamp: str, **extra: Any) -> IdentityDecisionMade:
    """The decision record of one settlement event; ``stamp`` (the number of records resolved
    when it settled) tells two settlements' identical moves apart."""
    kind: IdentityDecisionKind
    if isinstance(event, RecordsMoved):
        kind, key, other, ids = IdentityDecisionKind.MOVE, event.to_key, event.from_key, \
            event.record_ids
    elif isinstance(event, ChildRetired):
        kind, key, other, ids = IdentityDecisionKind.RETIRE, event.into_key, event.key, ()
    elif isinstance(event, ReviewOpened):
        kind, key, other = IdentityDecisionKind.REVIEW_OPEN, event.child_key, event.candidate_key
        ids = extra.pop("record_ids", ())
    else:
        kind, key, other, ids = (IdentityDecisionKind.REVIEW_CLOSE, event.child_key,
                                 event.candidate_key, ())
    return IdentityDecisionMade(
        decision_id=_decision_id("SETTLE", stamp, kind, key, other, *ids), kind=kind,
        child_key=key, candidate_key=other, record_ids=ids, reason=SETTLED_REASON, **extra,
    )


SETTLED_REASON = "settled: the records' canonical resolution (independent of arrival order)"


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


@dataclass(frozen=True)
class ReviewChange:
    """A review a settlement opened or closed, for the task it needs (or no longer needs)."""

    child_key: str
    """The provisional key (the task's child when it was raised)."""
    candidate_key: str
    """As the task names it."""
    route_key: str
    """The key the task is under now (the provisional key's current key)."""
    record_ref: str = ""
    score: float = 0.0
    decision_id: str = ""


@dataclass(frozen=True)
class SettleInput:
    """A snapshot of what a settlement resolves: the records (immutable), the children a
    reviewer decided about (left as they are), their household keys, and the index's change
    count when it was taken (``Resolution.changes``)."""

    records: tuple[PersonRecord, ...]
    fixed: frozenset[str]
    held_out: frozenset[str]
    config: MatchConfig
    changes: int

    def resolve(self) -> tuple[ResolverState, list[Decision]]:
        """The canonical resolution of the records: reads nothing but this snapshot, so it
        may run in another thread while the index goes on changing."""
        return resolve_canonically(self.records, self.config, self.held_out)


@dataclass(frozen=True)
class Settling:
    """What a settlement changed: ``result`` as a review's (decisions, keys whose records
    changed, keys retired, what each holds now), and the review tasks to raise and cancel."""

    result: ReviewResult = field(default_factory=ReviewResult)
    opened: tuple[ReviewChange, ...] = ()
    closed: tuple[ReviewChange, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key the settlement names (for reading back the events that date it)."""
        named = [*self.result.affected]
        named += [k for c in (*self.opened, *self.closed) for k in (c.child_key, c.route_key)]
        return tuple(dict.fromkeys(named))


def _task_pair(change: ReviewChange) -> tuple[str, ...]:
    """What names a review's task: its two keys, as raised."""
    return tuple(sorted((change.child_key, change.candidate_key)))


class Resolution:
    def __init__(self, config: MatchConfig = DEFAULT_CONFIG) -> None:
        self.state = ResolverState()
        self.config = config
        self.reviewed: set[str] = set()
        """Ids of the review commands carried out (a reviewed decision's ``source_event_id``)."""
        self.evidence_only: set[str] = set()
        """Record ids of identity evidence only (no review task for them)."""
        self.review_tasks: dict[str, str] = {}
        """Provisional key -> candidate key, for every review raised with a task."""
        self.fixed: set[str] = set()
        """Keys a reviewer decided about: a settlement leaves their children as they are."""
        self.unsettled = True
        """Records resolved (or a restart) since the last settlement."""
        self.changes = 0
        """How many times the index has changed: a settlement computed on a snapshot applies
        only if this is still what it was when the snapshot was taken."""

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
            self._note(record)
            self.changes += 1  # its bookkeeping too (the children a reviewer fixed)
        return count

    def _note(self, record: IdentityDecisionMade) -> None:
        """Keep the bookkeeping a decision record carries besides its event."""
        kind = record.kind
        if kind in _REVIEWED:
            if record.source_event_id:
                self.reviewed.add(record.source_event_id)
            self.fixed.update(k for k in (record.child_key, record.candidate_key) if k)
        elif record.evidence_only and record.record is not None:
            self.evidence_only.add(record.record.record_id)
        opens = kind in (IdentityDecisionKind.POSSIBLE_MATCH, IdentityDecisionKind.REVIEW_OPEN)
        if opens and not record.evidence_only and record.candidate_key:
            self.review_tasks[record.child_key] = record.candidate_key
        elif kind is IdentityDecisionKind.REVIEW_CLOSE:
            self.review_tasks.pop(record.child_key, None)

    def settle(self) -> Settling:
        """Bring the index to the canonical resolution of the records it holds
        (``hub.domain.identity.canonical``): the same children and open reviews whatever
        order the records arrived in. Children a reviewer decided about stay as they are and
        their records are left out. Returns what changed (empty when nothing did)."""
        given = self.settle_input()
        settling = self.settle_from(given, given.resolve())
        assert settling is not None  # nothing changed the index in between
        return settling

    def settle_input(self) -> SettleInput:
        """What a settlement is computed from: a snapshot of the records (immutable), so the
        canonical resolution, the costly part, can run beside further resolving
        (:meth:`SettleInput.resolve`, then :meth:`settle_from`)."""
        fixed = frozenset(
            k for k in {self.state.current_key(f) for f in self.fixed} if k in self.state.children
        )
        records = tuple(held.person.record for key, child in self.state.children.items()
                        if key not in fixed for held in child.records.values())
        held_out = frozenset(
            k for key in fixed for held in self.state.children[key].records.values()
            if held.person.postcode is not None
            for k in household_keys(held.person.postcode.full, held.person.family)
        )
        return SettleInput(records, fixed, held_out, self.config, self.changes)

    def settle_from(
        self, given: SettleInput, canonical: tuple[ResolverState, list[Decision]]
    ) -> Settling | None:
        """:meth:`settle` with the canonical resolution of ``given`` already computed; None
        (nothing done, still unsettled) when the index changed since ``given`` was taken."""
        if given.changes != self.changes:
            return None
        self.unsettled = False
        fixed, (canonical_state, decisions) = given.fixed, canonical
        plan = settle_plan(self.state, canonical_state, fixed)
        if plan.changes_nothing:
            return Settling()
        self.changes += 1
        stamp = str(self.state.seq)
        opening = {plan.keys[d.child_key]: d for d in decisions
                   if isinstance(d, PossibleMatchFound)}
        made: list[IdentityDecisionMade] = []
        opened: list[ReviewChange] = []
        closed: list[ReviewChange] = []
        events = settlement_events(plan)
        for event in events:
            if isinstance(event, ReviewOpened):
                d = opening.get(event.child_key)
                ref = d.record.record_id if d else ""
                quiet = d is None or ref in self.evidence_only
                record = settlement_record(event, stamp, record_ids=(ref,) if ref else (),
                                           score=d.score if d else None, evidence_only=quiet)
                if not quiet:
                    opened.append(ReviewChange(event.child_key, event.candidate_key, "", ref,
                                               d.score if d else 0.0, record.decision_id))
            elif isinstance(event, RecordsMoved):  # its latest record describes where it goes
                held = self.state.children[event.from_key].records
                latest = max((held[r] for r in event.record_ids), key=lambda h: h.seq)
                record = settlement_record(event, stamp, record=_snapshot(latest.person.record))
            else:
                record = settlement_record(event, stamp)
                if isinstance(event, ReviewClosed) and event.child_key in self.review_tasks:
                    closed.append(ReviewChange(
                        event.child_key, self.review_tasks[event.child_key], "",
                        decision_id=record.decision_id))
            made.append(record)
        for event, record in zip(events, made, strict=True):
            self.state = apply(self.state, event)
            self._note(record)
        current = self.state.current_key
        # a review closed and opened again on the same pair keeps its task as it is
        again = {_task_pair(c) for c in opened} & {_task_pair(c) for c in closed}
        opened = [replace(c, route_key=current(c.child_key)) for c in opened
                  if _task_pair(c) not in again]
        closed = [replace(c, route_key=current(c.child_key)) for c in closed
                  if _task_pair(c) not in again]
        affected = tuple(dict.fromkeys(k for s, t, _ in plan.moves for k in (s, t)))
        records_of = {
            key: tuple(sorted(held, key=lambda r: held[r].seq))
            for key in affected if key not in plan.retired
            for held in [self.state.children[key].records]
        }
        result = ReviewResult(made, affected, dict(plan.retired), records_of)
        return Settling(result, tuple(opened), tuple(closed))

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
        for decision in decisions:
            self._note(decision)
        self.reviewed.add(command.command_id)
        self.changes += 1
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
        made = decision_record(decision, envelope.event_id, type(event).identity_only)
        self._note(made)
        self.unsettled = True
        self.changes += 1
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
