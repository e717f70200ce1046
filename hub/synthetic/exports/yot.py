"""Youth Offending Team system (YOIS-like): a CSV of referrals and closures, dd/mm/yyyy.

The YOT knows a child by its own person id; it rarely holds a UPN, never the CSC id,
and dates of birth go missing more often than elsewhere.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from hub.synthetic.calendar import dmy, dmy_time
from hub.synthetic.context import Case, Context
from hub.synthetic.noise import SPARSE_DOB_NOISE
from hub.synthetic.record import Out, csv_line
from hub.synthetic.views import Holds, View, make_view

SOURCE, FILE = "yot", "yot.csv"
HEADER = csv_line((
    "RecordNo", "YOTPersonId", "InterventionId", "Surname", "FirstName", "DateOfBirth", "Sex",
    "Postcode", "UPN", "RecordType", "ReferralKind", "DisposalType", "ReferralDate",
    "ClosureDate", "ClosureReason", "LastUpdated",
))
FOOTER = ""
HOLDS = Holds(upn=0.2, nhs=0.0, sex=0.98)
_DISPOSALS = ("Referral Order", "Youth Rehabilitation Order", "Youth Conditional Caution",
              "Youth Caution", "Detention and Training Order")
_DISPOSAL_WEIGHTS = (40, 25, 18, 12, 5)
_SEX = {"M": "Male", "F": "Female", "": ""}
GO_LIVE_SHARE = 0.25  # interventions already open when the hub goes live (1 April)


def _closure(rng: random.Random, kind: str, disposal: str) -> tuple[int, str]:
    """Days until closure and why."""
    if kind == "YISP":
        return rng.randint(60, 200), rng.choice(("PROGRAMME_COMPLETED",) * 4 + ("DISENGAGED",))
    months = {"Referral Order": (3, 12), "Youth Rehabilitation Order": (6, 24),
              "Detention and Training Order": (4, 24)}.get(disposal, (1, 4))
    reason = rng.choices(("ORDER_COMPLETED", "ORDER_REVOKED", "RESENTENCED", "TRANSFERRED_OUT"),
                         weights=(80, 6, 8, 6))[0]
    return rng.randint(months[0] * 30, months[1] * 30), reason


def records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.yot:
        return []
    rng = ctx.rng(SOURCE)
    view = make_view(case.child, ctx.new_id("YP", 6), rng, SPARSE_DOB_NOISE, HOLDS)
    kind = case.plan.yot
    out: list[Out] = []
    referred = ctx.year.day(rng, hi=ctx.year.end - timedelta(days=2))
    open_at_go_live = rng.random() < GO_LIVE_SHARE
    if open_at_go_live:  # an intervention already running on 1 April: in the go-live load
        referred = ctx.year.start - timedelta(days=rng.randint(15, 300))
    for _ in range(2 if rng.random() < 0.15 else 1):
        if referred > ctx.year.end:
            break
        disposal = "YISP Prevention Programme" if kind == "YISP" else rng.choices(
            _DISPOSALS, weights=_DISPOSAL_WEIGHTS)[0]
        intervention = ctx.new_id("INT", 6)
        spell = (intervention, kind, disposal, referred)
        out.append(_row(ctx, rng, view, case, spell=spell, closed=None, reason=""))
        wait, reason = _closure(rng, kind, disposal)
        closed = max(referred + timedelta(days=wait), ctx.year.start)
        if closed > ctx.year.end:
            break
        out.append(_row(ctx, rng, view, case, spell=spell, closed=closed, reason=reason))
        referred = closed + timedelta(days=rng.randint(10, 90))
        kind = "COURT_DISPOSAL"  # a second intervention follows re-offending
    return out


def _row(ctx: Context, rng: random.Random, view: View, case: Case, *,
         spell: tuple[str, str, str, date], closed: date | None, reason: str) -> Out:
    intervention, kind, disposal, referred = spell
    record_id = ctx.new_id("Y", 8)
    day = closed or referred
    values = (
        record_id, view.own_id, intervention, view.family, view.given, dmy(view.dob),
        _SEX[view.sex], view.postcode_on(day), view.upn, "CLOSURE" if closed else "REFERRAL",
        kind, disposal, dmy(referred), dmy(closed), reason, dmy_time(ctx.year.stamp(rng, day)),
    )
    link = view.link(day, yot_id=view.own_id)
    return Out(SOURCE, record_id, day, csv_line(values), link, case.child.true_id)
