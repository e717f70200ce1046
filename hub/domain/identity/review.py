"""A reviewer's answers as events: merge two children, keep them apart, or split records out.

Each function reads the state and returns the events that carry the answer out; ``apply``
makes them so. A question the state cannot answer (an unknown key, no open review for the
pair, a record the child does not hold) raises :class:`ReviewRejected`, whose text holds
codes, keys and record ids only, never a name or a source identifier.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.domain.identity.events import ChildrenMerged, ChildSplit, NotSameChild
from hub.domain.identity.keys import child_key as new_child_key
from hub.domain.identity.state import ResolverState


class ReviewRejected(ValueError):  # noqa: N818 - a domain answer, named as the reviewer sees it
    """The review cannot be carried out; ``code`` is for machines, ``reason`` for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def merge_children(
    state: ResolverState, into_key: str, from_key: str, reason: str
) -> ChildrenMerged:
    """The event that makes ``from_key`` part of ``into_key`` (both must be current keys)."""
    for key in (into_key, from_key):
        if key not in state.children:
            raise ValueError(f"no current child {key}")
    if into_key == from_key:
        raise ValueError("a child cannot be merged into itself")
    record_ids = tuple(sorted(state.children[from_key].records))
    return ChildrenMerged(into_key, from_key, record_ids, reason)


def split_merge(state: ResolverState, merged: ChildrenMerged, reason: str) -> ChildSplit:
    """The event that undoes ``merged``: its records go back to their old key."""
    current = state.current_key(merged.into_key)
    moved = tuple(r for r in merged.record_ids if state.record_child.get(r) == current)
    if not moved:
        raise ValueError(f"the records of {merged.from_key} are no longer in {current}")
    return ChildSplit(current, merged.from_key, moved, reason)


def answer_possible_match(
    state: ResolverState, child_key: str, candidate_key: str, same_child: bool, reason: str
) -> ChildrenMerged | NotSameChild:
    """The same child: ``child_key`` (provisional) merges into the candidate, which survives.

    Not the same: the open review closes. The candidate may have been merged since the review
    opened; its current key is the one that counts.
    """
    if child_key not in state.children:
        raise ReviewRejected("UNKNOWN_CHILD", f"no current child {child_key}")
    open_with = state.reviews.get(child_key)
    if open_with is None or state.current_key(open_with) != state.current_key(candidate_key):
        raise ReviewRejected(
            "NO_OPEN_REVIEW", f"no open possible match of {child_key} with {candidate_key}"
        )
    if not same_child:
        return NotSameChild(child_key, open_with, reason)
    into_key = state.current_key(candidate_key)
    if into_key not in state.children or into_key == child_key:
        raise ReviewRejected("UNKNOWN_CHILD", f"no other current child {candidate_key}")
    return merge_children(state, into_key, child_key, reason)


def answer_conflict(
    state: ResolverState, child_key: str, same_child: bool, reason: str
) -> list[ChildSplit]:
    """The answer to a conflict review: records attached to ``child_key`` despite a
    conflicting identifier (``ResolverState.conflict_records``). The same child: nothing
    moves (their conflicting identifiers stay off the child). Not the same: they leave for a
    child of their own, which takes those identifiers (``split_out``)."""
    if child_key not in state.children:
        raise ReviewRejected("UNKNOWN_CHILD", f"no current child {child_key}")
    held = state.conflict_records(child_key)
    if not held:
        raise ReviewRejected("NO_OPEN_REVIEW", f"no conflicting record held by {child_key}")
    return [] if same_child else split_out(state, child_key, held, reason)


def split_out(
    state: ResolverState, from_key: str, record_ids: Sequence[str], reason: str
) -> list[ChildSplit]:
    """``record_ids`` leave ``from_key``: each back to the key it was merged in from; the
    records never merged in start one new child together (a deterministic key).

    One event per destination, in the order of each destination's earliest record.
    """
    child = state.children.get(from_key)
    if child is None:
        raise ReviewRejected("UNKNOWN_CHILD", f"no current child {from_key}")
    wanted = set(record_ids)
    if not wanted:
        raise ReviewRejected("NO_RECORDS", "name at least one record to split out")
    if missing := sorted(wanted - set(child.records)):
        raise ReviewRejected("NOT_IN_CHILD", f"{from_key} does not hold {', '.join(missing)}")
    if wanted == set(child.records):
        raise ReviewRejected("WOULD_EMPTY_CHILD", f"a split must leave {from_key} a record")
    by_seq = sorted(wanted, key=lambda r: child.records[r].seq)
    groups: dict[str | None, list[str]] = {}
    for record_id in by_seq:
        groups.setdefault(_origin(state, record_id, from_key), []).append(record_id)
    events = []
    for origin, moved in groups.items():
        first = child.records[moved[0]].person.record
        destination = origin or new_child_key(first, state.keys_used)
        events.append(ChildSplit(from_key, destination, tuple(sorted(moved)), reason))
    return events


def _origin(state: ResolverState, record_id: str, from_key: str) -> str | None:
    """The key ``record_id`` was last merged in from (followed to its survivor when that key
    was merged elsewhere since), or None when it was never merged in."""
    stack = state.merged_from.get(record_id, ())
    if not stack:
        return None
    origin = stack[-1]
    if state.merged_into.get(origin, from_key) != from_key:
        origin = state.current_key(origin)
    return None if origin == from_key else origin
