"""Provider service-use returns -> delivered episodes (report pp.25, 45-46, 51).

One episode per returned row (its source record): a single session ends the day it starts
(Table 10); a monthly row runs over the period it reports. Sessions, hours per session, the
professional and whether it was a group session are carried as returned: a group session or
work with parents still counts for the child (pp.45-46). A row with neither sessions nor
days has no volume measure, and the quality report says so; the hub does not invent one.
"""

from __future__ import annotations

from hub.domain.codes import VolumeMeasure
from hub.domain.episodes.core_overlap import overlap_fields
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import ServiceUseReturned


def measure(event: ServiceUseReturned) -> VolumeMeasure | None:
    if event.sessions is not None:
        return VolumeMeasure.S
    if event.days is not None:
        return VolumeMeasure.D
    return None


def drafts(state: EpisodeState, event: ServiceUseReturned, child_key: str) -> list[ServiceEpisode]:
    envelope = event.envelope
    volume = measure(event)
    return [
        new_episode(
            event,
            child_key,
            episode_id=episode_id("service-use", envelope.source_system, envelope.source_record_id),
            basis=EpisodeBasis.DELIVERED,
            source_kind=EpisodeSource.SERVICE_USE,
            service=event.service,
            subtype=event.subtype,
            provider=event.provider,
            start_date=event.period_start,
            end_date=event.period_end,
            start_basis=StartBasis.FIRST_DELIVERY,
            first_delivery_date=event.period_start,
            volume_measure=volume,
            sessions=event.sessions,
            days_nights=event.days,
            session_hours=event.hours_per_session,
            professional_type=event.professional_type,
            group_session=event.group_session,
            **overlap_fields(event.service, event.subtype, volume),
        )
    ]
