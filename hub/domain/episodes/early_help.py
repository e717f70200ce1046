"""CAF-led early help (report pp.17-18: a CAF may lead to services with no CSC referral).

A completed CAF opens one episode: Early Years "Parenting support" when the child is under
five on the completion date, otherwise Family Support "Parent support and Parenting". Why:
Appendix A puts support for pre-school children and their parents under Early Years (and
children's centres lead CAFs for the under-fives), and family support for the rest; a child
whose date of birth is unknown gets Family Support. The CAF team is the provider.
``CafClosed`` closes it on the closure date.
"""

from __future__ import annotations

from datetime import date

from hub.domain.child.disclosure import age_band
from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import closed, opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import CafClosed, CafCompleted
from hub.domain.outputs.codes import AgeBand

EARLY_YEARS = (AdditionalService.EY, "PARENTING_SUPPORT")
FAMILY_SUPPORT = (AdditionalService.FS, "PARENT_SUPPORT_AND_PARENTING")


def service_for(date_of_birth: date | None, on: date) -> tuple[AdditionalService, str]:
    under_five = age_band(date_of_birth, on) is AgeBand.AGE_0_4
    return EARLY_YEARS if under_five else FAMILY_SUPPORT


def on_completed(state: EpisodeState, event: CafCompleted, child_key: str) -> list[ServiceEpisode]:
    service, subtype = service_for(event.envelope.subject.date_of_birth, event.completed_date)
    draft = new_episode(
        event,
        child_key,
        episode_id=episode_id("caf", event.envelope.source_system, event.caf_id),
        basis=EpisodeBasis.NOTIFIED,
        source_kind=EpisodeSource.CAF,
        service=service,
        subtype=subtype,
        provider=event.team,
        start_date=event.completed_date,
        start_basis=StartBasis.REFERRAL,
        referral_date=event.completed_date,
    )
    return opened(state, event, draft)


def on_closed(state: EpisodeState, event: CafClosed, child_key: str) -> list[ServiceEpisode]:
    wanted = episode_id("caf", event.envelope.source_system, event.caf_id)
    return closed(state, event, event.closed_date, lambda e: e.episode_id == wanted)
