"""``ChildReset``: the resolver's control record telling every per-child processor to rebuild.

Sent on ``cin.hub.resolved-events.v1`` under ``child_key`` when an identity review (a merge or
a split) changed which person records the child has. Right after it, the resolver re-sends
every event that now belongs to ``child_key``, in order; processors forget what those events
taught them (keeping what staff decided) and learn it again. ``into_key`` set: the child was
merged into ``into_key``, no longer exists and gets no events.
"""

from __future__ import annotations

from hub.domain.events.base import Record, Timestamp
from hub.domain.outputs.base import output_id


class ChildReset(Record):
    reset_id: str
    child_key: str
    reason: str
    into_key: str | None = None
    decision_id: str
    at: Timestamp


def reset_id_for(decision_id: str, child_key: str) -> str:
    """Deterministic: the same decision resets the same child under the same id."""
    return output_id("child-reset", decision_id, child_key)
