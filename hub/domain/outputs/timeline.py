"""One line of a child's timeline: what happened, from which system, without names or ids."""

from __future__ import annotations

from hub.domain.codes import AdditionalService
from hub.domain.events.base import Timestamp
from hub.domain.outputs.base import ChildDetail


class TimelineEntry(ChildDetail):
    child_key: str
    event_id: str
    event_type: str
    source_system: str
    occurred_at: Timestamp
    summary: str
    service: AdditionalService | None = None
