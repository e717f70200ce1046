"""Apply identity events to the resolver state, and rebuild a state from its events.

Decisions add their record (numbered in arrival order; a record id already held is a
redelivery and changes nothing); a possible match also records the
open review. A link despite a conflicting identifier (``ChildLinked`` whose evidence names
conflicts) adds the record without its identifiers of those kinds (``state.withheld``) and
without its names, date of birth, sex and postcode: the child does not take an LA child id,
UPN or NHS number that contradicts its own, nor the look of a record that may be someone
else, and a split of the record to a new child gives them back to it there.

A merge moves every record of ``from_key`` to ``into_key`` and remembers the old key; a split
moves the named records back, so a merge followed by its split leaves children,
crosswalk and blocking index as they were. (A merge closes an open review of ``from_key``; the
split does not reopen it: the split is itself the reviewer's answer.) Each moved record
remembers the keys it was merged in from, so a split can send it back where it came from.
A reviewer's "not the same child" closes the open review and moves nothing.

A settlement (``hub.domain.identity.canonical``) moves records to the child their canonical
resolution gives them, each attached whole (a record held for a conflict takes back its
identifiers, as in a split to a child of its own), retires the keys it leaves empty (as a
merge does) and opens and closes reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hub.domain.identity.events import (
    ChildLinked,
    ChildrenMerged,
    ChildRetired,
    ChildSplit,
    IdentityEvent,
    NewChildRegistered,
    NotSameChild,
    PossibleMatchFound,
    RecordsMoved,
    ReviewClosed,
    ReviewOpened,
    Settled,
)
from hub.domain.identity.records import Person, PersonRecord, normalise
from hub.domain.identity.state import ResolverState


def _move(
    state: ResolverState, record_ids: Iterable[str], to_key: str, own_child: bool = False
) -> None:
    """Move records to ``to_key``. ``own_child``: a split to a child of their own, where a
    record attached for a conflict takes back the identifiers its old child did not take."""
    for record_id in record_ids:
        held = state.remove(record_id)
        person = held.person
        if own_child and state.withheld.pop(record_id, None) is not None:
            person = normalise(person.record)
        state.add(to_key, person, held.seq)


def _attached(state: ResolverState, record: PersonRecord, conflicts: tuple[str, ...]) -> Person:
    """The person as its child holds it. A record linked despite a conflict is held without
    its identifiers of a conflicting kind (``state.withheld`` names them) and without its
    names, date of birth, sex and postcode: the child is matched on its own records only, so
    a later record that looks like the held one does not link to the child on its account.
    The record itself (and the decision log) keeps everything, for the review."""
    person = normalise(record)
    if not conflicts:
        return person
    kinds = set(conflicts)
    withheld = tuple(i for i in person.ids if i[0] in kinds)
    state.withheld[record.record_id] = withheld
    return replace(person, ids=tuple(i for i in person.ids if i[0] not in kinds),
                   given=(), family=(), dob=None, sex=None, postcode=None)


def apply(state: ResolverState, event: IdentityEvent) -> ResolverState:
    """Update ``state`` in place with one event and return it."""
    match event:
        case ChildLinked(record=record) if record.record_id in state.record_child:
            pass  # a redelivered record: already held
        case ChildLinked() | NewChildRegistered() | PossibleMatchFound():
            state.seq += 1
            conflicts = event.evidence.conflicts if isinstance(event, ChildLinked) else ()
            state.add(event.child_key, _attached(state, event.record, conflicts), state.seq)
            if isinstance(event, PossibleMatchFound):
                state.reviews[event.child_key] = event.candidate_key
        case ChildrenMerged(into_key=into_key, from_key=from_key, record_ids=record_ids):
            _move(state, record_ids, into_key)
            for record_id in record_ids:
                state.merged_from[record_id] = (*state.merged_from.get(record_id, ()), from_key)
            state.merged_into[from_key] = into_key
            state.reviews.pop(from_key, None)
        case ChildSplit(restored_key=restored_key, from_key=from_key, record_ids=record_ids):
            _move(state, record_ids, restored_key, own_child=restored_key not in state.keys_used)
            for record_id in record_ids:
                _unstack(state, record_id, restored_key)
            if state.merged_into.get(restored_key) == from_key:
                del state.merged_into[restored_key]
        case NotSameChild(child_key=child_key, candidate_key=candidate_key):
            if state.reviews.get(child_key) == candidate_key:
                del state.reviews[child_key]
        case RecordsMoved() | ChildRetired() | ReviewOpened() | ReviewClosed():
            _settle(state, event)
    return state


def _settle(state: ResolverState, event: Settled) -> None:
    match event:
        case RecordsMoved(to_key=to_key, record_ids=record_ids):
            _move(state, record_ids, to_key, own_child=True)
        case ChildRetired(key=key, into_key=into_key):
            state.merged_into[key] = into_key
            state.reviews.pop(key, None)
        case ReviewOpened(child_key=child_key, candidate_key=candidate_key):
            state.reviews[child_key] = candidate_key
        case ReviewClosed(child_key=child_key):
            state.reviews.pop(child_key, None)  # one review per provisional key


def _unstack(state: ResolverState, record_id: str, restored_key: str) -> None:
    """Back where it was merged from: forget that merge. Anywhere else: it is at home there."""
    stack = state.merged_from.pop(record_id, ())
    if stack and stack[-1] == restored_key and stack[:-1]:
        state.merged_from[record_id] = stack[:-1]


def rebuild(events: Iterable[IdentityEvent]) -> ResolverState:
    """A fresh state with every event applied in order."""
    state = ResolverState()
    for event in events:
        apply(state, event)
    return state
