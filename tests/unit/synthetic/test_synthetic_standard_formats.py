"""``hub demo-data --formats standard``: the synthetic authority in the formats authorities
already produce, read back by the standard connectors without a refusal or a dead letter."""

from __future__ import annotations

import csv
import hashlib
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

from connectors.base import Connector
from connectors.sources.cin_census import CinCensusConnector
from connectors.sources.pupil_roll import PupilRollConnector
from connectors.sources.ssd import SsdConnector
from connectors.sources.ssda903 import Ssda903Connector
from hub.domain.events import CafCompleted, SenAssessmentRequested
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
                          *sorted((folder / "ssda903").iterdir()),
                          *sorted((folder / "ssd").iterdir())]}

    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def _truth_of(folder: Path) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(source, source record id) -> true child; CSC LA child id -> true child."""
    with (folder / "ground_truth.csv").open(newline="") as f:
        record = {(r["source"], r["source_record_id"]): r["true_child_id"]
                  for r in csv.DictReader(f)}
    with (folder / "link_truth.csv").open(newline="") as f:
        true_of = {r["record_id"]: r["true_child_id"] for r in csv.DictReader(f)}
    with (folder / "link_records.csv").open(newline="") as f:
        csc = {r["la_child_id"]: true_of[r["record_id"]] for r in csv.DictReader(f)
               if r["source_system"] == "csc" and r["la_child_id"]}
    return record, csc


def test_early_help_and_ehcps_come_as_an_ssd_extract_named_by_the_case_system(tmp_path):
    """The SSD extract replaces the eCAF and SEN exports, reads back with no dead letter, and
    names each true child by one person id: the CSC LA child id when CSC knows the child, so
    the SSD's early help and EHCP rows join the census child instead of making another."""
    written = _authority(tmp_path)
    assert not (tmp_path / "ecaf.json").exists()
    assert not (tmp_path / "education_sen.csv").exists()
    folder = tmp_path / FILES["ssd"]
    assert {p.name for p in folder.iterdir()} >= {
        "ssd_person.csv", "ssd_linked_identifiers.csv", "ssd_early_help_episodes.csv",
        "ssd_send.csv", "ssd_ehcp_requests.csv", "ssd_ehcp_named_plan.csv"}
    assert not (folder / "ssd_cin_episodes.csv").exists()  # the census XML holds referrals
    rows, _ = _read_all(SsdConnector(TODAY), folder)
    assert rows == written["ssd"] > 100

    record, csc = _truth_of(tmp_path)
    person_truths: dict[str, set[str]] = defaultdict(set)
    truth_persons: dict[str, set[str]] = defaultdict(set)
    connector = SsdConnector(TODAY)
    for row in connector.read(folder):
        for e in connector.events(row):
            true = (record.get(("ecaf", e.caf_id)) if isinstance(e, CafCompleted) else
                    record.get(("education-sen", e.envelope.source_record_id.split("/")[-1]))
                    if isinstance(e, SenAssessmentRequested) else None)
            if true is not None:
                person = e.envelope.subject.la_child_id or ""
                person_truths[person].add(true)
                truth_persons[true].add(person)
    assert len(truth_persons) > 50
    assert all(len(t) == 1 for t in person_truths.values())  # no person is two children
    assert all(len(p) == 1 for p in truth_persons.values())  # no child is two persons
    in_census = {c.findtext("ChildIdentifiers/LAchildID") for c in
                 ET.parse(tmp_path / FILES["cin-census"]).getroot().iter("Child")}
    known = [(p, t) for p, ts in person_truths.items() for t in ts if t in csc.values()]
    assert len(known) > 10
    assert all(csc.get(p) == t for p, t in known)  # CSC's own LA child id, not another
    assert any(p in in_census for p, _ in known)
    others = [p for p, ts in person_truths.items() if not ts & set(csc.values())]
    assert others and not set(others) & set(csc)  # the case system's own ids: never a CSC one


def test_a_csc_childs_addresses_are_its_postcodes_over_time(tmp_path):
    """The SSD person table names every CSC child; ``ssd_address`` holds each postcode its CSC
    records gave, dated back to back (each ends the day before the next starts), the last open."""
    _authority(tmp_path)
    folder = tmp_path / FILES["ssd"]
    with (folder / "ssd_person.csv").open(newline="", encoding="utf-8") as f:
        named = {r["pers_person_id"] for r in csv.DictReader(f)
                 if r["pers_forename"] and r["pers_surname"]}
    with (folder / "ssd_address.csv").open(newline="", encoding="utf-8") as f:
        lived: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in csv.DictReader(f):
            lived[row["addr_person_id"]].append(row)
    census = {c.findtext("ChildIdentifiers/LAchildID") for c in
              ET.parse(tmp_path / FILES["cin-census"]).getroot().iter("Child")}
    assert census <= named
    moved = [rows for person, rows in lived.items() if person in census and len(rows) > 1]
    assert len(moved) >= 3  # 500 children: a few families moved within the year
    for rows in moved:
        assert rows[-1]["addr_address_end_date"] == ""
        for before, after in pairwise(rows):
            ended = date.fromisoformat(before["addr_address_end_date"][:10])
            started = date.fromisoformat(after["addr_address_start_date"][:10])
            assert (started - ended).days == 1
            assert before["addr_address_postcode"] != after["addr_address_postcode"]
