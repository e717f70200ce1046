"""The resolver's in-memory index: children, their records, crosswalk and blocking keys.

``ResolverState`` is a *mutable* object, updated in place by ``apply`` (and so by ``resolve``).
It holds nothing that the decision events do not: replaying the events into an empty state
rebuilds an equal one. Deciding reads it and never writes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from hub.domain.identity.blocking import index_keys
from hub.domain.identity.compact import compact
from hub.domain.identity.crosswalk import CrosswalkEntry, entries_for, new_entry
from hub.domain.identity.frequencies import NameFrequencies
from hub.domain.identity.profile import Profile, profile_of
from hub.domain.identity.records import IdKey, Person

STRONG_ID_PRIORITY = ("la", "nhs", "upn", "yot", "src")
"""Kinds of strong identifier, most trusted first (a kind may carry a scope: ``yot:YOIS``)."""


@dataclass(slots=True)
class Held:
    seq: int
    person: Person


@dataclass(slots=True)
class Child:
    key: str
    records: dict[str, Held] = field(default_factory=dict)
    cached: Profile | None = field(default=None, compare=False, repr=False)
    cached_ids: dict[str, set[str]] | None = field(default=None, compare=False, repr=False)

    def ids(self) -> dict[str, set[str]]:
        """The child's identifier values by kind (cached until the records change)."""
        if self.cached_ids is None:
            found: dict[str, set[str]] = {}
            for held in self.records.values():
                for kind, value in held.person.ids:
                    found.setdefault(kind, set()).add(value)
            self.cached_ids = found
        return self.cached_ids

    def profile(self) -> Profile:
        """Every distinct value the child's records hold (cached until the records change)."""
        if self.cached is None:
            self.cached = profile_of(held.person for held in self.records.values())
        return self.cached


@dataclass(slots=True)
class ResolverState:
    children: dict[str, Child] = field(default_factory=dict)
    crosswalk: dict[IdKey, dict[str, CrosswalkEntry]] = field(default_factory=dict)
    blocks: dict[str, Counter[str]] = field(default_factory=dict)
    record_child: dict[str, str] = field(default_factory=dict)
    reviews: dict[str, str] = field(default_factory=dict)
    """Open possible matches: provisional child key -> candidate child key."""
    merged_into: dict[str, str] = field(default_factory=dict)
    merged_from: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Record id -> the keys it was merged in from, oldest first (a split undoes the last)."""
    withheld: dict[str, tuple[IdKey, ...]] = field(default_factory=dict)
    """Record id -> its identifiers the child holding it does not take: the ones that
    conflicted with that child when the record was attached to it for review (see
    ``resolver``). The record is an open conflict review of its child until a split moves
    it to a child of its own, which then takes them."""
    keys_used: set[str] = field(default_factory=set)
    held_out: frozenset[str] = frozenset()
    """Blocking keys of children left out of this resolution (when settling, the children a
    reviewer decided about): a household filed under one of them is not known whole here, so
    ``resolver.alone_in_household`` never applies to it."""
    names: NameFrequencies = field(default_factory=NameFrequencies)
    seq: int = 0
    """Number of records resolved so far; the next record gets ``seq + 1``."""

    def current_key(self, key: str) -> str:
        """The key a child is known by now, following merges."""
        while key in self.merged_into:
            key = self.merged_into[key]
        return key

    def conflict_records(self, child_key: str) -> tuple[str, ...]:
        """Records of ``child_key`` attached to it despite a conflicting identifier (its open
        conflict review), in the order the resolver saw them."""
        child = self.children.get(child_key)
        if child is None:
            return ()
        held = [r for r in child.records if r in self.withheld]
        return tuple(sorted(held, key=lambda r: child.records[r].seq))

    def add(self, child_key: str, person: Person, seq: int) -> None:
        person = compact(person)  # the index keeps one copy of each repeated value
        record = person.record
        self.keys_used.add(child_key)
        child = self.children.setdefault(child_key, Child(child_key))
        child.records[record.record_id] = Held(seq, person)
        child.cached, child.cached_ids = None, None
        self.names.add(child_key, person)
        self.record_child[record.record_id] = child_key
        for key in index_keys(person):
            self.blocks.setdefault(key, Counter())[child_key] += 1
        for id_key in person.ids:
            entries = self.crosswalk.setdefault(id_key, {})
            entry = entries.get(child_key)
            entries[child_key] = (
                entry.seen(seq, record.record_id, record.source_system)
                if entry
                else new_entry(id_key, child_key, seq, person)
            )

    def remove(self, record_id: str) -> Held:
        child_key = self.record_child.pop(record_id)
        child = self.children[child_key]
        held = child.records.pop(record_id)
        child.cached, child.cached_ids = None, None
        self.names.remove(child_key, held.person)
        for key in index_keys(held.person):
            block = self.blocks[key]
            block[child_key] -= 1
            if block[child_key] <= 0:
                del block[child_key]
                if not block:
                    del self.blocks[key]
        remaining = entries_for(child_key, ((h.seq, h.person) for h in child.records.values()))
        for id_key in held.person.ids:
            self._set_entry(id_key, child_key, remaining.get(id_key))
        if not child.records:
            del self.children[child_key]
        return held

    def _set_entry(self, id_key: IdKey, child_key: str, entry: CrosswalkEntry | None) -> None:
        entries = self.crosswalk.setdefault(id_key, {})
        if entry:
            entries[child_key] = entry
            return
        entries.pop(child_key, None)
        if not entries:
            del self.crosswalk[id_key]

    def candidates(self, keys: Iterable[str], max_block_size: int) -> Counter[str]:
        """Children sharing blocking keys, with how many keys each shares."""
        found: Counter[str] = Counter()
        for key in keys:
            block = self.blocks.get(key)
            if block and len(block) <= max_block_size:
                found.update(block.keys())
        return found

    def strong_hits(self, person: Person) -> dict[str, list[str]]:
        """Children holding any of the person's strong identifiers, with the kinds shared."""
        hits: dict[str, list[str]] = {}
        for id_key in person.ids:
            for child_key in self.crosswalk.get(id_key, {}):
                hits.setdefault(child_key, []).append(id_key[0])
        return hits
