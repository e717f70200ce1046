"""eCAF database: one JSON document with one record per CAF (ISO dates).

A CAF is completed by a lead professional from a universal service; it is often closed
without any CSC referral (report pp.17-18), sometimes by referring the child to CSC.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from hub.synthetic.calendar import iso, iso_z
from hub.synthetic.context import Case, Context
from hub.synthetic.noise import STANDARD_NOISE
from hub.synthetic.record import Out
from hub.synthetic.views import Holds, make_view

SOURCE, FILE = "ecaf", "ecaf.json"
HEADER = '{"system": "eCAF", "exportedAt": "{exported}", "recordCount": {count}, "records": ['
FOOTER = "]}"
SEPARATOR = ","
HOLDS = Holds(upn=0.35, nhs=0.55, sex=0.97)
_TEAMS = ("Early Help North", "Early Help South", "Early Help Central",
          "Children's Centre - Eastside", "Children's Centre - Riverside", "School Cluster West")
_ROLES = ("Family Support Worker", "Health Visitor", "School Nurse", "Teacher",
          "Learning Mentor", "SENCO", "Youth Worker", "Early Years Practitioner")
_NEEDS = ("PARENTING_CAPACITY", "SCHOOL_ATTENDANCE", "BEHAVIOUR", "EMOTIONAL_HEALTH",
          "PHYSICAL_HEALTH", "HOUSING", "FINANCES", "DOMESTIC_ABUSE", "SUBSTANCE_MISUSE",
          "YOUNG_CARER", "SPEECH_LANGUAGE")
_GENDER = {"M": "Male", "F": "Female", "": "Unknown"}
GO_LIVE_SHARE = 0.25  # CAFs already open when the hub goes live (1 April)


def _dates(rng: random.Random, case: Case, ctx: Context) -> tuple[date, date | None, str]:
    """Completed date, closed date (None while open) and closure reason."""
    year = ctx.year
    if case.from_early_help and case.referral_dates:
        closed = case.referral_dates[0] - timedelta(days=rng.randint(0, 3))
        room = max((closed - max(year.start, case.child.dob)).days, 0)
        completed = closed - timedelta(days=rng.randint(min(30, room), min(120, room)))
        return completed, closed, "REFERRED_TO_CSC"
    completed = ctx.day_for(rng, case.child, hi=year.end - timedelta(days=3))
    if rng.random() < GO_LIVE_SHARE:  # open on 1 April: the go-live load carries it
        completed = max(year.start - timedelta(days=rng.randint(10, 240)), case.child.dob)
    closed = completed + timedelta(days=rng.randint(45, 300))
    if closed < year.start:  # closed before go-live is not in the load: keep it open then
        closed = year.start + timedelta(days=rng.randint(0, 90))
    if closed > year.end:
        return completed, None, ""
    reason = rng.choices(("NEEDS_MET", "DISENGAGED", "MOVED_AWAY", "REFERRED_TO_CSC"),
                         weights=(60, 18, 10, 12))[0]
    return completed, closed, reason


def records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.caf:
        return []
    rng = ctx.rng(SOURCE)
    view = make_view(case.child, ctx.new_id("EP", 7), rng, STANDARD_NOISE, HOLDS)
    completed, closed, reason = _dates(rng, case, ctx)
    if case.child.move and closed and case.child.move[0] <= closed and reason == "DISENGAGED":
        reason = "MOVED_AWAY"
    record_id = ctx.new_id("CAF-", 7)
    last = closed or completed
    document = {
        "cafId": record_id,
        "version": (2 if closed else 1) + int(rng.random() < 0.2),
        "lastModified": iso_z(ctx.year.stamp(rng, last, 10)),
        "child": {
            "ecafPersonId": view.own_id, "upn": view.upn, "nhsNumber": view.nhs,
            "firstName": view.given, "lastName": view.family,
            "dateOfBirth": iso(view.dob) or None, "gender": _GENDER[view.sex],
            "postcode": view.postcode_on(completed),
        },
        "assessment": {
            "completedDate": iso(completed), "team": rng.choice(_TEAMS),
            "leadProfessionalRole": rng.choice(_ROLES),
            "needsIdentified": sorted(rng.sample(_NEEDS, rng.randint(1, 4))),
        },
        "status": "CLOSED" if closed else "OPEN",
        "closure": {"closedDate": iso(closed), "reason": reason} if closed else None,
    }
    row = json.dumps(document, ensure_ascii=False)
    return [Out(SOURCE, record_id, completed, row, view.link(completed), case.child.true_id)]
