"""Record noise and identifier helpers."""

from __future__ import annotations

import random
from datetime import date

from hub.domain.identifiers import is_valid_nhs_number, is_valid_upn
from hub.synthetic.calendar import CensusYear, oracle
from hub.synthetic.ids import NhsIssuer, ScrambledIds, UpnIssuer, spoil_nhs, spoil_upn
from hub.synthetic.noise import STANDARD_NOISE, Noisy, apply, nickname, swap_day_month, typo


def test_typo_changes_a_name_by_one_keying_slip() -> None:
    rng = random.Random(1)
    changed = [typo("Elizabeth", rng) for _ in range(200)]
    assert sum(name != "Elizabeth" for name in changed) > 150
    assert all(abs(len(name) - len("Elizabeth")) <= 1 for name in changed)


def test_nicknames_and_day_month_swaps() -> None:
    rng = random.Random(2)
    assert nickname("Elizabeth", rng) in {"Liz", "Beth", "Lizzie"}
    assert nickname("Alfred", rng) in {"Alfie", "Alf"}
    assert swap_day_month(date(2014, 4, 3)) == date(2014, 3, 4)
    assert swap_day_month(date(2014, 4, 23)) is None


def test_noise_rates_land_near_their_targets() -> None:
    rng = random.Random(3)
    person = Noisy("Oliver", "Smith", date(2012, 5, 6), "", "")
    results = [apply(STANDARD_NOISE, rng, person) for _ in range(20_000)]
    missing = sum(r.dob is None for r in results) / len(results)
    nicknamed = sum(r.given in {"Ollie", "Olly"} for r in results) / len(results)
    swapped = sum(r.given == "Smith" for r in results) / len(results)
    assert 0.04 < missing < 0.06 and 0.04 < nicknamed < 0.06 and 0.005 < swapped < 0.015


def test_about_one_and_a_half_percent_of_birthdays_swap_day_and_month() -> None:
    rng = random.Random(5)
    births = [date(2010, 1, 1).fromordinal(date(2010, 1, 1).toordinal() + rng.randrange(3650))
              for _ in range(20_000)]
    swapped = sum(apply(STANDARD_NOISE, rng, Noisy("A", "B", born, "", "")).dob not in (born, None)
                  for born in births)
    assert 0.01 < swapped / len(births) < 0.02


def test_issued_identifiers_are_valid_and_spoilt_ones_are_not() -> None:
    rng = random.Random(4)
    upn = UpnIssuer().issue("2001", 2014)
    nhs = NhsIssuer("x").issue()
    assert is_valid_upn(upn) and is_valid_nhs_number(nhs)
    assert not is_valid_upn(spoil_upn(upn, rng))
    assert not is_valid_nhs_number(spoil_nhs(nhs, rng))


def test_scrambled_ids_are_unique_and_fixed_width() -> None:
    ids = ScrambledIds("SC", 6, "seed")
    made = [ids.next() for _ in range(50_000)]
    assert len(set(made)) == len(made)
    assert all(len(i) == 8 and i[2] != "0" for i in made)


def test_census_year_and_finance_dates() -> None:
    year = CensusYear.parse("2025-26")
    assert (year.start, year.end, year.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    assert oracle(date(2025, 4, 5)) == "05-APR-2025"
