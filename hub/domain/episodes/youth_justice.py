"""YOT referrals (report p.37) -> Youth Justice episodes, one per YOT case.

A court disposal is "Youth Offending Team" work; a Youth Inclusion and Support Panel referral
(children at risk of offending) is "Youth Inclusion and Support Panels". The referral date is
kept as the referral date; the start date moves to the first YJ service use a provider returns
(``first_delivery``). ``YotReferralClosed`` closes the case's episode on its closure date.
"""

from __future__ import annotations

from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import closed, opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import YotReferralClosed, YotReferralMade
from hub.domain.events.youth_justice import YotReferralKind

SUBTYPES = {
    YotReferralKind.COURT_DISPOSAL: "YOUTH_OFFENDING_TEAM",
    YotReferralKind.YISP: "YOUTH_INCLUSION_AND_SUPPORT_PANELS",
}
PROVIDER = "Youth Offending Team"


def _id(source_system: str, yot_case_id: str) -> str:
    return episode_id("yot", source_system, yot_case_id)


def on_referral(
    state: EpisodeState, event: YotReferralMade, child_key: str
) -> list[ServiceEpisode]:
    draft = new_episode(
        event,
        child_key,
        episode_id=_id(event.envelope.source_system, event.yot_case_id),
        basis=EpisodeBasis.NOTIFIED,
        source_kind=EpisodeSource.YOT_CASE,
        service=AdditionalService.YJ,
        subtype=SUBTYPES[event.referral_kind],
        provider=PROVIDER,
        start_date=event.referral_date,
        start_basis=StartBasis.REFERRAL,
        referral_date=event.referral_date,
    )
    return opened(state, event, draft)


def on_closure(
    state: EpisodeState, event: YotReferralClosed, child_key: str
) -> list[ServiceEpisode]:
    wanted = _id(event.envelope.source_system, event.yot_case_id)
    return closed(state, event, event.closure_date, lambda e: e.episode_id == wanted)
