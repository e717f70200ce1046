"""``InMemoryHubStore``: the hub store as dictionaries, for tests; same contract as SQL's."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Any, NamedTuple

from hub.adapters.store.sql import rows
from hub.adapters.store.sql.summary import OPEN_TASK_STATUSES, reported_status
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import (
    CommandRejected,
    ConsentLimitedUse,
    ContactRecordCreated,
    ContactWithdrawn,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.codes import CscStatus
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.ports import (
    ChildSummary,
    FlagView,
    LinkedIdentifier,
    PersonRecordView,
    PersonView,
    StoreRecord,
)


class _Sen(NamedTuple):
    seq: int  # arrival order, for ties
    child_key: str
    status: CscStatus | None
    as_of: date | None


def _child_key(row: Any) -> str | None:
    return row.get("child_key") if isinstance(row, dict) else getattr(row, "child_key", None)


class InMemoryHubStore:
    def __init__(self) -> None:
        self._tasks: dict[str, TaskChanged] = {}
        self._episodes: dict[str, ServiceEpisode] = {}
        self._entries: dict[tuple[str, str], TimelineEntry] = {}
        self._contacts: dict[str, ContactRecordCreated] = {}
        self._withdrawals: dict[str, ContactWithdrawn] = {}
        self._flags: dict[str, dict[str, Any]] = {}
        self._sen: dict[str, _Sen] = {}
        self._rejections: dict[str, CommandRejected] = {}
        self._uses: dict[str, ConsentLimitedUse] = {}
        self._decisions: dict[str, str] = {}  # decision id -> child key
        self._people: dict[str, PersonView] = {}
        self._ids: dict[tuple[str, str, str, str], LinkedIdentifier] = {}
        self._id_records: dict[tuple[str, str, str, str], str] = {}  # the record last seen
        self._records: dict[str, PersonRecordView] = {}  # record id -> where it is now

    def apply(self, record: StoreRecord) -> None:
        self.apply_many((record,))

    def apply_many(self, records: Iterable[StoreRecord]) -> None:
        batch = list(records)
        for record in batch:  # all or none, as in one transaction
            if type(record).__name__ not in _APPLY:
                raise TypeError(f"the hub store does not keep {type(record).__name__}")
        for record in batch:
            _APPLY[type(record).__name__](self, record)

    def _known(self, child_key: str) -> bool:
        """Whether any kept record names ``child_key`` (as the SQL store's tables would)."""
        kept: list[Iterable[Any]] = [
            self._tasks.values(), self._episodes.values(), self._entries.values(),
            self._contacts.values(), self._withdrawals.values(), self._rejections.values(),
            self._ids.values(), self._people.values(), self._flags.values(), self._sen.values(),
            self._records.values(),
        ]
        return child_key in self._decisions.values() or any(
            _child_key(r) == child_key for rows_ in kept for r in rows_)

    def _newer(self, table: dict[str, Any], key: str, record: Any) -> None:
        if key not in table or table[key].version < record.version:
            table[key] = record

    def _flag(self, values: dict[str, Any], columns: tuple[str, ...]) -> None:
        """Insert the row, or fill ``columns`` once (as ``ON CONFLICT DO UPDATE ... WHERE``)."""
        empty = dict.fromkeys((*rows.FLAG_RAISE_COLUMNS, *rows.FLAG_CLEAR_COLUMNS))
        row = self._flags.setdefault(values["flag_id"], {**empty, **values})
        if row[columns[0]] is None:
            row.update({c: values[c] for c in columns})

    def _sen_message(self, r: Any) -> None:
        row = rows.sen_message(r)
        status = CscStatus(row["csc_status"]) if row["csc_status"] else None
        self._sen.setdefault(row["message_id"], _Sen(len(self._sen), r.child_key, status,
                                                     row["status_as_of"]))

    def _identity(self, r: IdentityDecisionMade) -> None:
        if r.decision_id in self._decisions:
            return
        self._decisions[r.decision_id] = r.child_key
        self._review(r)  # a reviewer's merge or split moves rows first (``sql_identity_moves``)
        if r.record is None:
            return
        if r.kind in rows.PLACING:  # placed once; only a MERGE or SPLIT moves it
            self._records.setdefault(r.record.record_id, PersonRecordView(
                r.record.record_id, r.record.source_system, r.child_key))
        if not rows.held_for_review(r):  # a conflicting record's name is not the child's
            known = self._people.get(r.child_key, PersonView(r.child_key))
            details = {k: v for k, v in rows.person(r.record).items() if v is not None}
            self._people[r.child_key] = dataclasses.replace(known, **details)
        for kind, value in rows.linked_identifiers(r):
            key = (r.child_key, kind, value, r.record.source_system)
            first = self._ids[key].first_seen_decision_id if key in self._ids else r.decision_id
            self._ids[key] = LinkedIdentifier(*key, first, r.decision_id)
            self._id_records[key] = r.record.record_id

    def _review(self, r: IdentityDecisionMade) -> None:
        other = r.candidate_key
        if other is None or other == r.child_key:
            return
        if r.kind in (IdentityDecisionKind.MERGE, IdentityDecisionKind.RETIRE):
            self._move_ids(other, r.child_key, None)
            self._merge_person(other, r.child_key)
        elif r.kind in (IdentityDecisionKind.SPLIT, IdentityDecisionKind.MOVE):
            self._move_ids(other, r.child_key, set(r.record_ids))
        else:
            return
        for record_id in r.record_ids:  # a record never seen resolved stays unknown
            if record_id in self._records:
                self._records[record_id] = dataclasses.replace(
                    self._records[record_id], child_key=r.child_key)

    def _move_ids(self, from_key: str, to_key: str, records: set[str] | None) -> None:
        """A clash (the same identifier from the same source already there): theirs stays."""
        moving = [k for k in self._ids if k[0] == from_key
                  and (records is None or self._id_records[k] in records)]
        for key in moving:
            row, record_id = self._ids.pop(key), self._id_records.pop(key)
            new_key = (to_key, *key[1:])
            if new_key not in self._ids:
                self._ids[new_key] = dataclasses.replace(row, child_key=to_key)
                self._id_records[new_key] = record_id

    def _merge_person(self, from_key: str, into_key: str) -> None:
        """The retired key's details fill what the survivor does not know."""
        gone = self._people.pop(from_key, None)
        if gone is None:
            return
        known = self._people.get(into_key, PersonView(into_key))
        fields = ("given_name", "family_name", "date_of_birth", "sex", "postcode")
        fill = {f: getattr(gone, f) for f in fields if getattr(known, f) is None}
        self._people[into_key] = dataclasses.replace(known, **fill)

    def open_tasks(
        self, team: str | None = None, child_key: str | None = None
    ) -> list[TaskChanged]:
        found = [t for t in self._tasks.values() if t.status in OPEN_TASK_STATUSES
                 and team in (None, t.team) and child_key in (None, t.child_key)]
        return sorted(found, key=lambda t: (t.due_date, t.task_id))

    def task(self, task_id: str) -> TaskChanged | None:
        return self._tasks.get(task_id)

    def timeline(self, child_key: str) -> list[TimelineEntry]:
        found = [e for (key, _), e in self._entries.items() if key == child_key]
        return sorted(found, key=lambda e: (e.occurred_at, e.event_id))

    def flags(self, child_key: str) -> list[FlagView]:
        found = [rows.to_flag(f) for f in self._flags.values()
                 if f["child_key"] == child_key and f["raised_on"] is not None]
        return sorted(found, key=lambda f: (f.raised_on, f.flag_id))

    def contacts(self, child_key: str) -> list[ContactRecordCreated]:
        found = [c for c in self._contacts.values() if c.child_key == child_key]
        return sorted(found, key=lambda c: (c.contact_date, c.contact_id))

    def contact_withdrawals(self, child_key: str) -> list[ContactWithdrawn]:
        found = [w for w in self._withdrawals.values() if w.child_key == child_key]
        return sorted(found, key=lambda w: (w.withdrawn_on, w.contact_id))

    def child_summary(self, child_key: str) -> ChildSummary | None:
        if not self._known(child_key):
            return None
        reports = [(m.as_of, m.seq, m.status) for m in self._sen.values()
                   if m.child_key == child_key and m.status is not None and m.as_of is not None]
        latest = max(reports, default=None)
        contacts, entries = self.contacts(child_key), self.timeline(child_key)
        status, as_of = reported_status(
            (latest[2], latest[0]) if latest else None,
            max((c.contact_date for c in contacts if c.contact_id not in self._withdrawals),
                default=None))
        return ChildSummary(
            child_key=child_key, csc_status=status, csc_status_as_of=as_of,
            active_flags=tuple(f.flag for f in self.flags(child_key) if f.active),
            open_tasks=len(self.open_tasks(child_key=child_key)),
            contacts=len(contacts), timeline_entries=len(entries),
            last_event_at=max((e.occurred_at for e in entries), default=None),
        )

    def person(self, child_key: str) -> PersonView | None:
        return self._people.get(child_key)

    def identifiers(self, child_key: str) -> list[LinkedIdentifier]:
        return [v for k, v in sorted(self._ids.items()) if k[0] == child_key]

    def identifiers_of_types(self, types: Collection[str]) -> list[LinkedIdentifier]:
        return [v for k, v in sorted(self._ids.items()) if k[1] in types]

    def person_records(self, child_key: str) -> list[PersonRecordView]:
        return [v for _, v in sorted(self._records.items()) if v.child_key == child_key]

    def erase_person(self, child_key: str) -> int:
        changed = 0
        if child_key in self._people:
            self._people[child_key] = dataclasses.replace(
                self._people[child_key], given_name=None, family_name=None,
                date_of_birth=None, postcode=None)
            changed += 1
        for key in [k for k in self._ids if k[0] == child_key and k[1] == "NHS_NUMBER"]:
            del self._ids[key]
            self._id_records.pop(key, None)
            changed += 1
        return changed

    def episodes(self, child_key: str | None = None) -> list[ServiceEpisode]:
        found = [e for e in self._episodes.values() if child_key in (None, e.child_key)]
        return sorted(found, key=lambda e: (e.start_date, e.episode_id))

    def rejection(self, command_id: str) -> CommandRejected | None:
        return self._rejections.get(command_id)

    def consent_limited_uses(self, census_month: str | None = None) -> list[ConsentLimitedUse]:
        found = [u for u in self._uses.values() if census_month in (None, u.census_month)]
        return sorted(found, key=lambda u: u.use_id)


_Store = InMemoryHubStore
_APPLY: dict[str, Callable[[_Store, Any], object]] = {
    "TaskChanged": lambda s, r: s._newer(s._tasks, r.task_id, r),
    "ServiceEpisode": lambda s, r: s._newer(s._episodes, r.episode_id, r),
    "TimelineEntry": lambda s, r: s._entries.setdefault((r.child_key, r.event_id), r),
    "ContactRecordCreated": lambda s, r: s._contacts.setdefault(r.contact_id, r),
    "ContactWithdrawn": lambda s, r: s._withdrawals.setdefault(r.contact_id, r),
    "CommandRejected": lambda s, r: s._rejections.setdefault(r.command_id, r),
    "ConsentLimitedUse": lambda s, r: s._uses.setdefault(r.use_id, r),
    "FlagRaised": lambda s, r: s._flag(rows.flag_raised(r), rows.FLAG_RAISE_COLUMNS),
    "FlagCleared": lambda s, r: s._flag(rows.flag_cleared(r), rows.FLAG_CLEAR_COLUMNS),
    "SenExchangeReplied": _Store._sen_message,
    "SenParticipationDecided": _Store._sen_message,
    "CscStatusRelayed": _Store._sen_message,
    "IdentityDecisionMade": _Store._identity,
}
