"""One CSC referral (a ``csc_episode_id``) -> one ``CinDetails``, from its status changes.

Construction rules (what the CSC events do not state outright, docs/census.md):
- Same-day changes are taken in the order a case moves: referral, assessment, S47, plan
  ends, plan starts, reviews, closure.
- An assessment completed with no start event started on the day it completed.
- A Section 47 enquiry's initial child protection conference (ICPC) is the start of the CP
  plan that followed it (a CP plan starts at its ICPC). An enquiry followed by a CIN plan,
  by another enquiry, or by the referral's closure without a CP plan needed no ICPC. Else it
  is still open on the reference date. The ICPC target is 15 working days after the start.
- A CP plan with no enquiry before it in this referral had its ICPC at CIN details level.
- A referral closed with no assessment, enquiry or plan was a referral with no further action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from hub.census.cin.changes import ordered, spans
from hub.census.cin.protection import cp_plans, section47s
from hub.census.cin.records import Assessment, CinDetails, CinPlan
from hub.domain.events import CscStatusChanged
from hub.domain.events.csc import CscChange as C


def assessments(events: Sequence[CscStatusChanged]) -> tuple[Assessment, ...]:
    waiting: list[date] = []
    done: list[Assessment] = []
    for e in events:
        if e.change is C.ASSESSMENT_STARTED:
            waiting.append(e.effective_date)
        elif e.change is C.ASSESSMENT_COMPLETED:
            start = waiting.pop(0) if waiting else e.effective_date
            done.append(
                Assessment(start, e.effective_date, tuple(sorted(set(e.assessment_factors))))
            )
    return tuple(sorted([*done, *(Assessment(s, None) for s in waiting)], key=lambda a: a.start))


def cin_details(
    events: Sequence[CscStatusChanged],
    previous: Callable[[date], int],
    holidays: frozenset[date] = frozenset(),
) -> CinDetails:
    events = ordered(events)
    closure = next((e for e in events if e.change is C.REFERRAL_CLOSED), None)
    enquiries = section47s(events, closure is not None, holidays)
    plans = cp_plans(events, previous)
    conferred = {s.icpc for s in enquiries}
    unmatched = [p.start for p in plans if p.start not in conferred]
    found = (
        assessments(events),
        tuple(
            CinPlan(f.effective_date, end)
            for f, end, _ in spans(events, C.CIN_PLAN_STARTED, C.CIN_PLAN_ENDED)
        ),
        enquiries,
        plans,
    )
    return CinDetails(
        episode_ref=events[0].csc_episode_id,
        referral_date=events[0].effective_date,
        referral_source=next((e.referral_source for e in events if e.referral_source), None),
        primary_need=next((e.primary_need for e in reversed(events) if e.primary_need), None),
        closure_date=closure.effective_date if closure else None,
        closure_reason=closure.closure_reason if closure else None,
        initial_cpc=min(unmatched, default=None),
        no_further_action=closure is not None and not any(found),
        assessments=found[0],
        cin_plans=found[1],
        section47s=found[2],
        cp_plans=found[3],
    )
