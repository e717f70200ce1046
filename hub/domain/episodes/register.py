"""Disabled children register entries (report pp.20, 29) -> a Children with Disabilities
episode with no sub-type and no volume: the register says the child is disabled and known to
the service, not which service option they receive or how much. It has no end date (the
register records none); the quality report lists it among episodes without an end or a
volume. Its start date moves to the first CWD delivery returned after the entry. Entries
whose parents withheld consent never reach here: they are only counted (ConsentLimitedUse).
"""

from __future__ import annotations

from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import DisabledRegisterEntryRecorded


def on_entry(
    state: EpisodeState, event: DisabledRegisterEntryRecorded, child_key: str
) -> list[ServiceEpisode]:
    draft = new_episode(
        event,
        child_key,
        episode_id=episode_id("register", event.envelope.source_system, event.register_id),
        basis=EpisodeBasis.NOTIFIED,
        source_kind=EpisodeSource.DISABLED_REGISTER,
        service=AdditionalService.CWD,
        start_date=event.entry_date,
        start_basis=StartBasis.REFERRAL,
        referral_date=event.entry_date,
    )
    return opened(state, event, draft)
