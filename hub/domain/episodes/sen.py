"""SEN statements (report p.34) -> one SEN episode per service sub-type the statement names.

- ``SenAssessmentOutcome`` STATEMENT_ISSUED opens them (decision date = referral date = start
  until a delivery is known). A statement naming no service opens one episode without a
  sub-type. NO_STATEMENT and ASSESSMENT_DECLINED open nothing.
- ``SenStatementChanged`` CEASED or TRANSFERRED_OUT closes every open SEN statement episode
  on the change date. AMENDED with services closes the sub-types no longer named and opens
  the new ones; AMENDED without services changes nothing (the amendment named none).
  TRANSFERRED_IN opens the sub-types it names that are not open (a statement from another LA).
- A sub-type already open for the child (from another record) is never opened twice.
"""

from __future__ import annotations

from datetime import date

from hub.domain.codes import AdditionalService
from hub.domain.episodes.case import closed, opened
from hub.domain.episodes.draft import episode_id, new_episode
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ServiceEpisode, StartBasis
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import SenAssessmentOutcome, SenStatementChanged
from hub.domain.events.education import SenOutcome, SenStatementChange

_ENDING = frozenset({SenStatementChange.CEASED, SenStatementChange.TRANSFERRED_OUT})


def _is_sen(episode: ServiceEpisode) -> bool:
    return episode.source_kind is EpisodeSource.SEN_STATEMENT


def _open(
    state: EpisodeState,
    event: SenAssessmentOutcome | SenStatementChanged,
    child_key: str,
    subtypes: tuple[str | None, ...],
    on: date,
) -> list[ServiceEpisode]:
    envelope = event.envelope
    made = []
    for subtype in subtypes:
        draft = new_episode(
            event,
            child_key,
            episode_id=episode_id(
                "sen", envelope.source_system, envelope.source_record_id, subtype or "-"
            ),
            basis=EpisodeBasis.NOTIFIED,
            source_kind=EpisodeSource.SEN_STATEMENT,
            service=AdditionalService.SEN,
            subtype=subtype,
            start_date=on,
            start_basis=StartBasis.REFERRAL,
            referral_date=on,
        )
        made += opened(state, event, draft)
    return made


def on_outcome(
    state: EpisodeState, event: SenAssessmentOutcome, child_key: str
) -> list[ServiceEpisode]:
    if event.outcome is not SenOutcome.STATEMENT_ISSUED:
        return []
    record = event.envelope.source_record_id
    held = {
        e.subtype for e in state.open if _is_sen(e) and e.is_open and e.source_record_id != record
    }
    wanted = tuple(s for s in event.services or (None,) if s not in held)
    return _open(state, event, child_key, wanted, event.decision_date)


def on_change(
    state: EpisodeState, event: SenStatementChanged, child_key: str
) -> list[ServiceEpisode]:
    day, named = event.change_date, set(event.services)
    if event.change in _ENDING:
        return closed(state, event, day, _is_sen)
    if not named and event.change is SenStatementChange.AMENDED:
        return []
    running = {e.subtype for e in state.open if _is_sen(e) and e.is_open}
    ending = (
        []
        if event.change is SenStatementChange.TRANSFERRED_IN
        else closed(state, event, day, lambda e: _is_sen(e) and e.subtype not in named)
    )
    new = tuple(s for s in event.services if s not in running) or (
        (None,) if not running and not named else ()
    )
    return [*ending, *_open(state, event, child_key, new, day)]
