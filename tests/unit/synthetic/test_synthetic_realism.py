"""The generated authority looks like the report's picture (a few thousand children)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from hub.domain.identifiers import is_valid_nhs_number, is_valid_upn
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate

YEAR = CensusYear.parse("2025-26")


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("authority")
    generate(path, 4000, 5, YEAR)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def owners(outdir: Path) -> dict[str, set[str]]:
    """True child ids known to each source."""
    known: dict[str, set[str]] = defaultdict(set)
    for row in _rows(outdir / "ground_truth.csv"):
        known[row["source"]].add(row["true_child_id"])
    return known


def _invalid_share(values: list[str], valid: object) -> float:
    present = [v for v in values if v]
    return sum(not valid(v) for v in present) / len(present)  # type: ignore[operator]


def test_identifiers_are_valid_but_for_a_few_keying_errors(outdir: Path) -> None:
    links = _rows(outdir / "link_records.csv")
    upns = [r["upn"] for r in links] + [r["former_upn"] for r in links]
    assert 0 < _invalid_share(upns, is_valid_upn) < 0.015
    assert 0 < _invalid_share([r["nhs_number"] for r in links], is_valid_nhs_number) < 0.015


def test_most_yot_children_are_not_known_to_csc(owners: dict[str, set[str]]) -> None:
    yot = owners["yot"]
    assert len(yot) > 80
    assert 0.78 <= len(yot - owners["csc"]) / len(yot) <= 0.92


def test_about_a_fifth_of_statemented_children_are_csc_cases(
        outdir: Path, owners: dict[str, set[str]]) -> None:
    truth = {r["source_record_id"]: r["true_child_id"]
             for r in _rows(outdir / "ground_truth.csv") if r["source"] == "education-sen"}
    statemented = {truth[r["SenEventId"]] for r in _rows(outdir / "education_sen.csv")
                   if r["Outcome"] == "STATEMENT_ISSUED" or r["StatementChange"]}
    assert 0.12 <= len(statemented & owners["csc"]) / len(statemented) <= 0.30


def test_most_children_in_need_have_no_upn_in_csc(outdir: Path) -> None:
    upn_by_person: dict[str, str] = {}
    for row in _rows(outdir / "csc_status_changes.csv"):
        upn_by_person[row["PersonId"]] = row["UPN"]
    assert sum(not upn for upn in upn_by_person.values()) / len(upn_by_person) >= 0.6


def test_dates_of_birth_go_missing_more_outside_csc(outdir: Path) -> None:
    by_source: dict[str, list[bool]] = defaultdict(list)
    for row in _rows(outdir / "link_records.csv"):
        by_source[row["source_system"]].append(not row["date_of_birth"])
    share = {s: sum(flags) / len(flags) for s, flags in by_source.items()}
    assert share["csc"] < 0.02
    assert 0.02 <= share["education-sen"] <= 0.12
    assert share["finance"] > share["education-sen"]


def _event_dates(outdir: Path) -> list[date]:
    dmy = lambda text: datetime.strptime(text, "%d/%m/%Y").date()  # noqa: E731
    found = [date.fromisoformat(r["ChangeDate"])
             for r in _rows(outdir / "csc_status_changes.csv")]
    found += [dmy(r["EventDate"]) for r in _rows(outdir / "education_sen.csv")]
    found += [dmy(r["StartDate"]) for r in _rows(outdir / "education_exclusions.csv")]
    found += [dmy(r["ClosureDate"] or r["ReferralDate"]) for r in _rows(outdir / "yot.csv")]
    found += [datetime.strptime(r["PaymentDate"], "%d-%b-%Y").date()
              for r in _rows(outdir / "finance_payments.csv")]
    found += [dmy(r["EntryDate"]) for r in _rows(outdir / "disabled_register.csv")]
    for path in (outdir / "provider_returns").glob("*.csv"):
        found += [dmy(r["SessionDate"]) for r in _rows(path)]
    ecaf = json.loads((outdir / "ecaf.json").read_text(encoding="utf-8"))["records"]
    found += [date.fromisoformat(r["assessment"]["completedDate"]) for r in ecaf]
    panel = ET.parse(outdir / "panel.xml").getroot()
    found += [date.fromisoformat(d.findtext("PanelDate", "")) for d in panel]
    return found


def test_every_event_falls_in_the_census_year_or_is_open_at_go_live(outdir: Path) -> None:
    dates = _event_dates(outdir)
    assert len(dates) > 10_000
    assert all(day <= YEAR.end for day in dates)
    dmy = lambda text: datetime.strptime(text, "%d/%m/%Y").date()  # noqa: E731
    sen = _rows(outdir / "education_sen.csv")
    early = [r["EventType"] for r in sen if dmy(r["EventDate"]) < YEAR.start]
    assert early and set(early) == {"IN_FORCE"}  # plans in force at go-live, nothing else
    yot = _rows(outdir / "yot.csv")
    running = [r for r in yot if dmy(r["ReferralDate"]) < YEAR.start]
    assert running and all(not r["ClosureDate"] or dmy(r["ClosureDate"]) >= YEAR.start
                           for r in running)
    ecaf = json.loads((outdir / "ecaf.json").read_text(encoding="utf-8"))["records"]
    cafs = [r for r in ecaf if date.fromisoformat(r["assessment"]["completedDate"]) < YEAR.start]
    assert cafs and all(r["closure"] is None
                        or date.fromisoformat(r["closure"]["closedDate"]) >= YEAR.start
                        for r in cafs)
    register = _rows(outdir / "disabled_register.csv")
    assert any(dmy(r["EntryDate"]) < YEAR.start for r in register)
    for path in (outdir / "provider_returns").glob("*.csv"):  # returns cover the year only
        assert all(dmy(r["SessionDate"]) >= YEAR.start for r in _rows(path))


def test_panel_packages_run_past_go_live_and_some_are_revised(outdir: Path) -> None:
    panel = ET.parse(outdir / "panel.xml").getroot()
    before = [d for d in panel if date.fromisoformat(d.findtext("PanelDate", "")) < YEAR.start]
    assert before
    for decision in before:
        for line in decision.iterfind("Lines/Line"):
            if line.get("frequency") != "ONE_OFF":
                assert date.fromisoformat(line.get("plannedEnd", "")) >= YEAR.start
    versions: dict[str, list[str]] = defaultdict(list)
    for decision in panel:
        versions[decision.get("id", "")].append(decision.get("version", ""))
    revised = [v for v in versions.values() if v == ["1", "2"]]
    assert revised  # a version 2 that replaces version 1's lines


def test_some_short_break_rows_report_more_nights_than_their_period_has(outdir: Path) -> None:
    dmy = lambda text: datetime.strptime(text, "%d/%m/%Y").date()  # noqa: E731
    rows = _rows(outdir / "provider_returns" / "SLA-CWD-01.csv")
    over = [r for r in rows
            if float(r["Days"]) > (dmy(r["PeriodEnd"]) - dmy(r["SessionDate"])).days + 1]
    assert 0 < len(over) < len(rows) * 0.1


def test_ages_are_children_or_care_leavers(outdir: Path) -> None:
    for row in _rows(outdir / "link_records.csv"):
        if row["date_of_birth"]:
            born = date.fromisoformat(row["date_of_birth"])
            if born > YEAR.end:  # only a day/month slip of a baby's date (a keying error)
                assert born.day <= 12 and born.replace(month=born.day, day=born.month) <= YEAR.end
                continue
            assert YEAR.start.year - born.year <= 22


def test_consent_is_sometimes_withheld(outdir: Path) -> None:
    assert {r["ParentalConsent"] for r in _rows(outdir / "disabled_register.csv")} == {"Y", "N"}
    consent: dict[str, set[str]] = defaultdict(set)
    for path in (outdir / "provider_returns").glob("*.csv"):
        for row in _rows(path):
            consent[row["ServiceCode"]].add(row["ConsentToShare"])
    assert consent["EW"] == {"Y", "N"} and consent["CWD"] == {""}


def test_payments_and_panel_decisions_only_partly_agree(outdir: Path) -> None:
    payments = _rows(outdir / "finance_payments.csv")
    referenced = {p["PanelDecisionRef"] for p in payments}
    assert "" in referenced  # payments with no decision
    panel = ET.parse(outdir / "panel.xml").getroot()
    money_lines = {d.get("id") for d in panel if d.findtext("Outcome") == "APPROVED"
                   and any(line.get("measure") == "M" for line in d.iter("Line"))}
    unpaid = money_lines - referenced
    assert 0 < len(unpaid) < len(money_lines) / 2
