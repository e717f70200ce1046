"""CSC case system (CareFirst/SWIFT-like): a CSV of status changes, ISO dates.

Names here are the best kept of any source; UPN is held for a minority of children in
need (report p.17). Person columns give the child as held on the change date.
Assessment factors are DfE codes (``hub.domain.codes.CIN_ASSESSMENT_FACTORS``); ``21`` (no
factors identified) stands alone, and only on an assessment that led to no plan.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from hub.domain.codes import NO_FACTORS_IDENTIFIED
from hub.synthetic import journey
from hub.synthetic.calendar import iso
from hub.synthetic.context import Case, Context
from hub.synthetic.names import pick
from hub.synthetic.noise import CSC_NOISE
from hub.synthetic.record import Out, csv_line
from hub.synthetic.views import Holds, View, make_view

SOURCE = "csc"
FILE = "csc_status_changes.csv"
COLUMNS = (
    "StatusChangeId", "PersonId", "ReferralId", "ChangeType", "ChangeDate", "ReferralSource",
    "PrimaryNeed", "ClosureReason", "AssessmentFactors", "CategoryOfAbuse", "Forename",
    "Surname", "DOB", "Gender", "Ethnicity", "Disabilities", "UPN", "NHSNumber",
    "AddressLine1", "Postcode", "LastModified",
)
HEADER = csv_line(COLUMNS)
FOOTER = ""
HOLDS = Holds(upn=0.22, nhs=0.6, sex=0.99)
_SOURCES = ("6", "2A", "3F", "5A", "1A", "3A", "5D", "2B", "3E", "4", "7", "8", "1D", "9",
            "3B", "1C", "10", "5C", "3C", "3D", "1B", "5B")
_NEEDS = ("N1", "N5", "N4", "N2", "N8", "N3", "N6", "N9", "N7", "N0")
_FACTORS = ("3B", "4B", "3A", "18B", "1B", "2B", "3C", "18C", "6B", "8F", "4A", "5B",
            "2A", "1A", "7A", "8B", "16A", "22A", "10A", "9A", "12A", "14A", "24A", "11A",
            "19B", "20", "23A", "13A", "15A", "17A", "5A", "6A")
_NONE_FOUND = 0.3  # of assessments that led to no plan
_DISABILITIES = ("LD", "AUT", "COMM", "BEH", "MOB", "PC", "CON", "HAND", "HEAR", "VIS", "INC",
                 "DDA")
_GENDER = {"M": "1", "F": "2", "": "0"}


def records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.csc:
        return []
    rng = ctx.rng(SOURCE)
    case.la_child_id = case.la_child_id or ctx.new_id("", 6)
    view = make_view(case.child, case.la_child_id, rng, CSC_NOISE, HOLDS)
    person = _person_columns(rng, case, view)
    first = ctx.day_for(rng, case.child, hi=ctx.year.end - timedelta(days=3))
    case.from_early_help = case.plan.caf and first >= ctx.year.start + timedelta(days=45) and (
        rng.random() < 0.4)
    out: list[Out] = []
    for number, changes in enumerate(journey.journeys(rng, ctx.year, first)):
        referral_id = ctx.new_id("R", 7)
        case.referral_dates.append(changes[0].day)
        for step, change in enumerate(changes):
            fields = _change_fields(rng, case, change, early_help=number == 0)
            row = _row(ctx, rng, case, view, person=person, referral_id=referral_id,
                       change=change, fields=fields)
            row.seq = step
            out.append(row)
    return out


def _person_columns(rng: random.Random, case: Case, view: View) -> tuple[str, str]:
    ethnicity = case.child.ethnicity
    if rng.random() < 0.04:
        ethnicity = "NOBT" if rng.random() < 0.7 else "REFU"
    if case.plan.disabled:
        disabilities = ";".join(sorted(rng.sample(_DISABILITIES, rng.choice((1, 1, 2)))))
    else:
        disabilities = "NONE" if rng.random() < 0.8 else ""
    return ethnicity, disabilities


def _change_fields(rng: random.Random, case: Case, change: journey.Change,
                   early_help: bool) -> dict[str, str]:
    fields: dict[str, str] = {}
    need = "N2" if case.plan.disabled and rng.random() < 0.7 else pick(rng, _NEEDS)
    if change.kind == "REFERRAL_OPENED":
        source = "5D" if early_help and case.from_early_help else pick(rng, _SOURCES)
        fields.update(source=source, need=need)
    elif change.kind == "ASSESSMENT_COMPLETED":
        fields.update(need=need, factors=_factors(rng, change))
    elif change.kind == "REFERRAL_CLOSED":
        fields["rc"] = change.extra["rc"]
    elif change.kind == "CP_PLAN_STARTED":
        fields["category"] = change.extra["category"]
    return fields


def _factors(rng: random.Random, assessed: journey.Change) -> str:
    if assessed.extra.get("outcome") == journey.NO_PLAN and rng.random() < _NONE_FOUND:
        return NO_FACTORS_IDENTIFIED
    count = rng.choice((1, 2, 2, 3, 3, 4))
    return ";".join(sorted({pick(rng, _FACTORS) for _ in range(count)}))


def _row(ctx: Context, rng: random.Random, case: Case, view: View, *, person: tuple[str, str],
         referral_id: str, change: journey.Change, fields: dict[str, str]) -> Out:
    record_id = ctx.new_id("SC", 8)
    day: date = change.day
    values = (
        record_id, case.la_child_id, referral_id, change.kind, iso(day), fields.get("source", ""),
        fields.get("need", ""), fields.get("rc", ""), fields.get("factors", ""),
        fields.get("category", ""), view.given, view.family, iso(view.dob),
        _GENDER[view.sex], person[0], person[1], view.upn, view.nhs, view.address_on(day),
        view.postcode_on(day), f"{ctx.year.stamp(rng, day, 5):%Y-%m-%dT%H:%M:%S}",
    )
    link = view.link(day, la_child_id=case.la_child_id)
    return Out(SOURCE, record_id, day, csv_line(values), link, case.child.true_id)
