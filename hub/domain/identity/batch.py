"""Resolve a stream of records in order, keeping a running summary (pure, lazy)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import Decision
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolver import resolve
from hub.domain.identity.state import ResolverState


@dataclass(slots=True)
class LinkSummary:
    records: int = 0
    links: int = 0
    new: int = 0
    possible_matches: int = 0
    held_for_review: int = 0
    """Links despite a conflicting strong identifier: each raises a review (``resolver``)."""
    ignored_identifiers: int = 0
    """Records that sent a UPN or NHS number failing its check (treated as absent)."""

    def count(self, decision: Decision) -> None:
        self.records += 1
        self.links += decision.outcome == "LINK"
        self.new += decision.outcome == "NEW"
        self.possible_matches += decision.outcome == "POSSIBLE_MATCH"
        self.held_for_review += decision.outcome == "LINK" and bool(decision.evidence.conflicts)
        self.ignored_identifiers += bool(decision.evidence.notes)


def resolve_all(
    records: Iterable[PersonRecord],
    config: MatchConfig = DEFAULT_CONFIG,
    state: ResolverState | None = None,
    summary: LinkSummary | None = None,
) -> Iterator[Decision]:
    """Decisions for ``records`` in order; ``state`` and ``summary`` are updated as it goes."""
    state = state if state is not None else ResolverState()
    for record in records:
        state, decision = resolve(state, record, config)
        if summary is not None:
            summary.count(decision)
        yield decision
