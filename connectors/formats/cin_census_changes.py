"""A CIN census child -> the CSC status changes it states (pure; no I/O).

The census has no ids below the child, so each change is keyed by what identifies it in the
DfE specification: the child (``LAchildID``), the referral (its ``CINreferralDate``) and the
module's own start date, e.g. ``<child>/<referral date>/cp-plan/<start>/review/<date>``. The
referral's key is the CSC episode id. A second module with the same key in one referral gets
``#2``, ``#3``. Each change's version is the collection year and a hash of what it states,
so re-importing an unchanged fact repeats its event id and a corrected one gets a new id.

The child's identifiers and characteristics ride on every change's subject, but only the
referral-opened change counts them in its version: a UPN found later re-states one change per
referral, not all of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from connectors.formats.cin_census_records import CensusChild, CpPlan, Referral
from hub.domain.events.csc import CscChange as C

# CIN census category of abuse -> the code CscStatusChanged carries (hub.census.cin.protection).
CATEGORY = {"NEG": "NEGLECT", "PHY": "PHYSICAL", "EMO": "EMOTIONAL", "SAB": "SEXUAL",
            "MUL": "MULTIPLE"}


@dataclass(frozen=True)
class Change:
    record_id: str
    change: C
    effective_date: date
    episode_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    versioned_with_identity: bool = False


def episode_id(la_child_id: str, referral_date: str | date) -> str:
    return f"{la_child_id}/{referral_date}"


class _Keys:
    """Record ids unique within one referral (a repeated key gets ``#n``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.used: Counter[str] = Counter()

    def __call__(self, *parts: object) -> str:
        key = "/".join(str(p) for p in (self.prefix, *parts))
        self.used[key] += 1
        return key if self.used[key] == 1 else f"{key}#{self.used[key]}"


def _cp_plan(key: _Keys, ep: str, plan: CpPlan) -> list[Change]:
    base = key("cp-plan", plan.start)
    found = [Change(f"{base}/start", C.CP_PLAN_STARTED, plan.start, ep,
                    {"category_of_abuse": CATEGORY.get(plan.initial_category)})]
    for n, review in enumerate(plan.reviews, start=1):
        latest = CATEGORY.get(plan.latest_category) if n == len(plan.reviews) else None
        found.append(Change(f"{base}/review/{review}", C.CP_REVIEW, review, ep,
                            {"category_of_abuse": latest}))
    if plan.end is not None:
        found.append(Change(f"{base}/end", C.CP_PLAN_ENDED, plan.end, ep))
    return found


def _modules(key: _Keys, ep: str, r: Referral) -> list[Change]:
    found: list[Change] = []
    for a in r.assessments:
        base = key("assessment", a.start)
        found.append(Change(f"{base}/start", C.ASSESSMENT_STARTED, a.start, ep))
        if a.authorised is not None:
            found.append(Change(f"{base}/authorised", C.ASSESSMENT_COMPLETED, a.authorised, ep,
                                {"assessment_factors": tuple(sorted(set(a.factors)))}))
    for p in r.cin_plans:
        base = key("cin-plan", p.start)
        found.append(Change(f"{base}/start", C.CIN_PLAN_STARTED, p.start, ep))
        if p.end is not None:
            found.append(Change(f"{base}/end", C.CIN_PLAN_ENDED, p.end, ep))
    for s in r.section47s:
        found.append(Change(key("s47", s.start), C.S47_STARTED, s.start, ep))
    for plan in r.cp_plans:
        found += _cp_plan(key, ep, plan)
    return found


def referral_changes(child: CensusChild, r: Referral, ep: str) -> list[Change]:
    key = _Keys(ep)
    opened = Change(
        key("referral"), C.REFERRAL_OPENED, r.referral_date, ep,
        {"referral_source": r.referral_source, "primary_need": r.primary_need,
         "ethnicity": child.ethnicity, "disabilities": child.disabilities},
        versioned_with_identity=True,
    )
    found = [opened, *_modules(key, ep, r)]
    if r.closure_date is not None:
        found.append(Change(key("closure"), C.REFERRAL_CLOSED, r.closure_date, ep,
                            {"closure_reason": r.closure_reason}))
    return found


def episode_ids(la_child_id: str, referral_dates: list[str]) -> list[str]:
    """Each referral's episode id, in file order; a second referral on one day gets ``#2``."""
    seen: Counter[str] = Counter()
    found = []
    for day in referral_dates:
        ep = episode_id(la_child_id, day)
        seen[ep] += 1
        found.append(ep if seen[ep] == 1 else f"{ep}#{seen[ep]}")
    return found


def changes(child: CensusChild) -> list[Change]:
    """Every change the child's referrals state, referral by referral."""
    dates = [r.referral_date.isoformat() for r in child.referrals]
    found: list[Change] = []
    for r, ep in zip(child.referrals, episode_ids(child.la_child_id, dates), strict=True):
        found += referral_changes(child, r, ep)
    return found
