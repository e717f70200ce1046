"""``derive(state, event, child_key) -> (state, episodes)``: the episode builder, per child.

Pure: no broker, codec, database, clock or logger. The worker's children stage keeps
``EpisodeState`` in a table keyed by hub child key, calls this for each resolved event and
sends the episodes to ``cin.hub.episodes.v1`` keyed by episode id. Only events whose consent
allows child detail may be passed (the consent gate, ``hub.domain.child.disclosure.admit``); any
other raises ``ConsentWithheldError``. Events that build no episode (CSC status, SEN
requests, school exclusions) leave the state as it was. An SSDA903 looked-after episode is
remembered first (``looked_after``): its legal status decides V3 short breaks and flags the
episodes that overlap a looked-after period. A ``ChildReset`` from the resolver
withdraws what the child's events built so the events re-sent after it build it again
(``reset``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.domain.child.disclosure import Shared
from hub.domain.episodes import (
    delivered,
    early_help,
    ehc_plans,
    first_delivery,
    looked_after,
    payments,
    planned,
    register,
    short_breaks,
    youth_justice,
)
from hub.domain.episodes.ledger import commit
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.reset import reset
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import (
    CafClosed,
    CafCompleted,
    DisabledRegisterEntryRecorded,
    Event,
    LookedAfterEpisodeRecorded,
    PanelDecisionMade,
    PaymentMade,
    SenAssessmentOutcome,
    SenStatementChanged,
    ServiceUseReturned,
    YotReferralClosed,
    YotReferralMade,
)
from hub.domain.outputs.reset import ChildReset

Rule = Callable[[EpisodeState, Any, str], list[ServiceEpisode]]

RULES: dict[type[Event], Rule] = {
    PanelDecisionMade: planned.drafts,
    ServiceUseReturned: delivered.drafts,
    PaymentMade: payments.drafts,
    SenAssessmentOutcome: ehc_plans.on_outcome,
    SenStatementChanged: ehc_plans.on_change,
    YotReferralMade: youth_justice.on_referral,
    YotReferralClosed: youth_justice.on_closure,
    CafCompleted: early_help.on_completed,
    CafClosed: early_help.on_closed,
    DisabledRegisterEntryRecorded: register.on_entry,
    LookedAfterEpisodeRecorded: looked_after.on_episode,
}


def derive(
    state: EpisodeState, event: Event | ChildReset, child_key: str
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    """The state after ``event`` and the episode versions it produced (often none)."""
    if isinstance(event, ChildReset):
        return reset(state, event)
    Shared(event)  # raises ConsentWithheldError: withheld detail never reaches these rules
    rule = RULES.get(type(event))
    if rule is None:
        return state, []
    if isinstance(event, LookedAfterEpisodeRecorded):
        state = looked_after.remember(state, event)  # its legal status and days, before rules
    drafts = rule(state, event, child_key)
    drafts = short_breaks.v3_exclusions(state, drafts)
    drafts += first_delivery.marks(state, event, drafts)
    drafts = looked_after.overlap_marks(state, drafts)
    return commit(state, drafts)
