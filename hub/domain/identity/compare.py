"""Compare a record with a child's profile: one level per field, one weight per level.

Levels are defined in ``levels``; their weights are ``MatchConfig`` fields named
``<field>_<level>``. Each field takes the best-weighted level over the child's values; a
field missing on either side weighs 0. ``names_swapped`` replaces both name weights when given
and family names are written the wrong way round (``names_swapped_typo`` when one of the two
agrees only by a typo). Exact name agreements get a term-frequency
adjustment when name frequencies are given (see ``frequencies``). Sex: agree or disagree.
Postcode: full, sector, district (the outward code) or disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from hub.domain.identity.config import MatchConfig
from hub.domain.identity.frequencies import NameFrequencies
from hub.domain.identity.levels import dob_level, family_level, given_level, swap_level
from hub.domain.identity.postcodes import Postcode
from hub.domain.identity.profile import Profile, profile_of
from hub.domain.identity.records import Person

Level = tuple[str, str, float]
"""(field, level, weight)"""
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Comparison:
    score: float
    levels: tuple[Level, ...]

    def agreed(self) -> tuple[str, ...]:
        return tuple(f"{field}:{level}" for field, level, weight in self.levels if weight > 0)


def _best(field: str, values: Iterable[V], level: Callable[[V], str], config: MatchConfig) -> Level:
    best: Level = (field, "missing", 0.0)
    for value in values:
        name = level(value)
        weight = 0.0 if name == "missing" else float(getattr(config, f"{field}_{name}"))
        if best[1] == "missing" or weight > best[2]:
            best = (field, name, weight)
    return best


def _postcode_level(x: Postcode | None, y: Postcode) -> str:
    if x is None:
        return "missing"
    if x == y:
        return "full"
    if x.sector == y.sector:
        return "sector"
    return "district" if x.district == y.district else "disagree"


def _tf(
    level: Level, name: str, freq: NameFrequencies | None, c: MatchConfig, family: str = ""
) -> Level:
    if freq is None or level[1] != "exact":
        return level
    return (level[0], level[1], level[2] + freq.adjustment(level[0], name, c, family))


def _names(
    person: Person, child: Profile, config: MatchConfig, freq: NameFrequencies | None
) -> list[Level]:
    given = _best("given", child.givens, lambda g: given_level(person.given, g), config)
    family = _best("family", child.families, lambda f: family_level(person.family, f), config)
    if given[1] in ("disagree", "similar"):
        swaps = {swap_level(person.given, person.family, g, f) for g, f in child.names}
        if "swapped" in swaps:
            return [("names", "swapped", config.names_swapped)]
        if "swapped_typo" in swaps:
            return [("names", "swapped_typo", config.names_swapped_typo)]
    surname = " ".join(person.family)
    shared = surname if family[1] == "exact" else ""
    return [_tf(given, person.first, freq, config, shared), _tf(family, surname, freq, config)]


def _sex(person: Person, child: Profile, config: MatchConfig) -> Level:
    if not person.sex or not child.sexes:
        return ("sex", "missing", 0.0)
    if person.sex in child.sexes:
        return ("sex", "agree", config.sex_agree)
    return ("sex", "disagree", config.sex_disagree)


def compare(
    person: Person,
    child: Profile | Person,
    config: MatchConfig,
    freq: NameFrequencies | None = None,
) -> Comparison:
    """Score ``person`` against a child's profile (or one other person)."""
    if isinstance(child, Person):
        child = profile_of([child])
    postcode = _best(
        "postcode", child.postcodes, lambda p: _postcode_level(person.postcode, p), config
    )
    if freq is not None and postcode[1] == "full":
        postcode = ("postcode", "full", postcode[2] + freq.population_shift(config))
    levels = (
        *_names(person, child, config, freq),
        _best("dob", child.dobs, lambda d: dob_level(person.dob, d), config),
        _sex(person, child, config),
        postcode,
    )
    return Comparison(sum(weight for _, _, weight in levels), levels)
