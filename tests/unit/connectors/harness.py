"""The mechanics every connector test shares: hand-made exports, publishing, reading back.

Each ``test_<source>.py`` states its own good row, its bad rows and the field values it
expects; these helpers publish them and check what every connector must do alike: counts
add up, bad rows are dead-lettered with their reason, re-publishing repeats event ids, a
new version is a new event, and a malformed file publishes nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Connector, MalformedFileError
from hub.domain.dead_letter import DeadLetter
from hub.domain.events import Event
from hub.domain.identifiers import nhs_check_digit, upn_check_letter
from hub.usecases.connecting import ConnectSummary, connect_file
from hub.usecases.publishing import Publisher

TODAY = date(2026, 5, 1)
UPN = upn_check_letter("938203512014") + "938203512014"
BAD_UPN = ("B" if UPN[0] == "A" else "A") + UPN[1:]
NHS = "943476591" + str(nhs_check_digit("943476591"))
BAD_NHS = NHS[:9] + str((int(NHS[9]) + 1) % 10)
Row = Mapping[str, str]


def write_csv(path: Path, rows: Iterable[Row], columns: Sequence[str], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def variants(good: Row, bad: Mapping[str, Row], id_column: str) -> list[dict[str, str]]:
    """One copy of ``good`` per bad case, each with its own record id and the case's changes."""
    return [
        dict(good) | {id_column: f"{good[id_column]}9{i}"} | dict(c)
        for i, c in enumerate(bad.values())
    ]


@dataclass
class Published:
    summary: ConnectSummary
    events: list[Any]
    letters: list[DeadLetter]


async def publish(connector: Connector, path: Path, publisher: Publisher, topic: str) -> Published:
    summary = await connect_file(connector, path, publisher)
    events = [publisher.codec.decode(r.value) for r in await publisher.log.read_all(topic)]
    letters = [
        publisher.codec.decode(r.value)
        for r in await publisher.log.read_all(publisher.dead_letter_topic)
    ]
    return Published(summary, events, letters)


def assert_dead_lettered(
    published: Published, good_rows: int, bad: Iterable[str], where: str
) -> None:
    """Every bad case was dead-lettered, with its reason, and nothing else was lost."""
    codes = list(bad)
    summary = published.summary
    assert summary.balanced
    assert summary.rows_read == good_rows + len(codes)
    assert summary.rows_published == good_rows
    assert summary.dead_letters == Counter(codes)
    assert sorted(dl.reason_code for dl in published.letters) == sorted(codes)
    assert all(dl.location.startswith(where) and dl.original for dl in published.letters)
    echoed = (UPN, NHS, BAD_UPN, BAD_NHS)  # the rejected values too: a reason names no value
    assert not [dl.reason for dl in published.letters if any(v in dl.reason for v in echoed)]


async def assert_republishing_adds_no_event_ids(
    connector: Connector, path: Path, publisher: Publisher, topic: str
) -> None:
    first = {e.envelope.event_id for e in (await publish(connector, path, publisher, topic)).events}
    again = await publish(connector, path, publisher, topic)
    assert first
    assert {e.envelope.event_id for e in again.events} == first
    assert len(again.events) == 2 * len(first)


def event_ids(events: Iterable[Event]) -> set[str]:
    return {e.envelope.event_id for e in events}  # type: ignore[attr-defined]


def csv_malformations(columns: Sequence[str], good: Row) -> list[Any]:
    """Files whose structure is broken: each must raise before anything is published."""

    def truncated(path: Path) -> None:
        whole = write_csv(path, [good, good], columns).read_bytes()
        last_row = len(whole) - whole.rstrip(b"\r\n").rfind(b"\n")
        path.write_bytes(whole[: len(whole) - last_row // 2])  # the export stopped mid-row

    return [
        pytest.param(lambda p: write_csv(p, [good], columns[:-1]), "missing columns", id="missing"),
        pytest.param(
            lambda p: write_csv(p, [good], (*columns, "Extra")), "unexpected columns", id="extra"
        ),
        pytest.param(
            lambda p: p.write_bytes(",".join(columns).encode("utf-16")), "not UTF-8", id="utf16"
        ),
        pytest.param(
            lambda p: p.write_bytes(b"\xff" + ",".join(columns).encode()),
            "not UTF-8",
            id="bad-byte",
        ),
        pytest.param(truncated, "truncated|broken CSV", id="truncated"),
        pytest.param(lambda p: p.write_text(""), "empty", id="empty"),
    ]


async def assert_publishes_nothing(
    connector: Connector,
    path: Path,
    make: Callable[[Path], object],
    message: str,
    publisher: Publisher,
    topic: str,
) -> None:
    make(path)
    with pytest.raises(MalformedFileError, match=message):
        await connect_file(connector, path, publisher)
    for name in (topic, publisher.dead_letter_topic):
        assert await publisher.log.read_all(name) == []
