"""CAF-led early help (report pp.17-18: a CAF may lead to services with no CSC referral).

A completed CAF opens one episode for the support the CAF decided: the needs its assessment
identified say which service (``service_for``), not a blanket "parent support":

- under five on the completion date, Early Years: "Support for pre-school children with
  special needs" for a speech and language need, otherwise "Parenting support" (Appendix A
  puts pre-school children and their parents under Early Years; children's centres lead
  their CAFs);
- five and over, the first need, in this order, that names an additional service: domestic
  abuse, Family Support "Domestic violence"; a young carer, Young Carers "Family support and
  home care"; school attendance, Alternative Educational Provision "Educational welfare";
  behaviour, AEP "Behaviour improvement"; parenting capacity, FS "Parent support and
  Parenting". Emotional health and substance misuse are not mapped: those services need
  explicit consent to share (p.30), which a CAF's consent does not give; housing, finances
  and physical health are not additional services. A CAF with none of these (or no date of
  birth) is FS "Parent support and Parenting": the lead professional's work with the family.

The CAF team is the provider. ``CafClosed`` closes it on the closure date. A CAF closed
because the family disengaged was offered, not received: the episode stays visible but is
not counted (``NOT_TAKEN_UP``). Other closures (needs met, moved away, referred to CSC) end
support that was delivered.
"""

from __future__ import annotations

from datetime import date

from hub.domain.child.disclosure import age_band
from hub.domain.codes import AdditionalService as S
from hub.domain.episodes.case import closed, opened
from hub.domain.episodes.draft import episode_id, new_episode, touched_by
from hub.domain.episodes.model import (
    EpisodeBasis,
    EpisodeSource,
    ExclusionReason,
    ServiceEpisode,
    StartBasis,
)
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import CafClosed, CafCompleted
from hub.domain.events.early_help import CafClosureReason
from hub.domain.outputs.codes import AgeBand

Service = tuple[S, str]
EARLY_YEARS = (S.EY, "PARENTING_SUPPORT")
EARLY_YEARS_SEN = (S.EY, "SUPPORT_FOR_PRE_SCHOOL_CHILDREN_WITH_SPECIAL_NEEDS")
FAMILY_SUPPORT = (S.FS, "PARENT_SUPPORT_AND_PARENTING")
BY_NEED: tuple[tuple[str, Service], ...] = (  # first match wins
    ("DOMESTIC_ABUSE", (S.FS, "DOMESTIC_VIOLENCE")),
    ("YOUNG_CARER", (S.YC, "FAMILY_SUPPORT_AND_HOME_CARE")),
    ("SCHOOL_ATTENDANCE", (S.AEP, "EDUCATIONAL_WELFARE")),
    ("BEHAVIOUR", (S.AEP, "BEHAVIOUR_IMPROVEMENT")),
    ("PARENTING_CAPACITY", FAMILY_SUPPORT),
)


def service_for(date_of_birth: date | None, on: date, needs: tuple[str, ...] = ()) -> Service:
    if age_band(date_of_birth, on) is AgeBand.AGE_0_4:
        return EARLY_YEARS_SEN if "SPEECH_LANGUAGE" in needs else EARLY_YEARS
    return next((service for need, service in BY_NEED if need in needs), FAMILY_SUPPORT)


def _id(event: CafCompleted | CafClosed) -> str:
    return episode_id("caf", event.envelope.source_system, event.caf_id)


def on_completed(state: EpisodeState, event: CafCompleted, child_key: str) -> list[ServiceEpisode]:
    dob = event.envelope.subject.date_of_birth
    service, subtype = service_for(dob, event.completed_date, event.needs)
    draft = new_episode(
        event,
        child_key,
        episode_id=_id(event),
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
    wanted = _id(event)
    ended = closed(state, event, event.closed_date, lambda e: e.episode_id == wanted)
    if event.closure_reason is not CafClosureReason.DISENGAGED:
        return ended
    return [touched_by(e, event, counted_as_additional=False,
                       exclusion_reason=ExclusionReason.NOT_TAKEN_UP) for e in ended]
