"""``hub link`` end to end: a small CSV in, decisions and a summary out."""

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.entrypoints.cli import (
    app,
    link,  # noqa: F401  (registers the command)
)

pytestmark = pytest.mark.e2e

HEADER = (
    "record_id,source_system,source_id,la_child_id,upn,former_upn,nhs_number,yot_id,"
    "given_name,family_name,date_of_birth,sex,postcode"
)
ROWS = [
    "r1,CSC,P1,100234,,,9434765919,,Elizabeth,Smith,2012-03-04,F,NX1 2AB",
    "r2,EDU,E1,,,,,,Liz,Smith,04/03/2012,F,nx12ab",  # nickname, dd/mm/yyyy date
    "r3,EDU,E2,,,,9434765919,,Beth,Smyth,,F,",  # NHS number links
    "r4,CSC,P2,100235,,,,,Lucy,Smith,2012-03-04,F,NX1 2AB",  # twin: a new child
    "r5,YOT,Y1,,,,,Y77,Lucy,Smith,2012-03-04,F,NX9 9ZZ",  # same name and DOB elsewhere: review
    "r6,CSC,P3,100236,,,,,Zainab,Okafor,2009-11-30,F,NX3 4QP",
    "r7,CAF,C1,,,,9434765918,,Zainab,Okafor,2009-11-30,F,NX3 4QP",  # invalid NHS: ignored
]


def _write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_link_writes_a_decision_per_record(tmp_path: Path):
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["link", str(_write(tmp_path / "in.csv", ROWS)), str(output)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [r["record_id"] for r in rows] == [f"r{i}" for i in range(1, 8)]
    by_id = {r["record_id"]: r for r in rows}
    assert [by_id[r]["decision"] for r in ("r1", "r2", "r3", "r4", "r5", "r6", "r7")] == [
        "NEW",
        "LINK",
        "LINK",
        "NEW",
        "POSSIBLE_MATCH",  # docs/identity.md: name and DOB in another district, for a person
        "NEW",
        "LINK",
    ]
    assert by_id["r1"]["child_key"] == by_id["r2"]["child_key"] == by_id["r3"]["child_key"]
    assert by_id["r4"]["child_key"] != by_id["r1"]["child_key"]
    assert by_id["r5"]["child_key"] != by_id["r4"]["child_key"]
    assert by_id["r1"]["score"] == "" and float(by_id["r2"]["score"]) > 17
    assert "records: 7" in result.output
    assert "links: 3" in result.output
    assert "new children: 3" in result.output
    assert "possible matches: 1" in result.output
    assert "Smith" not in result.output  # no personal data on the console


def test_a_link_despite_a_conflicting_identifier_is_counted_for_review(tmp_path: Path):
    """r1's NHS number with another LA child id: linked to r1's child, for review (issue 10)."""
    rows = [*ROWS[:1], "r8,CSC,P9,100999,,,9434765919,,Elizabeth,Smith,2012-03-04,F,NX1 2AB"]
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["link", str(_write(tmp_path / "in.csv", rows)), str(output)])
    assert result.exit_code == 0, result.output
    by_id = {r["record_id"]: r for r in csv.DictReader(output.open(encoding="utf-8"))}
    assert by_id["r8"]["decision"] == "LINK"
    assert by_id["r8"]["child_key"] == by_id["r1"]["child_key"]
    assert "links held for review (a conflicting identifier): 1" in result.output


def test_same_input_gives_the_same_keys(tmp_path: Path):
    source = _write(tmp_path / "in.csv", ROWS)
    for name in ("a.csv", "b.csv"):
        assert CliRunner().invoke(app, ["link", str(source), str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_missing_columns_are_a_clear_error(tmp_path: Path):
    bad = _write(tmp_path / "bad.csv", ["1,2"], header="record_id,given_name")
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["link", str(bad), str(output)])
    assert result.exit_code == 2
    assert "missing column(s): source_system" in result.output
    assert not output.exists()


def test_missing_file_is_a_clear_error(tmp_path: Path):
    result = CliRunner().invoke(app, ["link", str(tmp_path / "nope.csv"), str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_weights_come_from_a_toml_file(tmp_path: Path):
    config = tmp_path / "hub.toml"
    config.write_text("[identity]\nlink_threshold = 99\nreview_threshold = 98\n")
    output = tmp_path / "out.csv"
    source = _write(tmp_path / "in.csv", ROWS[:2])
    result = CliRunner().invoke(app, ["link", str(source), str(output), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert [r["decision"] for r in csv.DictReader(output.open())] == ["NEW", "NEW"]
