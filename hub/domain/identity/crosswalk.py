"""The crosswalk: every identifier ever seen for each child, with when and where it was seen.

"When" is the arrival sequence number of the record (the resolver numbers records 1, 2, ...
in the order it resolves them) together with that record's id; "where" is the set of source
systems that sent it. An entry is a pure function of the child's records, so merges and
splits recompute the entries they touch and a replay rebuilds them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.domain.identity.compact import shared
from hub.domain.identity.records import IdKey, Person


@dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    kind: str
    value: str
    child_key: str
    first_seen: int
    last_seen: int
    first_record_id: str
    last_record_id: str
    sources: frozenset[str]

    def seen(self, seq: int, record_id: str, source: str) -> CrosswalkEntry:
        first = seq < self.first_seen
        last = seq > self.last_seen
        return CrosswalkEntry(
            self.kind,
            self.value,
            self.child_key,
            seq if first else self.first_seen,
            seq if last else self.last_seen,
            record_id if first else self.first_record_id,
            record_id if last else self.last_record_id,
            self.sources if source in self.sources else shared(self.sources | {source}),
        )


def new_entry(id_key: IdKey, child_key: str, seq: int, person: Person) -> CrosswalkEntry:
    record = person.record
    return CrosswalkEntry(
        id_key[0],
        id_key[1],
        child_key,
        seq,
        seq,
        record.record_id,
        record.record_id,
        shared(frozenset({record.source_system})),
    )


def entries_for(
    child_key: str, records: Iterable[tuple[int, Person]]
) -> dict[IdKey, CrosswalkEntry]:
    """All crosswalk entries of one child, from its (sequence number, person) records."""
    entries: dict[IdKey, CrosswalkEntry] = {}
    for seq, person in records:
        record = person.record
        for id_key in person.ids:
            entry = entries.get(id_key)
            entries[id_key] = (
                entry.seen(seq, record.record_id, record.source_system)
                if entry
                else new_entry(id_key, child_key, seq, person)
            )
    return entries
