"""Identity decisions as a function of the *set* of person records, not of their arrival order.

``resolve`` is incremental and greedy: a record is compared with the children known when it
arrives, so the same records in another order can end in other children (docs/worker.md,
"Identity and arrival order", has the mechanisms and counts). ``resolve_canonically`` runs
the same resolver over the records in one canonical order, so every permutation of one set
gives the same children, keys and open reviews: the records that name the child (a given and
a family name) first, then the others, each part in record id order. A
nameless record (a CIN census child, an SSD service row) resolved early can only be scored on
its date of birth and sex, and a named record arriving after it is then at best a possible
match with it; resolved after the named ones, it joins its child by an identifier they placed
or is scored against children that already carry names. A record id sent
again with other fields counts once, with the smallest of its versions (by field values),
so that choice does not depend on order either.

``settle_plan`` says what would turn a live index (built in arrival order) into the canonical
children while keeping the live keys where it can: records to move, keys retired, reviews to
open and close; ``settlement_events`` are the identity events that carry it out. The worker's
resolver settles when its inputs are caught up and idle (``Resolution.settle``,
docs/worker.md, "Identity and arrival order").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from hub.domain.identity.batch import resolve_all
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import (
    ChildRetired,
    Decision,
    RecordsMoved,
    ReviewClosed,
    ReviewOpened,
    Settled,
)
from hub.domain.identity.keys import child_key
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.state import ResolverState

Cluster = frozenset[str]
"""The record ids of one child."""


def _version_key(record: PersonRecord) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in astuple(record))


def _named(record: PersonRecord) -> bool:
    return bool(record.given_name and record.family_name)


def canonical_order(records: Iterable[PersonRecord]) -> list[PersonRecord]:
    """Each record id once (its smallest version): named records first, each part in record id
    order."""
    chosen: dict[str, PersonRecord] = {}
    for record in records:
        held = chosen.get(record.record_id)
        if held is None or _version_key(record) < _version_key(held):
            chosen[record.record_id] = record
    return sorted(chosen.values(), key=lambda r: (not _named(r), r.record_id))


def resolve_canonically(
    records: Iterable[PersonRecord],
    config: MatchConfig = DEFAULT_CONFIG,
    held_out: frozenset[str] = frozenset(),
) -> tuple[ResolverState, list[Decision]]:
    """The resolver's state and decisions over ``records`` in ``canonical_order``, the
    doubtful ones last.

    A first pass in canonical order finds the records of every child still in an open review
    (a possible match's provisional child). A second pass resolves everything again with those
    records moved to the end, in the same order: each doubt is then decided against every
    other record, so the household rules see the whole household (a sibling's later record at
    the new address shows a move; a second child of the name shows there are two). Both
    passes follow from the set of records, so the result still does not depend on arrival
    order. Named records still come before nameless ones in the second pass.

    ``held_out``: blocking keys of children left out of ``records`` (``ResolverState.held_out``).
    """
    ordered = canonical_order(records)
    state = ResolverState(held_out=held_out)
    decisions = list(resolve_all(ordered, config, state))
    doubtful = {
        record_id
        for key in state.reviews
        if key in state.children
        for record_id in state.children[key].records
    }
    if not doubtful:
        return state, decisions
    # stable: each part keeps the canonical order
    again = sorted(ordered, key=lambda r: (not _named(r), r.record_id in doubtful))
    state = ResolverState(held_out=held_out)
    return state, list(resolve_all(again, config, state))


def clusters(state: ResolverState) -> frozenset[Cluster]:
    """The children of ``state`` as sets of record ids (keys aside)."""
    found: dict[str, set[str]] = {}
    for record_id, key in state.record_child.items():
        found.setdefault(key, set()).add(record_id)
    return frozenset(frozenset(ids) for ids in found.values())


def open_reviews(state: ResolverState) -> frozenset[frozenset[Cluster]]:
    """Each open possible match as the unordered pair of its two children's record ids."""
    def ids(key: str) -> Cluster:
        return frozenset(state.children[key].records) if key in state.children else frozenset()

    return frozenset(
        frozenset((ids(key), ids(state.current_key(candidate))))
        for key, candidate in state.reviews.items()
    )


@dataclass(frozen=True, slots=True)
class Settlement:
    """What turns a live (arrival-order) state into the canonical children, keeping keys.

    ``keys``: canonical key -> the key its child keeps (the live key holding most of its
    records) or is given. ``moves``: (from key, to key, record ids), each record moved once.
    ``retired``: live keys left without records -> the key that took most of them.
    ``opened`` / ``closed``: reviews (provisional key, candidate key) to open and to close,
    in settled keys; closing then opening gives the canonical reviews, a pair already in
    review keeping its sides.
    """

    keys: dict[str, str]
    moves: tuple[tuple[str, str, tuple[str, ...]], ...]
    retired: dict[str, str]
    opened: tuple[tuple[str, str], ...]
    closed: tuple[tuple[str, str], ...]

    @property
    def changes_nothing(self) -> bool:
        return not (self.moves or self.opened or self.closed)


def _first(state: ResolverState, key: str) -> PersonRecord:
    records = state.children[key].records
    return records[min(records, key=lambda r: records[r].seq)].person.record


def _keeping_sides(
    want: set[tuple[str, str]], have: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """``want``, with a pair already in review kept the live way round (its task stays where
    it is), unless that gives a key two reviews as the provisional side (the index holds one
    per provisional key): then the canonical way round, which never does."""
    live_way = {frozenset(pair): pair for pair in have}
    chosen = {pair: live_way.get(frozenset(pair), pair) for pair in want}
    while True:
        sides = Counter(provisional for provisional, _ in chosen.values())
        clash = [w for w, c in chosen.items() if c != w and sides[c[0]] > 1]
        if not clash:
            return set(chosen.values())
        for pair in clash:
            chosen[pair] = pair


def settle_plan(
    live: ResolverState, canonical: ResolverState, fixed: frozenset[str] = frozenset()
) -> Settlement:
    """The settlement from ``live`` to ``canonical`` (two states of the same record ids).

    ``fixed``: live keys left as they are (a reviewer decided about them): ``canonical`` was
    resolved without their records, and their open reviews are neither closed nor opened."""
    overlap: Counter[tuple[str, str]] = Counter(
        (key, live.record_child[record_id]) for record_id, key in canonical.record_child.items()
    )
    keys: dict[str, str] = {}
    kept: set[str] = set()
    for (key, live_key), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
        if key not in keys and live_key not in kept:
            keys[key] = live_key
            kept.add(live_key)
    taken = set(live.keys_used)
    for key in sorted(canonical.children, key=lambda k: min(canonical.children[k].records)):
        if key not in keys:
            keys[key] = child_key(_first(canonical, key), taken)
            taken.add(keys[key])
    moved: dict[tuple[str, str], list[str]] = {}
    for record_id in sorted(canonical.record_child):
        source, target = live.record_child[record_id], keys[canonical.record_child[record_id]]
        if source != target:
            moved.setdefault((source, target), []).append(record_id)
    moves = tuple((s, t, tuple(ids)) for (s, t), ids in sorted(moved.items()))
    received: dict[str, Counter[str]] = {}
    for source, target, ids in moves:
        received.setdefault(source, Counter())[target] += len(ids)
    retired = {
        key: min(got, key=lambda t: (-got[t], t))
        for key, got in sorted(received.items()) if key not in kept
    }
    want = {(keys[p], keys[canonical.current_key(c)]) for p, c in canonical.reviews.items()}
    have = {
        (p, live.current_key(c)) for p, c in live.reviews.items()
        if p not in fixed and live.current_key(c) not in fixed
    }
    settled = _keeping_sides(want, have)
    opened, closed = tuple(sorted(settled - have)), tuple(sorted(have - settled))
    return Settlement(keys, moves, retired, opened, closed)


def settlement_events(plan: Settlement) -> list[Settled]:
    """The events that carry ``plan`` out, in the order to apply them: moves, retired keys,
    reviews closed, reviews opened."""
    events: list[Settled] = [RecordsMoved(s, t, ids) for s, t, ids in plan.moves]
    events += [ChildRetired(key, into) for key, into in sorted(plan.retired.items())]
    events += [ReviewClosed(p, c) for p, c in plan.closed]
    events += [ReviewOpened(p, c) for p, c in plan.opened]
    return events
