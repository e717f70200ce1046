"""Resource panel: decisions with itemised, coded, costed lines, as one XML document.

Panels authorise packages for disabled children, Section 17 support and care leavers
(report p.26). Approved lines are kept on the case for finance and providers to act on.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from hub.synthetic.calendar import add_months, iso, iso_z
from hub.synthetic.catalog import IN_HOUSE
from hub.synthetic.context import Case, Context, PanelLine
from hub.synthetic.noise import STANDARD_NOISE
from hub.synthetic.record import Out, money
from hub.synthetic.views import Holds, View, make_view

SOURCE, FILE = "panel", "panel.xml"
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<PanelDecisions system="ResourcePanel" exported="{exported}" count="{count}">')
FOOTER = "</PanelDecisions>"
HOLDS = Holds(upn=0.3, nhs=0.3, sex=0.95)
GO_LIVE_SHARE = 0.25  # packages decided before the hub goes live (1 April), still running
REVISED_SHARE = 0.12  # approved decisions the panel later revises (a version 2)
_PANELS = {"leaver": ("Leaving Care Panel",), "disabled": ("Short Breaks Panel",
            "Complex Needs Panel"), "family": ("Children's Resource Panel", "Complex Needs Panel")}
# (service, subtype, provider, measure, frequency, quantity range, unit cost range)
_DISABLED = (
    ("CWD", "SHORT_BREAK_CARE_V4", "Oakfield Short Breaks", "D", "MONTHLY", (2, 8), (180, 260)),
    ("CWD", "DIRECT_PAYMENTS", IN_HOUSE, "M", "WEEKLY", (0, 0), (40, 160)),
    ("CWD", "DAY_CARE", "Kites Family Services", "S", "WEEKLY", (1, 3), (45, 70)),
    ("CWD", "OCCUPATIONAL_THERAPY", "Rainbow Therapy Partnership", "S", "MONTHLY", (1, 4),
     (55, 80)),
)
_FAMILY = (
    ("FS", "PARENT_SUPPORT_AND_PARENTING", IN_HOUSE, "M", "ONE_OFF", (0, 0), (150, 1500)),
    ("FS", "PARENT_SUPPORT_AND_PARENTING", "Family Action Partnership", "S", "WEEKLY", (1, 2),
     (35, 60)),
    ("FS", "MEDIATION", "Family Action Partnership", "S", "MONTHLY", (1, 2), (60, 90)),
)
_LEAVER = (
    ("ILT", "CONTINUING_ASSISTANCE_TO_CARE_LEAVERS", IN_HOUSE, "M", "MONTHLY", (0, 0),
     (200, 600)),
    ("ILT", "SUPPORTED_LODGINGS", "Pathways Leaving Care", "D", "MONTHLY", (20, 30), (25, 40)),
)


def _kind(case: Case) -> str:
    if case.plan.care_leaver:
        return "leaver"
    return "disabled" if case.plan.disabled else "family"


_MENUS = {"leaver": _LEAVER, "disabled": _DISABLED, "family": _FAMILY}


def _lines(rng: random.Random, case: Case, decided: date, decision_id: str,
           go_live: date) -> list[PanelLine]:
    menu = _MENUS[_kind(case)]
    chosen = rng.sample(menu, rng.choice((1, 1, 2, 2, 3)) if len(menu) > 2 else 1)
    lines = []
    for service, subtype, provider, measure, frequency, qty, cost in chosen:
        quantity = rng.randint(*qty) if measure != "M" else 0
        amount = round(rng.uniform(*cost) * max(quantity, 1) / 5) * 5.0
        start = decided + timedelta(days=rng.randint(3, 21))
        end = start if frequency == "ONE_OFF" else add_months(start, rng.randint(3, 12))
        if end < go_live and frequency != "ONE_OFF":  # still running on 1 April
            end = add_months(go_live, rng.randint(1, 6))
        lines.append(PanelLine(decision_id, service, subtype, provider, measure, quantity,
                               amount, frequency, start, end))
    return lines


def records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.panel:
        return []
    rng = ctx.rng(SOURCE)
    view = make_view(case.child, ctx.new_id("PC", 5), rng, STANDARD_NOISE, HOLDS)
    csc_id = case.la_child_id if rng.random() < 0.85 else ""
    decided = ctx.day_for(rng, case.child, hi=ctx.year.end - timedelta(days=7))
    if rng.random() < GO_LIVE_SHARE:  # a package in force on 1 April: in the go-live load
        decided = max(ctx.year.start - timedelta(days=rng.randint(20, 200)), case.child.dob)
    out = []
    for _ in range(3):
        outcome = rng.choices(("APPROVED", "DECLINED", "DEFERRED"), weights=(78, 10, 12))[0]
        decision_id = ctx.new_id("PD-", 6)
        lines = _lines(rng, case, decided, decision_id, ctx.year.start)
        revised = _revision(rng, lines) if outcome == "APPROVED" else None
        out.append(_decision(ctx, rng, case, view, csc_id=csc_id, decided=decided,
                             outcome=outcome, lines=lines, version=1 if revised else None))
        if revised is not None:  # the panel revised the package: version 2 replaces it
            lines = revised
            out.append(_decision(ctx, rng, case, view, csc_id=csc_id, decided=decided,
                                 outcome=outcome, lines=lines, version=2, revised=True))
        if outcome == "APPROVED":
            case.panel_lines.extend(lines)
        decided += timedelta(days=rng.randint(14, 45))
        if outcome != "DEFERRED" or decided > ctx.year.end:
            break
    return out


def _child_xml(view: View, csc_id: str, day: date) -> str:
    sex = view.sex or ""
    return (f'<Child panelChildRef="{view.own_id}" cscId="{csc_id}" upn="{view.upn}" '
            f'nhsNumber="{view.nhs}"><Forename>{escape(view.given)}</Forename>'
            f"<Surname>{escape(view.family)}</Surname><DateOfBirth>{iso(view.dob)}"
            f"</DateOfBirth><Sex>{sex}</Sex><Postcode>{view.postcode_on(day)}</Postcode></Child>")


def _line_xml(number: int, line: PanelLine) -> str:
    quantity = str(line.quantity) if line.measure != "M" else ""
    return (f'<Line no="{number}" service="{line.service}" subType="{line.subtype}" '
            f"provider={quoteattr(line.provider)} measure=\"{line.measure}\" "
            f'quantity="{quantity}" amount="{money(line.amount)}" '
            f'frequency="{line.frequency}" plannedStart="{iso(line.start)}" '
            f'plannedEnd="{iso(line.end)}"/>')


def _revision(rng: random.Random, lines: list[PanelLine]) -> list[PanelLine] | None:
    """A revised package (about one approved decision in eight): the last line dropped, or a
    single line's amount cut by a fifth; None when the decision stands as first made."""
    if rng.random() >= REVISED_SHARE:
        return None
    if len(lines) > 1:
        return lines[:-1]
    cut = round(lines[0].amount * 0.8 / 5) * 5.0
    return [replace(lines[0], amount=cut)]


def _decision(ctx: Context, rng: random.Random, case: Case, view: View, *, csc_id: str,
              decided: date, outcome: str, lines: list[PanelLine], version: int | None,
              revised: bool = False) -> Out:
    decision_id = lines[0].decision_id
    if version is None:
        version = 1 + int(rng.random() < 0.15)  # re-saved unchanged
    body = "".join(_line_xml(n, line) for n, line in enumerate(lines, start=1))
    row = (f'<Decision id="{decision_id}" version="{version}" '
           f'lastModified="{iso_z(ctx.year.stamp(rng, decided, 2))}">'
           f"<PanelDate>{iso(decided)}</PanelDate>"
           f"<PanelName>{escape(rng.choice(_PANELS[_kind(case)]))}</PanelName><Outcome>{outcome}</Outcome>"
           f"{_child_xml(view, csc_id, decided)}<Lines>{body}</Lines></Decision>")
    link = view.link(decided, la_child_id=csc_id)
    return Out(SOURCE, decision_id, decided, row, link, case.child.true_id, seq=version,
               revision=version if revised else 0)
