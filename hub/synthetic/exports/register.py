"""Register of disabled children: a CSV with a parental consent column, dd/mm/yyyy.

The register is not held on the CSC system and parents can withhold consent to share
(report p.20, p.29); some disabled children are not registered at all.
"""

from __future__ import annotations

from datetime import timedelta

from hub.synthetic.calendar import dmy
from hub.synthetic.context import Case, Context
from hub.synthetic.noise import STANDARD_NOISE
from hub.synthetic.record import Out, csv_line, yn
from hub.synthetic.views import Holds, make_view

SOURCE, FILE = "disabled-register", "disabled_register.csv"
HEADER = csv_line((
    "RegisterNo", "Surname", "Forenames", "DateOfBirth", "Sex", "AddressLine1", "Postcode",
    "NHSNumber", "UPN", "EntryDate", "DisabilityCategories", "ParentalConsent", "LastReviewed",
))
FOOTER = ""
HOLDS = Holds(upn=0.4, nhs=0.8, sex=1.0)
GO_LIVE_SHARE = 0.6  # entries made before the hub goes live (1 April)
_CATEGORIES = ("LD", "AUT", "COMM", "MOB", "PC", "BEH", "HAND", "HEAR", "VIS", "CON", "INC")


def records(case: Case, ctx: Context) -> list[Out]:
    if not case.plan.register:
        return []
    rng = ctx.rng(SOURCE)
    view = make_view(case.child, ctx.new_id("DCR", 5), rng, STANDARD_NOISE, HOLDS)
    entered = ctx.year.day(rng, lo=max(case.child.dob, ctx.year.start))
    if rng.random() < GO_LIVE_SHARE:  # on the register before go-live: in the go-live load
        entered = max(ctx.year.start - timedelta(days=rng.randint(1, 6 * 365)), case.child.dob)
    reviewed = ctx.year.clip(entered + timedelta(days=rng.choice((0, 0, 30, 90, 180))))
    categories = ";".join(sorted(rng.sample(_CATEGORIES, rng.choice((1, 1, 2, 3)))))
    values = (
        view.own_id, view.family, view.given, dmy(view.dob), view.sex, view.address_on(entered),
        view.postcode_on(entered), view.nhs, view.upn, dmy(entered), categories,
        yn(case.plan.register_consent), dmy(reviewed),
    )
    return [Out(SOURCE, view.own_id, entered, csv_line(values), view.link(entered),
                case.child.true_id)]
