"""A reviewer's answers as events: merge two children, or undo a merge with a split."""

from __future__ import annotations

from hub.domain.identity.events import ChildrenMerged, ChildSplit
from hub.domain.identity.state import ResolverState


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
