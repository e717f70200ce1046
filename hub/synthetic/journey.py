"""A coherent CSC journey: referral, assessment, plans, closure, all within the year.

Order within a referral: opened, assessment started, assessment completed, then at most
one of CIN plan / S47 (then CP plan with reviews) / looked after; every plan ends before
the referral closes. Anything that would fall after the year end is not yet known, so
the case is simply still open on 31 March.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from hub.synthetic.calendar import CensusYear, add_months


@dataclass(slots=True)
class Change:
    kind: str
    day: date
    extra: dict[str, str] = field(default_factory=dict)


def _days(rng: random.Random, lo: int, hi: int) -> timedelta:
    return timedelta(days=rng.randint(lo, hi))


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


def _cp_plan(rng: random.Random, start: date) -> list[Change]:
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
        return [*changes, Change("REFERRAL_CLOSED", opened + _days(rng, 1, 10), {"rc": "RC6"})]
    started = opened + _days(rng, 0, 7)
    completed = started + _days(rng, 10, 45)
    changes += [Change("ASSESSMENT_STARTED", started), Change("ASSESSMENT_COMPLETED", completed)]
    plan = _plan(rng, completed)
    if not plan:
        reason = "RC7" if rng.random() < 0.6 else "RC8"
        return [*changes, Change("REFERRAL_CLOSED", completed + _days(rng, 0, 14), {"rc": reason})]
    last = plan[-1].day
    reason = rng.choices(("RC6", "RC3", "RC4", "RC5", "RC1"), weights=(80, 8, 7, 3, 2))[0]
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
