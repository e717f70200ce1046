"""``EpisodeState``: what the episode builder remembers per hub child key (a state-table row).

Frozen; rules return a new state. ``open`` holds, in full, the episodes a later event may
still change: case episodes without an end date (SEN, YOT, CAF, register) and planned panel
lines (a revised decision may withdraw them; a payment may name them). Everything else that
was emitted is ``settled``: only its id, version and a digest of its content, which is all a
correction needs to become the next version, and all a redelivery needs to change nothing.
``looked_after`` holds the child's SSDA903 episodes (legal status and days), which decide V3
short breaks and the looked-after overlap whatever order events arrive in.
``earlier`` holds the stamps of what was emitted before the last ``ChildReset`` (an identity
review): they number the versions of an episode derived again (one derived again unchanged is
not emitted), and never stop one opening again.
"""

from __future__ import annotations

import hashlib
from datetime import date

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.events.base import Record

MAX_OPEN = 200  # beyond this the oldest open episodes settle (they keep their versions)
MAX_SETTLED = 5000  # ~25 years of weekly sessions; past it the oldest stamps are dropped
MAX_RESETS = 20  # ChildReset ids already applied: a redelivered reset changes nothing


class Stamp(Record):
    episode_id: str
    version: int
    digest: str


def digest(episode: ServiceEpisode) -> str:
    """The content of an episode, version aside: equal digests, nothing new to emit."""
    body = episode.model_dump_json(exclude={"version"})
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def stamp(episode: ServiceEpisode) -> Stamp:
    return Stamp(episode_id=episode.episode_id, version=episode.version, digest=digest(episode))


class LookedAfterPeriod(Record):
    """One SSDA903 episode of the child (``looked_after.py``): its legal status and days."""

    record: str  # source system / source record id (CHILD/DECOM): a corrected row replaces it
    start: date
    end: date | None = None
    legal_status: str


class EpisodeState(Record):
    open: tuple[ServiceEpisode, ...] = ()
    settled: tuple[Stamp, ...] = ()
    earlier: tuple[Stamp, ...] = ()
    resets: tuple[str, ...] = ()
    looked_after: tuple[LookedAfterPeriod, ...] = ()  # SSDA903 episodes (looked_after.py)

    def get_open(self, episode_id: str) -> ServiceEpisode | None:
        return next((e for e in self.open if e.episode_id == episode_id), None)

    def last(self, episode_id: str) -> Stamp | None:
        """The latest version emitted for ``episode_id``, open or settled."""
        if found := self.get_open(episode_id):
            return stamp(found)
        return next((s for s in (*self.settled, *self.earlier) if s.episode_id == episode_id),
                    None)

    def is_settled(self, episode_id: str) -> bool:
        return any(s.episode_id == episode_id for s in self.settled)

    def keep(self, episode: ServiceEpisode, still_open: bool) -> EpisodeState:
        """The state after ``episode`` was emitted: in ``open`` in full, or ``settled``."""
        others = tuple(e for e in self.open if e.episode_id != episode.episode_id)
        stamps = tuple(s for s in self.settled if s.episode_id != episode.episode_id)
        if still_open:
            others = (*others, episode)
        else:
            stamps = (*stamps, stamp(episode))
        overflow, others = others[: max(0, len(others) - MAX_OPEN)], others[-MAX_OPEN:]
        stamps = (*stamps, *(stamp(e) for e in overflow))[-MAX_SETTLED:]
        earlier = tuple(s for s in self.earlier if s.episode_id != episode.episode_id)
        return self.model_copy(update={"open": others, "settled": stamps, "earlier": earlier})
