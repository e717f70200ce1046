"""What earlier imports of a restated file (a CIN census extract) already published.

A case system's CIN census file restates the whole year each time it is produced; the hub
publishes only what changed (``hub.usecases.census_import``). :class:`Held` is what earlier
imports published: every event id, and each collection year's referral (episode) ids. The
import keeps it in a ledger of its own rather than reading the CSC source topic back: on a
secured cluster only the worker may read source topics (docs/security.md), so a connector
cannot ask the topic what it holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from hub.domain.events import CscStatusChanged

Entry = tuple[str, int | None, str]
"""What the ledger keeps of one event: its id, its collection year, its referral id."""


def entry(event: CscStatusChanged) -> Entry:
    year = event.envelope.record_version.split(":", 1)[0]
    return event.envelope.event_id, int(year) if year.isdigit() else None, event.csc_episode_id


class LedgerError(ValueError):
    """The ledger's text is not a ledger (it names no values, only what is wrong)."""


@dataclass(frozen=True)
class Held:
    event_ids: frozenset[str]
    episodes_by_year: dict[int, frozenset[str]]

    @classmethod
    def nothing(cls) -> Held:
        return cls(frozenset(), {})

    @classmethod
    def of(cls, events: Iterable[object], source_system: str) -> Held:
        """What ``events`` (a topic's records, decoded) hold from ``source_system``'s imports."""
        return cls.nothing().with_events(
            e for e in events
            if isinstance(e, CscStatusChanged) and e.envelope.source_system == source_system
        )

    def with_events(self, events: Iterable[CscStatusChanged]) -> Held:
        """This ledger and ``events`` (published by an import)."""
        return self.with_entries(entry(e) for e in events)

    def with_entries(self, entries: Iterable[Entry]) -> Held:
        """This ledger and what ``entries`` (:func:`entry`) name: event ids, and referral ids
        by the collection year their record version names."""
        ids = set(self.event_ids)
        by_year = {year: set(found) for year, found in self.episodes_by_year.items()}
        for event_id, year, episode_id in entries:
            ids.add(event_id)
            if year is not None:
                by_year.setdefault(year, set()).add(episode_id)
        return Held(frozenset(ids), {y: frozenset(s) for y, s in by_year.items()})

    def to_json(self) -> str:
        return json.dumps({
            "event_ids": sorted(self.event_ids),
            "episodes_by_year": {
                str(year): sorted(found) for year, found in sorted(self.episodes_by_year.items())
            },
        })

    @classmethod
    def from_json(cls, text: str) -> Held:
        try:
            raw = json.loads(text)
            ids = raw["event_ids"]
            years = raw["episodes_by_year"]
            if not isinstance(ids, list) or not isinstance(years, dict):
                raise TypeError
            held = cls(
                frozenset(str(i) for i in ids),
                {int(y): frozenset(str(e) for e in found) for y, found in years.items()},
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerError(f"not an import ledger ({type(exc).__name__})") from None
        return held
