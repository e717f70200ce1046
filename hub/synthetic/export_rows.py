"""Reading the synthetic exports back through their connectors and writing CSV tables: what
the standard-format writers (``standard_formats``, ``ssd_extract``) share."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from connectors.base import Connector
from hub.domain.events import Event
from hub.domain.validation import EventRejectedError


def read_events(connector: Connector, path: Path) -> Iterator[Event]:
    for row in connector.read(path):
        try:
            yield from connector.events(row)
        except EventRejectedError:
            continue  # the exports break a few identifiers on purpose


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[Iterable[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
