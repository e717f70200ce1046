"""The true children of the synthetic authority: families, siblings, twins and namesakes.

Siblings share a surname (unless half-siblings), an address and a postcode, but not a given
name (parents do not give two children one name; only Muhammad may be shared by brothers, a
known convention: see ``names.sibling_name``); twins also
share a date of birth; some unrelated children share a common name and date of birth
but live elsewhere. A family may move during the year (new address and postcode).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from hub.synthetic import names, places
from hub.synthetic.calendar import CensusYear, age_on
from hub.synthetic.ids import NhsIssuer, UpnIssuer

_GROUPS = (("british", 0.72), ("south_asian", 0.12), ("black", 0.07),
           ("east_european", 0.05), ("mixed", 0.04))
_ETHNICITY = {
    "british": (("WBRI", 0.9), ("WIRI", 0.04), ("WOTH", 0.04), ("WIRT", 0.01), ("WROM", 0.01)),
    "south_asian": (("APKN", 0.45), ("AIND", 0.3), ("ABAN", 0.2), ("AOTH", 0.05)),
    "black": (("BAFR", 0.6), ("BCRB", 0.3), ("BOTH", 0.1)),
    "east_european": (("WOTH", 0.9), ("WROM", 0.1)),
    "mixed": (("MWBC", 0.45), ("MWBA", 0.2), ("MWAS", 0.2), ("MOTH", 0.15)),
}
_SIZES = ((1, 0.45), (2, 0.3), (3, 0.15), (4, 0.07), (5, 0.03))


def _draw(rng: random.Random, options: tuple[tuple[object, float], ...]) -> object:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


@dataclass(slots=True)
class Child:
    true_id: str
    family_id: str
    given: str
    family: str
    sex: str
    dob: date
    ethnicity: str
    address: str
    postcode: str
    move: tuple[date, str, str] | None  # (date, new address, new postcode)
    upn: str
    former_upn: str
    nhs: str
    school_urn: str
    twin_of: str = ""

    def postcode_on(self, day: date) -> str:
        return self.move[2] if self.move and day >= self.move[0] else self.postcode

    def address_on(self, day: date) -> str:
        return self.move[1] if self.move and day >= self.move[0] else self.address

    def age(self, day: date) -> int:
        return age_on(self.dob, day)


class Population:
    """Yields families (lists of children) until ``size`` children have been made."""

    def __init__(self, size: int, year: CensusYear, seed: int) -> None:
        self.size, self.year = size, year
        self.rng = random.Random(f"{seed}:population")
        self.upns, self.nhs = UpnIssuer(), NhsIssuer(str(seed))
        self.primaries, self.secondaries = places.schools(self.rng, size)
        self._namesakes: list[Child] = []
        self._made = 0

    def families(self) -> Iterator[list[Child]]:
        families = 0
        while self._made < self.size:
            families += 1
            yield self._family(f"F{families:07d}")

    def _family(self, family_id: str) -> list[Child]:
        rng = self.rng
        group = str(_draw(rng, _GROUPS))
        name_group = rng.choice(("british", "black")) if group == "mixed" else group
        surname = names.pick(rng, names.SURNAMES[name_group])
        home = (places.address(rng), places.postcode(rng))
        move = None
        if rng.random() < 0.08:
            move = (self.year.day(rng), places.address(rng), places.postcode(rng))
        leaver = rng.random() < 0.015
        size = 1 if leaver else min(int(str(_draw(rng, _SIZES))), self.size - self._made)
        children: list[Child] = []
        for _ in range(size):
            own = surname if rng.random() > 0.15 else names.pick(rng, names.SURNAMES[name_group])
            dob = self._dob(rng, leaver, children)
            sex = "M" if rng.random() < 0.51 else "F"
            given = names.sibling_name(rng, name_group, sex, {c.given for c in children})
            child = self._child(family_id, given=given, family=own, sex=sex, dob=dob,
                                group=group, home=home, move=move)
            children.append(child)
        if size >= 2 and rng.random() < 0.06:
            self._make_twins(rng, children[0], children[1], name_group)
        if size == 1:
            self._maybe_namesake(rng, children[0])
        return children

    def _dob(self, rng: random.Random, leaver: bool, siblings: list[Child]) -> date:
        if leaver:
            age = rng.randint(18, 21)
        elif rng.random() < 0.04:
            return self.year.day(rng, hi=self.year.end - timedelta(days=60))  # newborn
        else:
            age = rng.choices(range(18), weights=[5] * 10 + [6] * 3 + [8] * 4 + [6])[0]
        for _ in range(5):
            dob = self.year.start - timedelta(days=365 * age + rng.randint(0, 364))
            if all(abs((dob - s.dob).days) > 300 for s in siblings):
                break
        return dob

    def _child(self, family_id: str, *, given: str, family: str, sex: str, dob: date,
               group: str, home: tuple[str, str], move: tuple[date, str, str] | None) -> Child:
        rng = self.rng
        self._made += 1
        ethnicity = str(_draw(rng, _ETHNICITY[group]))
        age = age_on(dob, self.year.start)
        upn = former = urn = ""
        if age >= 4 and rng.random() < 0.93:
            school = rng.choice(self.primaries if age < 11 else self.secondaries)
            urn = school.urn
            upn = self.upns.issue(school.establishment, dob.year + 5)
            if rng.random() < 0.05:
                former = self.upns.temporary(rng, school.establishment, dob.year + 4)
        nhs = self.nhs.issue() if rng.random() < 0.97 else ""
        return Child(f"TC{self._made:07d}", family_id, given, family, sex, dob, ethnicity,
                     home[0], home[1], move, upn, former, nhs, urn)

    def _make_twins(self, rng: random.Random, first: Child, second: Child, group: str) -> None:
        second.dob, second.family, second.twin_of = first.dob, first.family, first.true_id
        if rng.random() < 0.4:
            pair = rng.choice(names.TWIN_PAIRS)
            first.given, first.sex, second.given, second.sex = pair
        while second.given == first.given:
            second.given = names.given_name(rng, group, second.sex)

    def _maybe_namesake(self, rng: random.Random, child: Child) -> None:
        """Occasionally an unrelated child elsewhere shares a common name and birthday."""
        if self._namesakes and rng.random() < 0.004:
            other = rng.choice(self._namesakes)
            child.given, child.family, child.dob, child.sex = (
                other.given, other.family, other.dob, other.sex)
        elif len(self._namesakes) < 500 and rng.random() < 0.05:
            self._namesakes.append(child)
