"""Finance system: a CSV of payments, amounts in pounds, dates as 05-APR-2025.

Payments follow panel lines (direct payments, short breaks, Section 17/24), but not
always: some approved lines are never paid, some amounts differ, some payments carry no
decision reference, and small Section 17 payments need no panel at all (pp.24-26).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from hub.synthetic.calendar import add_months, month_end, oracle, oracle_time
from hub.synthetic.context import Case, Context, PanelLine
from hub.synthetic.noise import NoiseRates
from hub.synthetic.record import Out, csv_line, money
from hub.synthetic.views import Holds, View, make_view

SOURCE, FILE = "finance", "finance_payments.csv"
HEADER = csv_line((
    "PaymentRef", "ClientRef", "CSCRef", "ClientName", "ClientDOB", "ClientPostcode",
    "PaymentType", "Amount", "PeriodFrom", "PeriodTo", "PaymentDate", "Payee",
    "PanelDecisionRef", "CostCentre", "LastUpdated",
))
FOOTER = ""
NOISE = NoiseRates(missing_dob=0.15)
HOLDS = Holds(sex=0.0)
_COST_CENTRES = {"SECTION_17": "CSC-S17", "SECTION_24": "LC-S24", "DIRECT_PAYMENT": "CWD-DP",
                 "SHORT_BREAK_V3": "CWD-SB", "SHORT_BREAK_V4": "CWD-SB",
                 "NURSERY_PLACE": "EY-PLACES", "CHILDMINDING_PLACE": "EY-PLACES"}
_NURSERIES = ("Busy Bees Nursery", "Little Stars Day Nursery", "St Mary's Pre-School",
              "Rainbow Childminding Network", "Sunflower Nursery")
# (payment type, payee, panel ref, period from, period to, amount)
Payment = tuple[str, str, str, date, date, float]


def _line_payments(rng: random.Random, line: PanelLine) -> Iterator[Payment]:
    kind = {"DIRECT_PAYMENTS": "DIRECT_PAYMENT", "SHORT_BREAK_CARE_V4": "SHORT_BREAK_V4",
            "PARENT_SUPPORT_AND_PARENTING": "SECTION_17"}.get(line.subtype, "SECTION_24")
    if kind == "SHORT_BREAK_V4" and rng.random() < 0.2:
        kind = "SHORT_BREAK_V3"  # the child is accommodated for the breaks (legal status V3)
    payee = "Parent/carer" if line.provider.startswith("In-house") else line.provider
    if kind == "DIRECT_PAYMENT":
        payee = "Direct payment account"
    ref = line.decision_id if rng.random() > 0.05 else ""
    if line.frequency == "ONE_OFF":
        yield kind, payee, ref, line.start, line.start, line.amount
        return
    start = line.start
    while start < line.end:
        if line.frequency == "WEEKLY":
            stop, amount = start + timedelta(days=27), line.amount * 4
        else:
            stop, amount = month_end(start), line.amount
        if rng.random() < 0.12:
            amount = round(amount * rng.uniform(0.75, 1.2), 2)  # fewer nights used, top-up
        yield kind, payee, ref, start, stop, amount
        start = stop + timedelta(days=1)


def _payments(rng: random.Random, case: Case, ctx: Context) -> Iterator[Payment]:
    for line in case.panel_lines:
        if line.measure == "S" or rng.random() < 0.1:  # sessions are block-paid; some unpaid
            continue
        yield from _line_payments(rng, line)
    year = ctx.year
    if case.plan.s17_adhoc:
        for _ in range(rng.randint(1, 3)):
            since = case.referral_dates[0] if case.referral_dates else case.child.dob
            day = year.day(rng, lo=since)
            yield "SECTION_17", "Parent/carer", "", day, day, float(rng.randint(4, 60) * 5)
    if case.plan.care_leaver and not case.panel_lines:
        for _ in range(rng.randint(1, 4)):
            day = year.day(rng)
            yield "SECTION_24", "Care leaver", "", day, day, float(rng.randint(10, 160) * 5)
    if case.plan.early_years_place:
        provider = rng.choice(_NURSERIES)
        term = 38 * 15 * rng.uniform(5.2, 6.1) / 3
        for first in (year.start, year.start.replace(month=9), add_months(year.start, 9)):
            if rng.random() < 0.85:
                last = month_end(add_months(first, 3 if first.month == 9 else 2))
                yield case.plan.early_years_place, provider, "", first, last, round(term, 2)


def records(case: Case, ctx: Context) -> list[Out]:
    rng = ctx.rng(SOURCE)
    views: list[View] = []
    out = []
    for payment in _payments(rng, case, ctx):
        kind, _, _, start, stop, _ = payment
        paid = _paid_on(rng, kind, start, stop)
        if paid > ctx.year.end or paid < ctx.year.start:
            continue
        if not views or rng.random() < 0.03:  # a second client record for the same child
            views.append(make_view(case.child, ctx.new_id("CL", 7), rng, NOISE, HOLDS))
        view = views[-1]
        csc_ref = case.la_child_id if hash_bucket(view.own_id) < 60 else ""
        out.append(_row(ctx, rng, case, view, csc_ref=csc_ref, payment=payment, paid=paid))
    return out


def _paid_on(rng: random.Random, kind: str, start: date, stop: date) -> date:
    """Direct payments, Section 17 and places are paid in advance; care in arrears."""
    if kind in ("DIRECT_PAYMENT", "SECTION_17") or start == stop:
        return start + timedelta(days=rng.randint(0, 5))
    if kind in ("NURSERY_PLACE", "CHILDMINDING_PLACE"):
        return start + timedelta(days=rng.randint(14, 40))
    return stop + timedelta(days=rng.randint(5, 25))


def hash_bucket(text: str) -> int:
    """A stable 0-99 bucket, so one client record always holds (or lacks) the CSC id."""
    return sum(ord(c) * (i + 7) for i, c in enumerate(text)) % 100


def _row(ctx: Context, rng: random.Random, case: Case, view: View, *, csc_ref: str,
         payment: Payment, paid: date) -> Out:
    kind, payee, ref, start, stop, amount = payment
    record_id = ctx.new_id("PAY", 8)
    values = (
        record_id, view.own_id, csc_ref, f"{view.family.upper()}, {view.given}", oracle(view.dob),
        view.postcode_on(paid), kind, money(amount), oracle(start), oracle(stop), oracle(paid),
        payee, ref, _COST_CENTRES[kind], oracle_time(ctx.year.stamp(rng, paid, 2)),
    )
    link = view.link(paid, la_child_id=csc_ref)
    link.family = link.family.upper()
    return Out(SOURCE, record_id, paid, csv_line(values), link, case.child.true_id)
