"""Who is known to which service: one :class:`Plan` per child, drawn family by family.

Targets from the report: most children known to Education or the YOT are not open CSC
cases (80-90% of YOT clients are not; about 20% of statemented SEN children are), a CAF
often leads to services without a CSC referral, and siblings are referred together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hub.domain.codes import AdditionalService as S
from hub.synthetic.calendar import CensusYear
from hub.synthetic.population import Child


@dataclass(slots=True)
class Plan:
    csc: bool = False
    sen: str = ""  # "", "REQUEST" (new request this year) or "STATEMENT" (held already)
    excluded: bool = False
    yot: str = ""  # "", "COURT_DISPOSAL" or "YISP"
    caf: bool = False
    disabled: bool = False
    register: bool = False
    register_consent: bool = True
    panel: bool = False
    s17_adhoc: bool = False
    early_years_place: str = ""  # "", "NURSERY_PLACE" or "CHILDMINDING_PLACE"
    care_leaver: bool = False
    services: list[S] = field(default_factory=list)  # provider-delivered services


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _csc_chance(plan: Plan) -> float:
    if plan.yot:
        return 0.14
    if plan.sen:
        return 0.2
    if plan.disabled:
        return 0.3
    if plan.caf or plan.excluded:
        return 0.22
    return 0.0


def plan_child(rng: random.Random, child: Child, year: CensusYear) -> Plan:
    age = max(child.age(year.start), 0)
    plan = Plan(care_leaver=age >= 18)
    if plan.care_leaver:
        plan.panel = _chance(rng, 0.3)
        plan.services = [S.ILT] if _chance(rng, 0.7) else []
        return plan
    plan.disabled = _chance(rng, 0.06)
    if age >= 2:
        if _chance(rng, 0.09 + 0.35 * plan.disabled):
            plan.sen = "STATEMENT"
        elif _chance(rng, 0.05 + 0.1 * plan.disabled):
            plan.sen = "REQUEST"
    if age >= 10 and _chance(rng, 0.06 * (1.5 if child.sex == "M" else 0.5)):
        plan.yot = "COURT_DISPOSAL" if _chance(rng, 0.6) else "YISP"
    plan.excluded = 5 <= age <= 16 and _chance(rng, 0.08 + 0.25 * bool(plan.yot))
    plan.caf = _chance(rng, 0.1)
    plan.csc = _chance(rng, _csc_chance(plan))
    if not (plan.csc or plan.sen or plan.yot or plan.excluded or plan.caf or plan.disabled):
        fallback = rng.random()
        plan.csc, plan.caf = fallback < 0.45, 0.45 <= fallback < 0.65
    _add_support(rng, plan, age)
    if not (plan.csc or plan.sen or plan.yot or plan.excluded or plan.caf or plan.services):
        plan.services.append(_any_service(rng, age))
    return plan


def _add_support(rng: random.Random, plan: Plan, age: int) -> None:
    plan.register = plan.disabled and _chance(rng, 0.8)
    plan.register_consent = not _chance(rng, 0.12)
    wanted = {
        S.CWD: plan.disabled and _chance(rng, 0.7),
        S.FS: (plan.csc and _chance(rng, 0.2)) or (plan.caf and _chance(rng, 0.25)),
        S.EW: (plan.csc and _chance(rng, 0.1)) or (plan.caf and _chance(rng, 0.1)),
        S.EY: age <= 4 and _chance(rng, 0.3 if plan.caf else 0.08),
        S.TP: age >= 13 and _chance(rng, 0.03),
        S.DA: age >= 12 and _chance(rng, 0.04 + 0.1 * bool(plan.yot)),
        S.YC: age >= 8 and _chance(rng, 0.02),
        S.AEP: plan.excluded and _chance(rng, 0.5),
        S.ILT: age >= 16 and _chance(rng, 0.1),
    }
    plan.services = [service for service, yes in wanted.items() if yes]
    plan.panel = (plan.disabled and _chance(rng, 0.5)) or (plan.csc and _chance(rng, 0.12))
    plan.s17_adhoc = plan.csc and _chance(rng, 0.2)
    if 2 <= age <= 4 and (plan.csc or plan.caf) and _chance(rng, 0.35):
        plan.early_years_place = "NURSERY_PLACE" if _chance(rng, 0.75) else "CHILDMINDING_PLACE"


def _any_service(rng: random.Random, age: int) -> S:
    if age <= 4:
        return S.EY
    options = [S.FS, S.EW, S.YC] + ([S.TP, S.DA] if age >= 13 else [S.CWD])
    return rng.choice(options)


def plan_family(rng: random.Random, children: list[Child], year: CensusYear) -> list[Plan]:
    """Plans for a family; siblings of a CSC child are often referred with them."""
    plans = [plan_child(rng, child, year) for child in children]
    if any(plan.csc for plan in plans):
        for plan in plans:
            if not (plan.csc or plan.yot or plan.sen or plan.care_leaver) and _chance(rng, 0.4):
                plan.csc = True
    return plans
