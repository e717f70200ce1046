"""Identity decisions as events: each says what was decided about a record and why.

Applying these events in order (``hub.domain.identity.apply``) rebuilds the resolver state, so
they are the source of truth; the index is a cache of them. Every event is frozen and carries
its evidence: the strong identifiers that agreed or conflicted, the field levels and weights
that made the score, and any other candidate a reviewer should look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hub.domain.identity.compare import Level
from hub.domain.identity.records import PersonRecord

Outcome = Literal["LINK", "NEW", "POSSIBLE_MATCH"]


@dataclass(frozen=True, slots=True)
class Evidence:
    strong_ids: tuple[str, ...] = ()
    """Kinds of strong identifier that agreed, e.g. ``("nhs", "upn")``."""
    conflicts: tuple[str, ...] = ()
    """Kinds of strong identifier on both sides that disagreed: never auto-linked."""
    levels: tuple[Level, ...] = ()
    """(field, level, weight) for the best-scoring comparison."""
    notes: tuple[str, ...] = ()
    """Identifiers the record sent that failed their checks and were ignored."""
    other_candidates: tuple[str, ...] = ()
    """Other children that also matched, for a reviewer."""


@dataclass(frozen=True, slots=True)
class ChildLinked:
    """The record is a child the hub already knows."""

    record: PersonRecord
    child_key: str
    score: float
    evidence: Evidence
    outcome: Outcome = "LINK"


@dataclass(frozen=True, slots=True)
class NewChildRegistered:
    """No known child matched well enough: the record starts a new child."""

    record: PersonRecord
    child_key: str
    score: float | None
    """The best candidate's score, when there was one."""
    evidence: Evidence
    outcome: Outcome = "NEW"


@dataclass(frozen=True, slots=True)
class PossibleMatchFound:
    """A person must decide. Until then the record has a new provisional child key."""

    record: PersonRecord
    child_key: str
    candidate_key: str
    score: float
    evidence: Evidence
    outcome: Outcome = "POSSIBLE_MATCH"


@dataclass(frozen=True, slots=True)
class ChildrenMerged:
    """Two keys were one child: ``from_key``'s records now belong to ``into_key``."""

    into_key: str
    from_key: str
    record_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ChildSplit:
    """``record_ids`` leave ``from_key`` for ``restored_key``: the key they were merged in from
    (an undo), or a new key when they were never merged in."""

    from_key: str
    restored_key: str
    record_ids: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class NotSameChild:
    """A reviewer's answer to a possible match: ``child_key`` is not ``candidate_key``'s child.

    Nothing moves; the open review closes.
    """

    child_key: str
    candidate_key: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordsMoved:
    """Settlement (``hub.domain.identity.canonical``): ``record_ids`` leave ``from_key`` for
    ``to_key`` (an existing child, or a new key), because the records' canonical resolution
    puts them there. A record held for a conflict is attached whole where it arrives."""

    from_key: str
    to_key: str
    record_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChildRetired:
    """Settlement left ``key`` without records: it is known by ``into_key`` from now on (a
    command naming it follows, as after a merge)."""

    key: str
    into_key: str


@dataclass(frozen=True, slots=True)
class ReviewOpened:
    """Settlement: the canonical children hold a possible match of ``child_key`` (provisional)
    with ``candidate_key`` that the live index did not."""

    child_key: str
    candidate_key: str


@dataclass(frozen=True, slots=True)
class ReviewClosed:
    """Settlement: the open possible match of ``child_key`` with ``candidate_key`` (its current
    key) is not one of the canonical children's (they are one child, or the records no longer
    suggest it)."""

    child_key: str
    candidate_key: str


Decision = ChildLinked | NewChildRegistered | PossibleMatchFound
Settled = RecordsMoved | ChildRetired | ReviewOpened | ReviewClosed
IdentityEvent = Decision | ChildrenMerged | ChildSplit | NotSameChild | Settled
