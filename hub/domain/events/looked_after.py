"""Looked-after children: the SSDA903 return's episodes of care."""

from __future__ import annotations

from datetime import date

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event

SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})  # report Appendix A


class LookedAfterEpisodeRecorded(Event):
    envelope: Envelope
    episode_start: date
    reason_new_episode: str | None = None
    legal_status: str
    cin_category: str | None = None
    placement: str | None = None
    placement_provider: str | None = None
    episode_end: date | None = None
    reason_episode_ceased: str | None = None
    reason_place_change: str | None = None

    @property
    def short_break(self) -> bool:
        """Legal status V3 (single short breaks) or V4 (an agreed series of them)."""
        return self.legal_status in SHORT_BREAK_LEGAL_STATUSES
