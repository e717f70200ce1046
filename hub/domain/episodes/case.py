"""Case episodes: opened by a notification (SEN statement, YOT referral, CAF, register entry),
closed by a later one. Shared rules:

- The opening event's date is the referral date and, until a delivery is known, the start
  date (``start_basis=REFERRAL``): the report warns such dates are referrals, not delivery.
- A later version of the opening record refreshes the referral date, sub-type and provider
  of an open episode. A closed episode is never reopened by a late or replayed opening.
- A closure dated before the episode's start (a data error) closes it on its start date, so
  an end date is never before a start date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hub.domain.episodes.draft import touched_by
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import Event


def opened(state: EpisodeState, event: Event, draft: ServiceEpisode) -> list[ServiceEpisode]:
    """``draft`` as a new episode, a refresh of the open one, or nothing if it has closed."""
    if state.is_settled(draft.episode_id):
        return []
    existing = state.get_open(draft.episode_id)
    if existing is None:
        return [draft]
    delivered = existing.first_delivery_date is not None
    return [
        touched_by(
            existing,
            event,
            referral_date=draft.referral_date,
            subtype=draft.subtype,
            provider=draft.provider,
            start_date=existing.start_date if delivered else draft.start_date,
        )
    ]


def closed(
    state: EpisodeState, event: Event, on: date, which: Callable[[ServiceEpisode], bool]
) -> list[ServiceEpisode]:
    """Every open episode ``which`` selects, ended on ``on`` (never before its start)."""
    return [
        touched_by(episode, event, end_date=max(on, episode.start_date))
        for episode in state.open
        if episode.is_open and which(episode)
    ]
