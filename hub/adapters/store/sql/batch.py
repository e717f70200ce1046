"""Writing a batch of records with one statement per record type and many rows.

Building an ``INSERT ... ON CONFLICT`` per record cost the worker most of its time (the
profile of a rebuild: 60% in the store, most of it constructing statements). Records whose
write does not depend on the order within a batch are grouped by type and written with one
cached statement executed for every row:

- insert-once records (timeline entries, contacts, SEN messages...): the first row of an id
  wins, as one by one;
- versioned records (tasks, episodes): the highest version of an id wins, as one by one.

Flags (a raise and a clear share a row, and the first to arrive creates it) and identity
decisions (merges and splits move person rows) keep their order and are written one by
one, after the grouped records: they touch no table the groups write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from hub.adapters.store.sql import rows
from hub.adapters.store.sql.episode_tables import ServiceEpisodeRow
from hub.adapters.store.sql.tables import (
    CommandRejectionRow,
    ConsentLimitedUseRow,
    ContactRow,
    ContactWithdrawalRow,
    SenExchangeRow,
    TaskRow,
    TimelineEntryRow,
)
from hub.adapters.store.sql.writes import Writes, table, write
from hub.ports import StoreRecord


@dataclass(frozen=True)
class Group:
    model: type[Any]
    row: Callable[[Any], rows.Row]
    kind: str  # once | newer


_SEN = (SenExchangeRow, rows.sen_message, "once")
GROUPS: dict[str, Group] = {
    "TaskChanged": Group(TaskRow, rows.plain, "newer"),
    "ServiceEpisode": Group(ServiceEpisodeRow, rows.episode, "newer"),
    "TimelineEntry": Group(TimelineEntryRow, rows.plain, "once"),
    "ContactRecordCreated": Group(ContactRow, rows.plain, "once"),
    "ContactWithdrawn": Group(ContactWithdrawalRow, rows.plain, "once"),
    "CommandRejected": Group(CommandRejectionRow, rows.plain, "once"),
    "ConsentLimitedUse": Group(ConsentLimitedUseRow, rows.plain, "once"),
    "SenExchangeReplied": Group(*_SEN),
    "SenParticipationDecided": Group(*_SEN),
    "CscStatusRelayed": Group(*_SEN),
}


def write_batch(w: Writes, records: Iterable[StoreRecord]) -> None:
    grouped: dict[Group, list[rows.Row]] = {}  # the three SEN messages share one group: their
    ordered: list[StoreRecord] = []  # rows keep arrival order (the table numbers them)
    for record in records:
        group = GROUPS.get(type(record).__name__)
        if group is not None:
            grouped.setdefault(group, []).append(group.row(record))
        else:
            ordered.append(record)
    for group, values in grouped.items():
        _write_group(w, group, values)
    for record in ordered:
        write(w, record)


def _key_columns(t: Table, row: rows.Row) -> list[str]:
    """The primary key, or the unique columns where the key is numbered by the database."""
    return [c.name for c in t.primary_key if c.name in row] or [
        c.name for c in t.columns if c.unique]


def _key(t: Table, row: rows.Row) -> tuple[Any, ...]:
    return tuple(row[c] for c in _key_columns(t, row))


def _write_group(w: Writes, group: Group, values: list[rows.Row]) -> None:
    t = table(group.model)
    kept: dict[tuple[Any, ...], rows.Row] = {}
    for row in values:  # one row per id, as writing them one by one would leave
        held = kept.get(key := _key(t, row))
        if held is None or (group.kind == "newer" and row["version"] > held["version"]):
            kept[key] = row
    by_shape: dict[tuple[str, ...], list[rows.Row]] = {}
    for row in kept.values():
        by_shape.setdefault(tuple(row), []).append(row)
    for shape, batch in by_shape.items():
        w.conn.execute(_statement(w, t, group, shape, _key_columns(t, batch[0])), batch)


def _statement(
    w: Writes, t: Table, group: Group, shape: tuple[str, ...], keys: list[str]
) -> Any:
    stmt = w.insert(t)
    if group.kind == "once":
        return stmt.on_conflict_do_nothing(index_elements=keys)
    columns = [c for c in shape if c not in keys]
    new = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=keys, set_={c: new[c] for c in columns}, where=t.c.version < new.version)
