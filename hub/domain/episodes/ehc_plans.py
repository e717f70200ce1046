"""EHC plans (SEN statements before the Children and Families Act 2014; report p.34) -> one
SEN episode per service sub-type the plan names, and SEN assessments that end with no plan.

- ``SenAssessmentOutcome`` EHC_PLAN_ISSUED opens them (decision date = referral date = start
  until a delivery is known). A plan naming no service opens one episode without a sub-type.
  A go-live load sends each plan in force as its issue, dated when it was issued.
- NO_EHC_PLAN: the assessment was carried out and ended without a plan. That is SEN
  "Assessment" delivered: one closed episode on the decision date. Its start is UNKNOWN (the
  request is another record). ASSESSMENT_DECLINED: nothing was assessed, nothing is made.
- ``SenStatementChanged`` CEASED or TRANSFERRED_OUT closes every open plan episode on the
  change date. With no plan of the child known at all (it began before the hub knew of it:
  the state keeps ended plan episodes in full for this) it makes a
  closed episode per sub-type named (one without a sub-type if none) whose start is UNKNOWN:
  start = end = the change date, no referral date.
- AMENDED with services closes the sub-types no longer named and opens the new ones (the
  amendment decided them: it is their referral date). With nothing open, an amendment shows
  a plan already in force: its episodes start UNKNOWN on the amendment date, never labelled
  as a referral. AMENDED naming no service changes an open plan not at all.
- TRANSFERRED_IN opens the sub-types it names that are not open (a plan from another LA).
- A sub-type already open for the child (from another record) is never opened twice.
- An issue that arrives after an UNKNOWN-start episode of the same sub-type it explains
  (issued on or before that episode's end) takes its place: the issued episode ends there
  and the UNKNOWN one is withdrawn, so a late go-live load never counts a plan twice. Only
  when the issue first opens its episode: a redelivery must not take another one's place.
"""

from __future__ import annotations

from datetime import date

from hub.domain.codes import AdditionalService
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
from hub.domain.events import SenAssessmentOutcome, SenStatementChanged
from hub.domain.events.education import SenOutcome, SenStatementChange

_ENDING = frozenset({SenStatementChange.CEASED, SenStatementChange.TRANSFERRED_OUT})
PlanEvent = SenAssessmentOutcome | SenStatementChanged


def is_plan(episode: ServiceEpisode) -> bool:
    return episode.source_kind is EpisodeSource.EHC_PLAN


def _running(state: EpisodeState) -> list[ServiceEpisode]:
    return [e for e in state.open if is_plan(e) and e.is_open and e.counted_as_additional]


def _draft(
    event: PlanEvent, child_key: str, subtype: str | None, on: date, *, known_start: bool,
    end: date | None = None,
) -> ServiceEpisode:
    envelope = event.envelope
    return new_episode(
        event,
        child_key,
        episode_id=episode_id(
            "sen", envelope.source_system, envelope.source_record_id, subtype or "-"
        ),
        basis=EpisodeBasis.NOTIFIED,
        source_kind=EpisodeSource.EHC_PLAN,
        service=AdditionalService.SEN,
        subtype=subtype,
        start_date=on,
        end_date=end,
        start_basis=StartBasis.REFERRAL if known_start else StartBasis.UNKNOWN,
        referral_date=on if known_start else None,
    )


def _open(
    state: EpisodeState, event: PlanEvent, child_key: str, subtypes: tuple[str | None, ...],
    on: date, *, known_start: bool = True,
) -> list[ServiceEpisode]:
    made = []
    for subtype in subtypes:
        made += opened(state, event, _draft(event, child_key, subtype, on,
                                            known_start=known_start))
    return made


def _unknown_start_ended(state: EpisodeState, subtype: str | None) -> ServiceEpisode | None:
    return next((e for e in state.open if is_plan(e) and e.start_basis is StartBasis.UNKNOWN
                 and not e.is_open and e.counted_as_additional and e.subtype == subtype), None)


def _explains(state: EpisodeState, event: PlanEvent, drafts: list[ServiceEpisode]
              ) -> list[ServiceEpisode]:
    """Issued episodes that a late issue makes of UNKNOWN-start closed ones (see above)."""
    out = []
    for draft in drafts:
        if state.get_open(draft.episode_id) or state.is_settled(draft.episode_id):  # redelivered
            out.append(draft)
            continue
        ended = _unknown_start_ended(state, draft.subtype)
        if ended is None or ended.end_date is None or draft.start_date > ended.end_date:
            out.append(draft)
            continue
        out.append(draft.evolve(end_date=ended.end_date))
        out.append(touched_by(ended, event, counted_as_additional=False,
                              exclusion_reason=ExclusionReason.WITHDRAWN_BY_SOURCE))
    return out


def _assessed_without_plan(event: SenAssessmentOutcome, child_key: str) -> ServiceEpisode:
    envelope, day = event.envelope, event.decision_date
    return new_episode(
        event,
        child_key,
        episode_id=episode_id("sen-assessment", envelope.source_system,
                              envelope.source_record_id),
        basis=EpisodeBasis.DELIVERED,
        source_kind=EpisodeSource.SEN_ASSESSMENT,
        service=AdditionalService.SEN,
        subtype="ASSESSMENT",
        start_date=day,
        end_date=day,
        start_basis=StartBasis.UNKNOWN,
    )


def on_outcome(
    state: EpisodeState, event: SenAssessmentOutcome, child_key: str
) -> list[ServiceEpisode]:
    if event.outcome is SenOutcome.NO_EHC_PLAN:
        return [_assessed_without_plan(event, child_key)]
    if event.outcome is not SenOutcome.EHC_PLAN_ISSUED:
        return []
    record = event.envelope.source_record_id
    held = {e.subtype for e in _running(state) if e.source_record_id != record}
    wanted = tuple(s for s in event.services or (None,) if s not in held)
    return _explains(state, event, _open(state, event, child_key, wanted, event.decision_date))


def _ended_with_nothing_open(
    state: EpisodeState, event: SenStatementChanged, child_key: str
) -> list[ServiceEpisode]:
    day = event.change_date
    return [_draft(event, child_key, s, day, known_start=False, end=day)
            for s in event.services or (None,)]


def on_change(
    state: EpisodeState, event: SenStatementChanged, child_key: str
) -> list[ServiceEpisode]:
    day, named = event.change_date, set(event.services)
    running = {e.subtype for e in _running(state)}
    if event.change in _ENDING:
        if running:
            return closed(state, event, day, is_plan)
        known = any(is_plan(e) for e in state.open)  # ended already: nothing more to say
        return [] if known else _ended_with_nothing_open(state, event, child_key)
    if not named and event.change is SenStatementChange.AMENDED and running:
        return []
    in_force_before = event.change is SenStatementChange.AMENDED and not running
    ending = (
        []
        if event.change is SenStatementChange.TRANSFERRED_IN
        else closed(state, event, day, lambda e: is_plan(e) and e.subtype not in named)
    )
    new = tuple(s for s in event.services if s not in running) or (
        (None,) if not running and not named else ()
    )
    return [*ending, *_open(state, event, child_key, new, day, known_start=not in_force_before)]
