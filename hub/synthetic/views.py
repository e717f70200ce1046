"""A source system's own record of a child: its id, and identity as keyed (with noise)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from hub.synthetic.noise import NoiseRates, Noisy, apply
from hub.synthetic.population import Child
from hub.synthetic.record import Link


@dataclass(frozen=True)
class Holds:
    """How often a system holds each identifier at all."""

    upn: float = 0.0
    former_upn: float = 0.0
    nhs: float = 0.0
    sex: float = 1.0


@dataclass(slots=True)
class View:
    own_id: str
    child: Child
    given: str
    family: str
    dob: date | None
    sex: str
    upn: str
    former_upn: str
    nhs: str
    updates_postcode: bool

    def postcode_on(self, day: date) -> str:
        return self.child.postcode_on(day) if self.updates_postcode else self.child.postcode

    def address_on(self, day: date) -> str:
        return self.child.address_on(day) if self.updates_postcode else self.child.address

    def link(self, day: date, la_child_id: str = "", yot_id: str = "") -> Link:
        return Link(self.own_id, la_child_id, self.upn, self.former_upn, self.nhs, yot_id,
                    self.given, self.family, self.dob, self.sex, self.postcode_on(day))


def make_view(child: Child, own_id: str, rng: random.Random, rates: NoiseRates,
              holds: Holds) -> View:
    upn = child.upn if rng.random() < holds.upn else ""
    former = child.former_upn if upn and rng.random() < holds.former_upn else ""
    nhs = child.nhs if rng.random() < holds.nhs else ""
    sex = child.sex if rng.random() < holds.sex else ""
    noisy = apply(rates, rng, Noisy(child.given, child.family, child.dob, upn, nhs))
    return View(own_id, child, noisy.given, noisy.family, noisy.dob, sex, noisy.upn, former,
                noisy.nhs, rng.random() >= rates.stale_postcode)
