"""Education MIS: SEN history and exclusions, two CSVs (UTF-8 with BOM, dd/mm/yyyy).

Both files come from one MIS, so a pupil has one ``PupilId`` and one (possibly
misspelt) identity across them. The MIS holds UPNs but not NHS numbers.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from hub.domain.codes import SUBTYPES, AdditionalService
from hub.synthetic.calendar import dmy, dmy_time
from hub.synthetic.context import Case, Context
from hub.synthetic.noise import STANDARD_NOISE
from hub.synthetic.record import Out, csv_line
from hub.synthetic.views import Holds, View, make_view

SEN_SOURCE, SEN_FILE = "education-sen", "education_sen.csv"
EXCLUSION_SOURCE, EXCLUSION_FILE = "education-exclusions", "education_exclusions.csv"
_PUPIL = ("PupilId", "UPN", "FormerUPN", "Surname", "Forename", "DOB", "Gender",
          "AddressLine1", "Postcode", "SchoolURN")
SEN_HEADER = "\ufeff" + csv_line(("SenEventId", *_PUPIL, "EventType", "EventDate",
                                  "RequestedBy", "Outcome", "StatementChange", "SenServices",
                                  "LastModified"))
EXCLUSION_HEADER = "\ufeff" + csv_line(("ExclusionId", *_PUPIL, "Category", "StartDate",
                                        "Days", "ReasonCode", "LastModified"))
HOLDS = Holds(upn=0.98, former_upn=0.9, nhs=0.0, sex=1.0)
_SEN_CODES = tuple(SUBTYPES[AdditionalService.SEN])
SenRow = tuple[date, str, str, str, str, str]  # date, type, requested by, outcome, change, services
_REASONS = ("PD", "VA", "PA", "PP", "VP", "OT", "DA", "DM", "BU", "OW", "TH", "RA", "SM")
_REASON_WEIGHTS = (35, 12, 10, 10, 8, 6, 4, 4, 3, 3, 2, 2, 1)


def pupil(case: Case, ctx: Context, rng: random.Random) -> View:
    if "mis" not in case.views:
        own = ctx.new_id("", 7)
        case.views["mis"] = make_view(case.child, own, rng, STANDARD_NOISE, HOLDS)
    return case.views["mis"]


def _pupil_cells(view: View, day: date) -> tuple[str, ...]:
    return (view.own_id, view.upn, view.former_upn, view.family, view.given, dmy(view.dob),
            view.sex, view.address_on(day), view.postcode_on(day), view.child.school_urn)


def _services(rng: random.Random) -> str:
    return ";".join(sorted(rng.sample(_SEN_CODES, rng.choice((1, 2, 2, 3)))))


def sen_records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.sen:
        return []
    rng = ctx.rng(SEN_SOURCE)
    view = pupil(case, ctx, rng)
    events: list[SenRow] = []
    if case.plan.sen == "REQUEST":
        asked = ctx.day_for(rng, case.child, hi=ctx.year.end - timedelta(days=5))
        by = "SOCIAL_CARE" if case.plan.csc and rng.random() < 0.3 else rng.choices(
            ("SCHOOL", "PARENT", "HEALTH", "EARLY_YEARS"), weights=(50, 32, 12, 6))[0]
        events.append((asked, "REQUEST", by, "", "", ""))
        outcome = rng.choices(("STATEMENT_ISSUED", "NO_STATEMENT", "ASSESSMENT_DECLINED"),
                              weights=(60, 25, 15))[0]
        wait = rng.randint(20, 42) if outcome == "ASSESSMENT_DECLINED" else rng.randint(42, 140)
        issued = _services(rng) if outcome == "STATEMENT_ISSUED" else ""
        events.append((asked + timedelta(days=wait), "OUTCOME", "", outcome, "", issued))
    else:
        events += _plan_in_force(rng, case, ctx)
    out = []
    for day, kind, by, outcome, change, listed in events:
        if day > ctx.year.end:
            continue
        record_id = ctx.new_id("SEN", 7)
        touched = day
        if kind == "IN_FORCE":  # last changed at its latest annual review, within the year
            touched = max(day, ctx.year.start - timedelta(days=rng.randint(1, 330)))
        values = (record_id, *_pupil_cells(view, day), kind, dmy(day), by, outcome, change,
                  listed, dmy_time(ctx.year.stamp(rng, touched)))
        out.append(Out(SEN_SOURCE, record_id, day, csv_line(values), view.link(day),
                       case.child.true_id))
    return out


def _plan_in_force(rng: random.Random, case: Case, ctx: Context) -> list[SenRow]:
    """An EHC plan held before go-live (1 April): the go-live load lists most plans in force
    (``IN_FORCE``, dated when the plan was issued); some are missing from it (issued by
    another authority, or lost in the migration), so a later change finds nothing open."""
    rows: list[SenRow] = []
    issued_as = _services(rng)
    earliest = case.child.dob + timedelta(days=2 * 365)
    issued = ctx.year.start - timedelta(days=rng.randint(30, 5 * 365))
    if rng.random() < 0.85 and issued > earliest:
        rows.append((issued, "IN_FORCE", "", "STATEMENT_ISSUED", "", issued_as))
    if rng.random() < 0.3:
        return rows  # in force all year, nothing changed
    change = rng.choices(("AMENDED", "CEASED", "TRANSFERRED_IN", "TRANSFERRED_OUT"),
                         weights=(60, 12, 18, 10))[0]
    listed = _services(rng) if change in ("AMENDED", "TRANSFERRED_IN") else ""
    day = ctx.year.day(rng)
    rows.append((day, "STATEMENT_CHANGE", "", "", change, listed))
    if change in ("AMENDED", "TRANSFERRED_IN") and rng.random() < 0.15:
        later = day + timedelta(days=rng.randint(60, 200))
        rows.append((later, "STATEMENT_CHANGE", "", "", "AMENDED", _services(rng)))
    return rows


def _school_day(day: date) -> date:
    """Move a date out of the summer holiday and off a weekend."""
    if day.month == 8:
        day += timedelta(days=31)
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def exclusion_records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.excluded:
        return []
    rng = ctx.rng(EXCLUSION_SOURCE)
    view = pupil(case, ctx, rng)
    days = sorted(_school_day(ctx.year.day(rng)) for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))
    out = []
    for day in days:
        if day > ctx.year.end:
            continue
        permanent = rng.random() < (0.12 if case.plan.yot else 0.03)
        length = "" if permanent else str(rng.choice((0.5, 1, 1, 1, 2, 2, 3, 3, 5, 10, 2.5)))
        reason = rng.choices(_REASONS, weights=_REASON_WEIGHTS)[0]
        record_id = ctx.new_id("EXC", 7)
        values = (record_id, *_pupil_cells(view, day),
                  "PERMANENT" if permanent else "FIXED_TERM", dmy(day), length, reason,
                  dmy_time(ctx.year.stamp(rng, day, 3)))
        out.append(Out(EXCLUSION_SOURCE, record_id, day, csv_line(values), view.link(day),
                       case.child.true_id))
        if permanent:
            break
    return out
