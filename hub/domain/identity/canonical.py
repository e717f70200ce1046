"""Identity decisions as a function of the *set* of person records, not of their arrival order.

``resolve`` is incremental and greedy: a record is compared with the children known when it
arrives, so the same records in another order can end in other children (docs/worker.md,
"Identity and arrival order", has the mechanisms and counts). ``resolve_canonically`` runs
the same resolver over the records in one canonical order, the record id's, so every
permutation of one set gives the same children, keys and open reviews. A record id sent
again with other fields counts once, with the smallest of its versions (by field values),
so that choice does not depend on order either.

This is the pure core of an order-independent resolution; the worker does not use it yet
(its index is still built in arrival order, docs/worker.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple

from hub.domain.identity.batch import resolve_all
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig
from hub.domain.identity.events import Decision
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.state import ResolverState

Cluster = frozenset[str]
"""The record ids of one child."""


def _version_key(record: PersonRecord) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in astuple(record))


def canonical_order(records: Iterable[PersonRecord]) -> list[PersonRecord]:
    """Each record id once (its smallest version), in record id order."""
    chosen: dict[str, PersonRecord] = {}
    for record in records:
        held = chosen.get(record.record_id)
        if held is None or _version_key(record) < _version_key(held):
            chosen[record.record_id] = record
    return [chosen[r] for r in sorted(chosen)]


def resolve_canonically(
    records: Iterable[PersonRecord], config: MatchConfig = DEFAULT_CONFIG
) -> tuple[ResolverState, list[Decision]]:
    """The resolver's state and decisions over ``records`` in ``canonical_order``."""
    state = ResolverState()
    decisions = list(resolve_all(canonical_order(records), config, state))
    return state, decisions


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
