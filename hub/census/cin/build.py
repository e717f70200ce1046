"""``build_cin_census``: CSC status events -> the CIN census XML for one census year.

Events are read as the CSC system last stated them: of several versions of one source
record the latest recorded wins, and changes dated after the reference date (31 March) are
not yet known to the return. Children are grouped by LA child id (the CSC case system id)
and ordered by it, their referrals by date: the same events in any order give the same bytes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from hub.census.cin.child import child_record
from hub.census.cin.records import CinChild
from hub.census.cin.referral import cin_details
from hub.census.cin.scope import in_year
from hub.census.cin.xml import render
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.events.csc import CscChange

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def latest_versions(events: Iterable[CscStatusChanged]) -> list[CscStatusChanged]:
    """One event per source record, the latest recorded, in recorded order."""
    best: dict[tuple[str, str], CscStatusChanged] = {}
    for e in events:
        env = e.envelope
        key = (env.source_system, env.source_record_id)
        if key not in best or _recency(e) > _recency(best[key]):
            best[key] = e
    return sorted(best.values(), key=_recency)


def _recency(e: CscStatusChanged) -> tuple[datetime, date, str, str]:
    env = e.envelope
    return env.recorded_at, e.effective_date, env.record_version, env.event_id


def children(
    events: Iterable[CscStatusChanged],
    year: CensusYear,
    known_upns: Mapping[str, str] | None = None,
    holidays: frozenset[date] = frozenset(),
) -> list[CinChild]:
    """The children the return holds for ``year``, ordered by LA child id."""
    by_child: dict[str, list[CscStatusChanged]] = defaultdict(list)
    for e in latest_versions(events):
        if e.effective_date <= year.end and e.envelope.subject.la_child_id:
            by_child[e.envelope.subject.la_child_id].append(e)
    found = []
    for la_child_id in sorted(by_child):
        record = _child(la_child_id, by_child[la_child_id], year, known_upns or {}, holidays)
        if record is not None:
            found.append(record)
    return found


def _child(
    la_child_id: str,
    events: list[CscStatusChanged],
    year: CensusYear,
    known_upns: Mapping[str, str],
    holidays: frozenset[date],
) -> CinChild | None:
    cp_starts = sorted(e.effective_date for e in events if e.change is CscChange.CP_PLAN_STARTED)
    by_referral: dict[str, list[CscStatusChanged]] = defaultdict(list)
    for e in events:
        by_referral[e.csc_episode_id].append(e)
    built = (
        cin_details(group, lambda day: bisect_left(cp_starts, day), holidays)
        for group in by_referral.values()
    )
    kept = sorted(
        (d for b in built if (d := in_year(b, year)) is not None),
        key=lambda d: (d.referral_date, d.episode_ref),
    )
    if not kept:
        return None
    return child_record(la_child_id, events, tuple(kept), year, known_upns.get(la_child_id))


def build_cin_census(
    events: Iterable[CscStatusChanged],
    year: CensusYear,
    *,
    la_code: str,
    produced_at: datetime | None = None,
    known_upns: Mapping[str, str] | None = None,
    holidays: frozenset[date] = frozenset(),
) -> bytes:
    """The CIN census XML. ``produced_at`` (the header's DateTime) defaults to the latest
    recorded time among the events, so the output depends on nothing but the inputs."""
    events = list(events)
    stamp = produced_at or max((e.envelope.recorded_at for e in events), default=EPOCH)
    return render(children(events, year, known_upns, holidays), year, la_code, stamp)
