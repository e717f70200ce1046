"""Scoring one known child against a new record: best comparison and strong-id conflicts."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.identity.compare import Comparison, compare
from hub.domain.identity.config import MatchConfig
from hub.domain.identity.frequencies import NameFrequencies
from hub.domain.identity.records import Person
from hub.domain.identity.state import STRONG_ID_PRIORITY, Child

NON_CONFLICTING = ("src:",)
"""Kinds that may legitimately differ for one child: a source system can hold duplicates."""


@dataclass(frozen=True, slots=True)
class Scored:
    child_key: str
    comparison: Comparison
    conflicts: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.comparison.score


def conflicts(person: Person, child_ids: dict[str, set[str]]) -> tuple[str, ...]:
    """Kinds of strong identifier both sides hold with no value in common.

    UPNs are compared as a set (current and former), so a record whose former UPN is the
    child's old UPN does not conflict with it. Source record ids and a source's own
    reference sent as a typed id (``Person.own_kinds``: a provider's client ref, a finance
    client ref) never conflict: each system issues its own, and holds duplicates.
    """
    mine: dict[str, set[str]] = {}
    for kind, value in person.ids:
        if not kind.startswith(NON_CONFLICTING) and kind not in person.own_kinds:
            mine.setdefault(kind, set()).add(value)
    return tuple(
        sorted(
            kind for kind, values in mine.items() if child_ids.get(kind, values).isdisjoint(values)
        )
    )


def score_child(
    person: Person, child: Child, config: MatchConfig, names: NameFrequencies | None = None
) -> Scored:
    comparison = compare(person, child.profile(), config, names)
    return Scored(child.key, comparison, conflicts(person, child.ids()))


def id_rank(kinds: list[str]) -> int:
    """0 for the most trusted kind of identifier shared (see ``STRONG_ID_PRIORITY``)."""
    order = {kind: rank for rank, kind in enumerate(STRONG_ID_PRIORITY)}
    return min(order.get(kind.split(":")[0], len(order)) for kind in kinds)
