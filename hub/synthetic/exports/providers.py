"""Providers' service-use returns: one CSV per SLA, dd/mm/yyyy, per session or per month.

Deliveries follow panel lines when there are some (with gaps and shortfalls) and the
child's other services otherwise. EW, TP and DA rows carry a consent-to-share flag.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from hub.domain.codes import CONSENT_SENSITIVE_SERVICES
from hub.synthetic.calendar import add_months, dmy, dmy_time, month_end
from hub.synthetic.catalog import SLA_BY_PROVIDER, SLA_BY_SERVICE, Sla
from hub.synthetic.context import Case, Context
from hub.synthetic.noise import STANDARD_NOISE
from hub.synthetic.record import Out, csv_line, yn
from hub.synthetic.views import Holds, View, make_view

SOURCE, DIRECTORY = "provider-returns", "provider_returns"
HEADER = csv_line((
    "LineRef", "ProviderName", "SLARef", "ClientRef", "ClientForename", "ClientSurname",
    "ClientDOB", "ClientPostcode", "ServiceCode", "SubTypeCode", "Measure", "SessionDate",
    "PeriodEnd", "Sessions", "Days", "HoursPerSession", "ProfessionalType", "GroupSession",
    "ConsentToShare", "SubmittedOn",
))
FOOTER = ""
HOLDS = Holds(sex=0.0)
OVERSTATED_NIGHTS = 0.03  # rows reporting more nights than their period has days
# (sla, subtype, first day, last day, units per period or 0 for "course of sessions")
Course = tuple[Sla, str, date, date, int]


def _courses(rng: random.Random, case: Case, ctx: Context) -> Iterator[Course]:
    for line in case.panel_lines:
        sla = SLA_BY_PROVIDER.get(line.provider)
        if sla and line.measure in ("S", "D") and rng.random() < 0.85:
            units = line.quantity if rng.random() < 0.8 else max(line.quantity - 1, 1)
            yield sla, line.subtype, line.start, line.end, units
    for service in case.plan.services:
        options = SLA_BY_SERVICE.get(service, ())
        if not options:
            continue
        sla = rng.choice(options)
        start = ctx.day_for(rng, case.child, hi=ctx.year.end - timedelta(days=7))
        yield sla, rng.choice(sla.subtypes), start, add_months(start, rng.randint(1, 8)), 0


Row = tuple[date, date | None, int]  # session or period start, period end, count


def _rows(rng: random.Random, course: Course, year_end: date) -> Iterator[Row]:
    """(session or period start, period end or None, count) for one course."""
    sla, _, start, end, units = course
    if sla.monthly:
        first = start
        while first <= min(end, year_end):
            yield first, month_end(first), units or rng.randint(1, 6)
            first = month_end(first) + timedelta(days=1)
        return
    step = rng.choice((7, 7, 14))
    day = start
    for _ in range(units * 4 if units else rng.randint(3, 14)):
        if day > min(end, year_end):
            return
        yield day, None, 1
        day += timedelta(days=step)


def records(case: Case, ctx: Context) -> list[Out]:
    rng = ctx.rng(SOURCE)
    views: dict[str, View] = {}
    out: list[Out] = []
    for course in _courses(rng, case, ctx):
        sla = course[0]
        if sla.ref not in views:
            own = ctx.new_id(sla.client_prefix, 5)
            views[sla.ref] = make_view(case.child, own, rng, STANDARD_NOISE, HOLDS)
        consent = ""
        if sla.service in CONSENT_SENSITIVE_SERVICES:
            consent = yn(rng.random() >= 0.2)
        hours = rng.choice(("1", "1", "1.5", "2", "0.75")) if sla.measure == "S" else ""
        profession = rng.choice(sla.professions)
        group = yn(rng.random() < sla.group_rate)
        for day, period_end, returned in _rows(rng, course, ctx.year.end):
            if day < ctx.year.start:
                continue  # delivered before go-live: returns cover the year from 1 April
            count = returned
            if sla.measure == "D" and period_end and rng.random() < OVERSTATED_NIGHTS:
                count = (period_end - day).days + 1 + rng.randint(1, 9)  # a keying slip
            cells = (sla.service.value, course[1], sla.measure, dmy(day), dmy(period_end),
                     str(count) if sla.measure == "S" else "",
                     str(count) if sla.measure == "D" else "", hours, profession, group, consent)
            out.append(_row(ctx, rng, case, views[sla.ref], sla=sla, day=day,
                            period_end=period_end, cells=cells))
    return out


def _row(ctx: Context, rng: random.Random, case: Case, view: View, *, sla: Sla, day: date,
         period_end: date | None, cells: tuple[str, ...]) -> Out:
    record_id = ctx.new_id(f"{sla.ref}-", 6)
    submitted = ctx.year.clip(month_end(period_end or day) + timedelta(days=rng.randint(1, 12)))
    values = (record_id, sla.provider, sla.ref, view.own_id, view.given, view.family,
              dmy(view.dob), view.postcode_on(day), *cells,
              dmy_time(ctx.year.stamp(rng, submitted, 0)))
    return Out(SOURCE, record_id, day, csv_line(values), view.link(day), case.child.true_id,
               file_key=sla.ref)
