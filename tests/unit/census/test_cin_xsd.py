"""The CIN census XML the hub writes passes the DfE XML schema of its year (as COLLECT checks).

The DfE validator (``csc-validator-be-cin``) reads elements by name and does not check their
order; the XSD does: ``ReferralNFA`` after the Section 47 enquiries, one ``Reviews`` holding
every review date. Built here from the CSC sample export and from a synthetic authority.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from connectors.formats.cin_census_spec import validate
from connectors.sources.csc import CscConnector
from hub.census.cin import build_cin_census
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.validation import EventRejectedError
from hub.synthetic.calendar import CensusYear as SyntheticYear
from hub.synthetic.writer import generate
from tests.conftest import REPO


def _events(path: Path) -> list[CscStatusChanged]:
    connector, found = CscConnector(date(2026, 5, 1)), []
    for row in connector.read(path):
        try:
            found += [e for e in connector.events(row) if isinstance(e, CscStatusChanged)]
        except EventRejectedError:
            continue  # the exports break a few identifiers on purpose
    return found


def test_the_census_from_the_csc_sample_passes_the_xsd(tmp_path):
    events = _events(REPO / "connectors" / "samples" / "csc_status_changes.csv")
    census = CensusYear.parse("2025-26")
    xml = build_cin_census(events, census, la_code="938")
    path = tmp_path / "cin.xml"
    path.write_bytes(xml)
    validate(path, census.end.year)


def test_the_census_of_a_synthetic_authority_passes_the_xsd(tmp_path):
    generate(tmp_path, 400, 3, SyntheticYear.parse("2025-26"))
    xml = build_cin_census(
        _events(tmp_path / "csc_status_changes.csv"), CensusYear.parse("2025-26"), la_code="938"
    )
    assert xml.count(b"<Reviews>") and xml.count(b"<Section47>")
    path = tmp_path / "cin.xml"
    path.write_bytes(xml)
    validate(path, 2026)
