"""How real records go wrong: typos, nicknames, swapped names, day/month swaps, gaps.

Rates are per record view (the person as one source holds them). The report notes that
date of birth "is sometimes missing or wrongly recorded" (p.21) and that names differ
between systems; CSC, the system of record, gets the lowest rates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from hub.synthetic.ids import spoil_nhs, spoil_upn
from hub.synthetic.names import NICKNAMES, VARIANTS

_KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm"


@dataclass(frozen=True)
class NoiseRates:
    typo: float = 0.03
    nickname: float = 0.05
    swap_names: float = 0.01
    # attempted swaps: only a day of 12 or less can swap (~40% of dates), so about 1.5%
    # of records end up with day and month swapped
    swap_day_month: float = 0.038
    missing_dob: float = 0.05
    bad_identifier: float = 0.005
    stale_postcode: float = 0.3  # after a move, the source still holds the old postcode


CSC_NOISE = NoiseRates(typo=0.005, nickname=0.0, swap_names=0.0, swap_day_month=0.008,
                       missing_dob=0.005, stale_postcode=0.1)
STANDARD_NOISE = NoiseRates()
SPARSE_DOB_NOISE = NoiseRates(missing_dob=0.12)  # YOT and finance lose dates of birth


def typo(name: str, rng: random.Random) -> str:
    """One keying slip: drop, double, transpose or substitute a neighbouring letter."""
    if len(name) < 3:
        return name
    at = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return name[:at] + name[at + 1 :]
    if kind == 1:
        return name[:at] + name[at] + name[at:]
    if kind == 2:
        return name[: at - 1] + name[at] + name[at - 1] + name[at + 1 :]
    key = _KEYBOARD.find(name[at].lower())
    if key < 0:
        return name
    near = _KEYBOARD[key + 1] if key + 1 < len(_KEYBOARD) else _KEYBOARD[key - 1]
    near = _KEYBOARD[key - 1] if near == " " else near
    return name[:at] + near + name[at + 1 :]


def nickname(name: str, rng: random.Random) -> str:
    options = NICKNAMES.get(name, ()) + VARIANTS.get(name, ())
    return rng.choice(options) if options else name


def swap_day_month(dob: date) -> date | None:
    """13/04 cannot become 04/13; such dates are keyed another way, so None = no swap."""
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dob.replace(month=dob.day, day=dob.month)


@dataclass(slots=True)
class Noisy:
    given: str
    family: str
    dob: date | None
    upn: str
    nhs: str


def apply(rates: NoiseRates, rng: random.Random, person: Noisy) -> Noisy:
    """A copy of ``person`` with each kind of error applied at its rate."""
    given, family, dob, upn, nhs = person.given, person.family, person.dob, person.upn, person.nhs
    if rng.random() < rates.nickname:
        given = nickname(given, rng)
    if rng.random() < rates.typo:
        if rng.random() < 0.5:
            given = typo(given, rng)
        else:
            family = typo(family, rng)
    if rng.random() < rates.swap_names:
        given, family = family, given
    if dob is not None and rng.random() < rates.swap_day_month:
        dob = swap_day_month(dob) or dob
    if rng.random() < rates.missing_dob:
        dob = None
    if upn and rng.random() < rates.bad_identifier:
        upn = spoil_upn(upn, rng)
    if nhs and rng.random() < rates.bad_identifier:
        nhs = spoil_nhs(nhs, rng)
    return Noisy(given, family, dob, upn, nhs)
