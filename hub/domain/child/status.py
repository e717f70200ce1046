"""The CSC status transition: open episodes from ``CscStatusChanged``, and the status they give.

A child may have several open CSC episodes (referrals). Each holds the levels active within it;
the highest current level over all episodes wins: looked after > CP plan > CIN plan > open
referral. With nothing open a child CSC knew is CLOSED, unless the hub has since created a
Contact (CONTACT); a child CSC never knew is UNKNOWN.
"""

from __future__ import annotations

from pydantic import field_serializer

from hub.domain.events.base import Record
from hub.domain.events.csc import CscChange
from hub.domain.outputs.codes import CscStatus

RANK: dict[CscStatus, int] = {
    CscStatus.OPEN_REFERRAL: 1,
    CscStatus.CIN_PLAN: 2,
    CscStatus.CP_PLAN: 3,
    CscStatus.LOOKED_AFTER: 4,
}
PROTECTED = frozenset({CscStatus.CP_PLAN, CscStatus.LOOKED_AFTER})
"""Statuses that raise task priorities: a child protection plan or looked after."""

_STARTS: dict[CscChange, CscStatus] = {
    CscChange.CIN_PLAN_STARTED: CscStatus.CIN_PLAN,
    CscChange.CP_PLAN_STARTED: CscStatus.CP_PLAN,
    CscChange.LOOKED_AFTER_STARTED: CscStatus.LOOKED_AFTER,
}
_ENDS: dict[CscChange, CscStatus] = {
    CscChange.CIN_PLAN_ENDED: CscStatus.CIN_PLAN,
    CscChange.CP_PLAN_ENDED: CscStatus.CP_PLAN,
    CscChange.LOOKED_AFTER_ENDED: CscStatus.LOOKED_AFTER,
}


class Episode(Record):
    episode_id: str
    levels: frozenset[CscStatus] = frozenset({CscStatus.OPEN_REFERRAL})

    @field_serializer("levels", when_used="json")
    def _ranked(self, levels: frozenset[CscStatus]) -> list[CscStatus]:
        """In rank order: a set's own order follows string hashing, which differs per
        process, so the state's changelog bytes would too."""
        return sorted(levels, key=lambda level: (RANK.get(level, 0), level.value))

    @property
    def status(self) -> CscStatus:
        return max(self.levels, key=RANK.__getitem__)


Episodes = tuple[Episode, ...]


def transition(episodes: Episodes, change: CscChange, episode_id: str) -> Episodes:
    """The open episodes after one change. Ending what is not open changes nothing."""
    current = next((e for e in episodes if e.episode_id == episode_id), None)
    others = tuple(e for e in episodes if e.episode_id != episode_id)
    if change is CscChange.REFERRAL_CLOSED:
        return others
    if current is None and change in _ENDS:
        return episodes
    levels = current.levels if current else frozenset({CscStatus.OPEN_REFERRAL})
    if change in _STARTS:
        levels = levels | {_STARTS[change]}
    elif change in _ENDS:
        levels = levels - {_ENDS[change]}
    return (*others, Episode(episode_id=episode_id, levels=levels))


def derive(episodes: Episodes, contact_open: bool, known: bool) -> CscStatus:
    if episodes:
        return max((e.status for e in episodes), key=RANK.__getitem__)
    if contact_open:
        return CscStatus.CONTACT
    return CscStatus.CLOSED if known else CscStatus.UNKNOWN
