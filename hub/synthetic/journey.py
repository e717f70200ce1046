"""A coherent CSC journey: referral, assessment, plans, closure, all within the year.

Order within a referral: opened, assessment started, assessment completed, then at most
one of CIN plan / S47 (then CP plan with reviews) / looked after; every plan ends before
the referral closes. Anything that would fall after the year end is not yet known, so
the case is simply still open on 31 March.

What DfE's CIN census rules ask of the data (csc-validator-be-cin): a CP plan starts at its
initial conference, which is never held at a weekend (rule 8875), so a plan start that
falls on a Saturday or Sunday moves to the Monday. Closure reasons are DfE's
(``hub.domain.codes.CIN_CLOSURE_REASONS``): RC7 for no further action at referral (no
assessment was done, so RC8/RC9, "closed after assessment", do not apply), RC8 or RC9
after an assessment that led to no plan, and RC7 (mostly) or an order, a transfer or an
adoption after a plan. A completed assessment that led to no plan says so
(``extra["outcome"] = "NO_PLAN"``): only then may it have found no factors (``21``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from hub.domain.working_days import is_working_day
from hub.synthetic.calendar import CensusYear, add_months

NO_PLAN = "NO_PLAN"
# After a plan: mostly services ceased (RC7); some orders (RC3 child arrangements, RC4
# special guardianship), transfers (RC5 another LA, RC6 adult social care), adoptions (RC1).
_AFTER_PLAN = (("RC7", "RC3", "RC4", "RC5", "RC6", "RC1"), (80, 4, 4, 7, 3, 2))


@dataclass(slots=True)
class Change:
    kind: str
    day: date
    extra: dict[str, str] = field(default_factory=dict)


def _days(rng: random.Random, lo: int, hi: int) -> timedelta:
    return timedelta(days=rng.randint(lo, hi))


def next_working_day(day: date) -> date:
    """``day``, or the Monday after when it is a weekend (bank holidays are the LA's own)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _plan(rng: random.Random, start_day: date) -> list[Change]:
    """The plan or period that follows a completed assessment (possibly none)."""
    outcome = rng.random()
    if outcome < 0.33:
        return []
    if outcome < 0.73:
        start = start_day + _days(rng, 0, 14)
        return [Change("CIN_PLAN_STARTED", start),
                Change("CIN_PLAN_ENDED", start + _days(rng, 60, 330))]
    if outcome < 0.93:
        s47 = start_day + _days(rng, 0, 5)
        if rng.random() < 0.3:  # S47 not substantiated: a CIN plan instead
            start = s47 + _days(rng, 5, 20)
            return [Change("S47_STARTED", s47), Change("CIN_PLAN_STARTED", start),
                    Change("CIN_PLAN_ENDED", start + _days(rng, 60, 300))]
        return [Change("S47_STARTED", s47), *_cp_plan(rng, s47 + _days(rng, 8, 15))]
    start = start_day + _days(rng, 0, 30)
    return [Change("LOOKED_AFTER_STARTED", start),
            Change("LOOKED_AFTER_ENDED", start + _days(rng, 20, 400))]


def _cp_plan(rng: random.Random, conference: date) -> list[Change]:
    start = next_working_day(conference)
    category = rng.choices(("NEGLECT", "EMOTIONAL", "PHYSICAL", "SEXUAL", "MULTIPLE"),
                           weights=(48, 36, 8, 4, 4))[0]
    end = start + _days(rng, 90, 560)
    changes = [Change("CP_PLAN_STARTED", start, {"category": category})]
    review = add_months(start, 3)
    while review < end:
        changes.append(Change("CP_REVIEW", review))
        review = add_months(review, 6)
    return [*changes, Change("CP_PLAN_ENDED", end)]


def referral(rng: random.Random, opened: date) -> list[Change]:
    """The full (unclipped) sequence of one referral opened on ``opened``."""
    changes = [Change("REFERRAL_OPENED", opened)]
    if rng.random() < 0.12:  # no further action at referral
        return [*changes, Change("REFERRAL_CLOSED", opened + _days(rng, 1, 10), {"rc": "RC7"})]
    started = opened + _days(rng, 0, 7)
    completed = started + _days(rng, 10, 45)
    changes += [Change("ASSESSMENT_STARTED", started), Change("ASSESSMENT_COMPLETED", completed)]
    plan = _plan(rng, completed)
    if not plan:
        changes[-1].extra["outcome"] = NO_PLAN
        reason = "RC8" if rng.random() < 0.6 else "RC9"
        return [*changes, Change("REFERRAL_CLOSED", completed + _days(rng, 0, 14), {"rc": reason})]
    last = plan[-1].day
    reason = rng.choices(*_AFTER_PLAN)[0]
    closed = last + _days(rng, 0, 30)
    return [*changes, *plan, Change("REFERRAL_CLOSED", closed, {"rc": reason})]


def clip(changes: list[Change], year: CensusYear) -> list[Change]:
    """Drop what has not happened by the year end; plan ends and closure go with it."""
    return [change for change in changes if change.day <= year.end]


def journeys(rng: random.Random, year: CensusYear, first: date) -> list[list[Change]]:
    """One referral, sometimes a re-referral after the first closed."""
    result = [clip(referral(rng, first), year)]
    closed = result[0][-1]
    if closed.kind == "REFERRAL_CLOSED" and rng.random() < 0.12:
        again = closed.day + _days(rng, 20, 120)
        if again < year.end:
            result.append(clip(referral(rng, again), year))
    return result
