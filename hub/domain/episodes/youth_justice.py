"""YOT interventions (report p.37) -> Youth Justice episodes, one per YOT case.

The sub-type is what the court or the YOT decided, not "Youth Offending Team" for every case
(``subtype_for``). A Youth Inclusion and Support Panel referral (children at risk of
offending) is "Youth Inclusion and Support Panels". A court or out-of-court disposal maps to
the report's YJ option that delivers it (Appendix A):

- Youth Rehabilitation Order: "Community sentences" (the youth community sentence);
- Referral Order: "Restorative justice" (a youth offender panel agrees a contract of
  reparation with the child: restorative in design; the YJB counts it as first-tier, not as a
  community sentence);
- Youth Caution, Youth Conditional Caution: "Early intervention programmes" (out-of-court
  disposals: the YOT's pre-court intervention);
- bail supervision and support: "Bail supervision";
- Detention and Training Order, and any disposal the list does not name: "Youth Offending
  Team" (the YOT supervises the licence; no closer option).

The referral date is kept as the referral date; the start date moves to the first YJ service
use a provider returns (``first_delivery``). ``YotReferralClosed`` closes the case's episode.
"""

from __future__ import annotations

from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import closed, opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import YotReferralClosed, YotReferralMade
from hub.domain.events.youth_justice import YotReferralKind

YISP = "YOUTH_INCLUSION_AND_SUPPORT_PANELS"
SUPERVISION = "YOUTH_OFFENDING_TEAM"
# Disposal (lower case, words only) -> YJ sub-type; see the module docstring for why.
DISPOSALS: dict[str, str] = {
    "youth rehabilitation order": "COMMUNITY_SENTENCES",
    "referral order": "RESTORATIVE_JUSTICE",
    "youth caution": "EARLY_INTERVENTION_PROGRAMMES",
    "youth conditional caution": "EARLY_INTERVENTION_PROGRAMMES",
    "bail supervision": "BAIL_SUPERVISION",
    "bail supervision and support": "BAIL_SUPERVISION",
    "detention and training order": SUPERVISION,
}
PROVIDER = "Youth Offending Team"


def subtype_for(kind: YotReferralKind, disposal: str | None) -> str:
    """The YJ sub-type of an intervention: YISP, or what the disposal says."""
    if kind is YotReferralKind.YISP:
        return YISP
    words = " ".join((disposal or "").lower().replace("-", " ").split())
    return DISPOSALS.get(words, SUPERVISION)


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
        subtype=subtype_for(event.referral_kind, event.disposal_type),
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
