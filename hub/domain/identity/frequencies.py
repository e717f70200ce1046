"""How common each given and family name is among known children (term frequencies).

Agreeing on a rare name is stronger evidence than agreeing on Oliver or Smith. For an exact
name agreement the resolver adds ``log2(u / f)`` bits, where ``u`` is the chance that two
different children share a name on average (``tf_given_u``, ``tf_family_u``) and ``f`` this
name's share of children, smoothed towards ``u`` with ``tf_prior`` pseudo-children (so the
first few hundred children do not make every name look common), and capped at ``tf_cap``
bits either way. Counts are per child, not per record: a child with 50 provider returns
counts once.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from hub.domain.identity.config import MatchConfig
from hub.domain.identity.records import Person

K = TypeVar("K")


def _names(person: Person) -> list[tuple[str, str]]:
    family = " ".join(person.family)
    found = [("given", person.first)] if person.first else []
    found += [("family", family)] if family else []
    return found + ([("pair", f"{person.first}|{family}")] if person.first and family else [])


@dataclass(slots=True)
class NameFrequencies:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(kind, name) -> number of children holding it."""
    holders: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(kind, name, child key) -> number of that child's records holding it."""
    children: Counter[str] = field(default_factory=Counter)
    """child key -> records; its length is the number of children."""

    def add(self, child_key: str, person: Person) -> None:
        self.children[child_key] += 1
        for kind, name in _names(person):
            self.holders[(kind, name, child_key)] += 1
            if self.holders[(kind, name, child_key)] == 1:
                self.counts[(kind, name)] += 1

    def remove(self, child_key: str, person: Person) -> None:
        _decrement(self.children, child_key)
        for kind, name in _names(person):
            if _decrement(self.holders, (kind, name, child_key)):
                _decrement(self.counts, (kind, name))

    def population_shift(self, config: MatchConfig) -> float:
        """Bits every threshold (and a full postcode) rises by at this population size."""
        children = max(len(self.children), config.reference_children)
        return config.population_prior * math.log2(children / config.reference_children)

    def share(self, kind: str, name: str, u: float, prior: float) -> float:
        """Smoothed share of *other* children holding ``name`` (the candidate is one holder).

        ``prior`` pseudo-children hold it at rate ``u``, so small counts stay near ``u``.
        """
        others = max(self.counts[(kind, name)] - 1, 0)
        return (others + prior * u) / (max(len(self.children) - 1, 0) + prior)

    def adjustment(self, kind: str, name: str, config: MatchConfig, family: str = "") -> float:
        """Bits to add to an exact agreement on ``name`` (``kind`` is given or family).

        With ``family`` (the family names agree), a given name's share is taken among the
        other children of that family name: siblings share it, so this is the chance that a
        sibling or namesake has the same given name too.
        """
        u = config.tf_given_u if kind == "given" else config.tf_family_u
        share = self.share(kind, name, u, config.tf_prior)
        if family:
            together = max(self.counts[("pair", f"{name}|{family}")] - 1, 0)
            relatives = max(self.counts[("family", family)] - 1, 0)
            prior = config.tf_family_prior
            share = (together + prior * share) / (relatives + prior)
        return max(-config.tf_cap, min(config.tf_cap, math.log2(u / share)))


def _decrement(counter: Counter[K], key: K) -> bool:
    """Decrement ``counter[key]``, dropping it at zero; True when it dropped."""
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
        return True
    return False
