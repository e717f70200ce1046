"""The synthetic SSD extract reads back through ``hub connect ssd`` with no dead letter."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from connectors.sources.ssd import SsdConnector
from hub.synthetic.calendar import CensusYear
from hub.synthetic.ssd_extract import write_ssd
from hub.synthetic.writer import generate


def test_every_table_is_written_and_reads_back_whole(tmp_path: Path) -> None:
    year = CensusYear.parse("2025-26")
    generate(tmp_path, 300, 5, year)
    written = write_ssd(tmp_path, year.end)
    assert all(written[t] > 0 for t in ("ssd_person", "ssd_cin_episodes",
                                         "ssd_early_help_episodes", "ssd_ehcp_requests"))
    connector, events = SsdConnector(year.end), Counter[str]()
    rows, postcodes = 0, 0
    for row in connector.read(tmp_path / "ssd"):
        rows += 1
        built = connector.events(row)  # raises on a bad row
        events.update(type(e).__name__ for e in built)
        postcodes += sum(1 for e in built if row.fields["_table"] == "ssd_person"
                         and e.envelope.subject.postcode)
    assert rows == sum(written.values())
    assert 0 < postcodes <= written["ssd_address"]  # a person's current postcode, of its history
    assert events["CscStatusChanged"] >= written["ssd_cin_episodes"]
    assert events["CafCompleted"] == written["ssd_early_help_episodes"]
