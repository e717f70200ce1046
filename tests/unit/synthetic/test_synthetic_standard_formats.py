"""``hub demo-data --formats standard``: the synthetic authority in the formats authorities
already produce, read back by the standard connectors without a refusal or a dead letter."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from connectors.base import Connector
from connectors.sources.cin_census import CinCensusConnector
from connectors.sources.pupil_roll import PupilRollConnector
from connectors.sources.ssda903 import Ssda903Connector
from hub.domain.validation import EventRejectedError
from hub.synthetic.calendar import CensusYear
from hub.synthetic.standard_formats import FILES, write_standard
from hub.synthetic.writer import generate

YEAR = CensusYear.parse("2025-26")
TODAY = date(2026, 4, 30)


def _authority(folder: Path) -> dict[str, int]:
    generate(folder, 500, 4, YEAR)
    return write_standard(folder, 500, 4, YEAR)


def _read_all(connector: Connector, path: Path) -> tuple[int, int]:
    rows = events = 0
    for row in connector.read(path):
        rows += 1
        try:
            events += len(connector.events(row))
        except EventRejectedError as exc:
            raise AssertionError(f"{row.location}: {exc}") from None
    return rows, events


def test_each_standard_file_is_read_back_whole(tmp_path):
    written = _authority(tmp_path)
    assert not (tmp_path / "csc_status_changes.csv").exists()
    census = tmp_path / FILES["cin-census"]
    census_rows, census_events = _read_all(CinCensusConnector(TODAY), census)
    assert census_rows == written["cin-census"] > 100 and census_events > census_rows
    assert _read_all(PupilRollConnector(TODAY), tmp_path / FILES["pupil-roll"])[0] == written[
        "pupil-roll"] > 200
    assert _read_all(Ssda903Connector(TODAY), tmp_path / FILES["ssda903"])[0] == written[
        "ssda903"] > 0


def test_the_same_arguments_write_the_same_bytes(tmp_path):
    def digests(folder: Path) -> dict[str, str]:
        _authority(folder)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in [folder / "cin_census.xml", folder / "pupil_roll.csv",
                          *sorted((folder / "ssda903").iterdir())]}

    assert digests(tmp_path / "a") == digests(tmp_path / "b")
