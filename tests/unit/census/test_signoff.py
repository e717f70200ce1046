"""The sign-off pack's content (``hub.census.signoff``): reconciliation, validator rules,
children per service, reviews, by-design vs to-chase, the comparison with last year; and its
place beside the return in ``compile_census``."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from hub.adapters.files import intake_receipts as receipt_log
from hub.census import quality, signoff
from hub.census.identity_reviews import OpenReview
from hub.domain.codes import AdditionalService, VolumeMeasure
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource
from hub.domain.episodes.years import CensusYear
from hub.domain.intake_receipts import IntakeReceipt, ReceiptError, deliveries, parse
from hub.domain.outputs.codes import TaskType
from hub.usecases.census_compile import CensusInputs, PreviousReturn, compile_census
from hub.usecases.connecting import ConnectSummary
from tests.contract.store_records import episode, task

YEAR = CensusYear.parse("2025-26")


def row(key: str, service: str = "CWD", basis: str = "DELIVERED", *, end: str = "2025-06-01",
        volume: str = "S", subtype: str = "", episode_id: str | None = None,
        la: str = "", review: bool = False) -> signoff.ReturnRow:
    return signoff.ReturnRow(key, la, service, subtype, basis, end, volume,
                             episode_id or f"ep-{key}-{service}-{basis}", review)


def receipt(source: str, file: str, read: int, published: int, digest: str = "d1",
            **letters: int) -> IntakeReceipt:
    return IntakeReceipt(source, file, digest * 32, read, published, letters)


def pack(**given: object) -> dict[str, object]:
    values: dict[str, object] = {"year": "2025-26", "la_code": "938", "rows": ()} | given
    return signoff.build_pack(signoff.PackInputs(**values))  # type: ignore[arg-type]


# -- reconciliation ------------------------------------------------------------------------

def test_each_file_reconciles_read_against_published_plus_dead_lettered() -> None:
    receipts = signoff.Receipts((
        receipt("education", "education.csv", 10, 7, BAD_DATE=2, MISSING_ID=1),
        receipt("yot", "yot.csv", 5, 3, BAD_DATE=1),  # 5 != 3 + 1: a row went missing
    ), found=True)
    recon = pack(receipts=receipts)["reconciliation"]
    assert isinstance(recon, dict)
    by_file = {f["file"]: f for f in recon["files"]}
    assert by_file["education.csv"]["rows_dead_lettered"] == 3
    assert by_file["education.csv"]["dead_letters"] == {"BAD_DATE": 2, "MISSING_ID": 1}
    assert by_file["education.csv"]["reconciled"] is True
    assert by_file["yot.csv"]["reconciled"] is False
    assert recon["files_reconciled"] == 1 and recon["all_reconciled"] is False
    assert recon["totals"] == {"rows_read": 15, "rows_published": 10, "rows_dead_lettered": 4,
                               "dead_letters": {"BAD_DATE": 3, "MISSING_ID": 1},
                               "reconciled": False}


def test_the_same_file_connected_twice_is_one_delivery_another_version_is_two() -> None:
    first = receipt("panel", "panel.xml", 4, 4)
    again = receipt("panel", "panel.xml", 4, 3, BAD_DATE=1)  # same bytes, later receipt
    changed = receipt("panel", "panel.xml", 6, 6, digest="d2")
    kept = deliveries([first, changed, again])
    assert kept == [again, changed]
    recon = pack(receipts=signoff.Receipts((first, changed, again), True))["reconciliation"]
    assert isinstance(recon, dict)
    assert recon["totals"]["rows_read"] == 10 and len(recon["files"]) == 2


def test_no_receipts_is_said_not_hidden() -> None:
    recon = pack()["reconciliation"]
    assert isinstance(recon, dict)
    assert recon["receipts_found"] is False and recon["files"] == []


def test_a_receipt_round_trips_and_holds_counts_and_codes_only() -> None:
    summary = ConnectSummary("education", "education.csv", rows_read=3, rows_published=2,
                             events_published=4)
    summary.dead_letters["BAD_DATE"] += 1
    made = summary.receipt("ab" * 32)
    assert parse(made.to_json()) == made
    assert set(json.loads(made.to_json())) == {
        "source", "file", "digest", "rows_read", "rows_published", "dead_letters",
        "events_published", "events_already_held"}
    with pytest.raises(ReceiptError, match="rows_read"):
        parse('{"source": "s", "file": "f", "digest": "d", "rows_read": -1}')


def test_the_receipt_log_is_private_and_appended(tmp_path: Path) -> None:
    path = receipt_log.receipts_path(tmp_path / "state", "demo-ns")
    receipt_log.append(path, receipt("yot", "yot.csv", 2, 2))
    receipt_log.append(path, receipt("yot", "yot.csv", 3, 3, digest="d2"))
    with path.open("a") as handle:
        handle.write("not a receipt\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    read = receipt_log.read(path)
    assert [r.rows_read for r in read.receipts] == [2, 3]
    assert read.unreadable == 1 and read.found
    assert not receipt_log.read(tmp_path / "missing.jsonl").found


def test_a_digest_changes_with_the_bytes_of_a_file_or_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.csv").write_text("x")
    folder = receipt_log.digest(tmp_path / "a")
    (tmp_path / "a" / "two.csv").write_text("y")
    assert receipt_log.digest(tmp_path / "a") != folder
    assert receipt_log.digest(tmp_path / "a" / "one.csv") != folder


# -- validator -----------------------------------------------------------------------------

def test_validator_issues_are_grouped_by_rule_errors_first_with_the_ids_they_concern() -> None:
    issues = (
        signoff.RuleIssue("8770Q", "QUERY", "school-age child with no UPN", "LA9"),
        signoff.RuleIssue("8875", "ERROR", "ICPC on a weekend", "LA2"),
        signoff.RuleIssue("8770Q", "QUERY", "school-age child with no UPN", "LA1"),
        signoff.RuleIssue("8770Q", "QUERY", "school-age child with no UPN", "LA1"),
        signoff.RuleIssue("100", "ERROR", "header year", None),
    )
    checks = pack(validation=signoff.Validation(True, "cin2025_26", issues, ("8897Q",), 0))[
        "validator"]
    assert isinstance(checks, dict)
    assert [(r["rule"], r["type"], r["issues"], r["la_child_ids"]) for r in checks["rules"]] == [
        ("100", "ERROR", 1, []), ("8875", "ERROR", 1, ["LA2"]),
        ("8770Q", "QUERY", 3, ["LA1", "LA9"])]
    assert checks["errors"] == 2 and checks["queries"] == 3
    assert checks["rule_failures"] == ["8897Q"] and checks["xml_schema_errors"] == 0


def test_a_validator_that_did_not_run_is_not_zero_errors() -> None:
    summary = pack()["summary"]
    assert isinstance(summary, dict)
    assert summary["validator_ran"] is False and summary["xml_schema_errors"] is None


# -- services, reviews ---------------------------------------------------------------------

def test_children_per_service_are_distinct_and_reviews_marked_rows_listed_first() -> None:
    rows = [row("K1", "CWD", episode_id="e1"), row("K1", "CWD", episode_id="e2"),
            row("K2", "CWD", la="LA2", review=True, episode_id="e3"),
            row("K3", "FS", "PLANNED", end="", episode_id="e4"),
            row("K0", "SEN", "NOTIFIED", end="", volume="", episode_id="e5")]
    built = pack(rows=rows, reviews=[OpenReview("T1", "K2", "K9")])
    assert built["children_per_service"] == [
        {"service": "CWD", "children": 2, "rows": 3, "children_in_open_review": 1},
        {"service": "FS", "children": 1, "rows": 1, "children_in_open_review": 0},
        {"service": "SEN", "children": 1, "rows": 1, "children_in_open_review": 0}]
    checked = built["rows_to_check"]
    assert isinstance(checked, list)
    # the marked row first although K3 sorts after K2 and K0 before it; K0's SEN is by design
    assert [(r["episode_id"], r["why"]) for r in checked] == [
        ("e3", [signoff.OPEN_REVIEW]), ("e4", [signoff.NO_END_TO_CHASE])]
    reviews = built["open_identity_reviews"]
    assert isinstance(reviews, dict)
    assert reviews["reviews"][0]["children"] == [
        {"child_key": "K2", "la_child_ids": ["LA2"], "rows_in_return": 1},
        {"child_key": "K9", "la_child_ids": [], "rows_in_return": 0}]
    assert reviews["rows_marked"] == 1 and reviews["children_in_review"] == 2


# -- by design vs to chase -----------------------------------------------------------------

@pytest.mark.parametrize(("basis", "service", "subtype", "end_verdict", "volume_verdict"), [
    ("NOTIFIED", "SEN", "", signoff.BY_DESIGN, signoff.BY_DESIGN),
    ("NOTIFIED", "CWD", "", signoff.BY_DESIGN, signoff.BY_DESIGN),  # a register entry
    ("PLANNED", "FS", "", signoff.TO_CHASE, signoff.TO_CHASE),
    ("DELIVERED", "CWD", "", signoff.TO_CHASE, signoff.TO_CHASE),
    ("DELIVERED", "SEN", "ASSESSMENT", signoff.TO_CHASE, signoff.BY_DESIGN),  # as the CSV has it
    ("DELIVERED", "SEN", "Assessment", signoff.TO_CHASE, signoff.BY_DESIGN),  # Appendix A label
    ("DELIVERED", "SEN", "SPEECH_AND_LANGUAGE", signoff.TO_CHASE, signoff.TO_CHASE),
])
def test_by_design_or_to_chase(basis: str, service: str, subtype: str, end_verdict: str,
                               volume_verdict: str) -> None:
    bare = row("K", service, basis, end="", volume="", subtype=subtype)
    assert signoff.no_end_verdict(bare)[0] == end_verdict
    assert signoff.no_volume_verdict(bare)[0] == volume_verdict


def test_the_split_adds_up_and_only_counts_rows_lacking_the_field() -> None:
    rows = [row("K1", "SEN", "NOTIFIED", end="", volume=""),
            row("K2", "FS", "PLANNED", end="", volume="M"),
            row("K3", "CWD", "DELIVERED", volume=""),
            row("K4", "CWD", "DELIVERED")]
    built = pack(rows=rows)
    ends, volumes = built["no_end_date"], built["no_volume"]
    assert isinstance(ends, dict) and isinstance(volumes, dict)
    assert (ends["count"], ends["by_design"]["count"], ends["to_chase"]["count"]) == (2, 1, 1)
    assert (volumes["count"], volumes["by_design"]["count"], volumes["to_chase"]["count"]) == (
        2, 1, 1)
    assert [(r["service"], r["rows"]) for r in ends["to_chase"]["by_service_and_reason"]] == [
        ("FS", 1)]


def test_the_split_counts_what_the_quality_report_counts(tmp_path: Path) -> None:
    episodes = [
        episode("ep-1", child_key="CH-a", basis=EpisodeBasis.NOTIFIED,
                source_kind=EpisodeSource.DISABLED_REGISTER, start_date=date(2025, 5, 1),
                last_event_date=date(2025, 5, 1)),
        episode("ep-2", child_key="CH-b", start_date=date(2025, 6, 1),
                end_date=date(2025, 6, 1), last_event_date=date(2025, 6, 1)),
        episode("ep-3", child_key="CH-c", start_date=date(2025, 7, 1),
                end_date=date(2025, 7, 1), last_event_date=date(2025, 7, 1),
                volume_measure=VolumeMeasure.S, sessions=Decimal(2)),
    ]
    compiled = compile_census(CensusInputs(episodes=episodes), YEAR, tmp_path, la_code="938")
    built = json.loads(compiled.files["signoff_pack.json"])
    report = quality.quality_report(episodes, [], [], YEAR, 0)
    assert built["no_end_date"]["count"] == report["episodes_no_end_date"]["count"] == 1
    assert built["no_volume"]["count"] == report["episodes_no_volume"]["count"] == 2
    assert built["no_volume"]["to_chase"]["count"] == 1  # the delivery with no sessions


# -- comparison ----------------------------------------------------------------------------

def test_comparison_with_last_year_per_service() -> None:
    now = [row("K1", "CWD"), row("K2", "CWD"), row("K2", "FS")]
    before = [row("K1", "CWD"), row("K1", "CWD", episode_id="x"), row("K5", "YJ")]
    compared = pack(rows=now, previous_year="2024-25", previous_rows=before)["comparison"]
    assert isinstance(compared, dict)
    assert compared["previous_year"] == "2024-25"
    assert (compared["rows_previous"], compared["rows"]) == (3, 3)
    assert (compared["children_previous"], compared["children"]) == (2, 2)
    assert {s["service"]: (s["children_previous"], s["children"], s["children_change"])
            for s in compared["services"]} == {"CWD": (1, 2, 1), "FS": (0, 1, 1),
                                               "YJ": (1, 0, -1)}
    assert pack(rows=now)["comparison"] is None


def test_last_years_csv_is_read_back_as_rows(tmp_path: Path) -> None:
    last = CensusYear.parse("2024-25")
    eps = [episode("ep-1", child_key="CH-a", start_date=date(2024, 6, 1),
                   end_date=date(2024, 6, 1), last_event_date=date(2024, 6, 1)),
           episode("ep-2", child_key="CH-b", start_date=date(2025, 6, 1),
                   end_date=date(2025, 6, 1), last_event_date=date(2025, 6, 1),
                   service=AdditionalService.FS)]
    old = compile_census(CensusInputs(episodes=eps), last, tmp_path / "old", la_code="938")
    now = compile_census(CensusInputs(episodes=eps), YEAR, tmp_path / "new", la_code="938",
                         previous=PreviousReturn(last, old.files["additional_services.csv"]))
    compared = json.loads(now.files["signoff_pack.json"])["comparison"]
    assert [(s["service"], s["children_previous"], s["children"])
            for s in compared["services"]] == [("CWD", 1, 0), ("FS", 0, 1)]


# -- beside the return ---------------------------------------------------------------------

def test_compile_writes_the_pack_beside_the_return_ids_only(tmp_path: Path) -> None:
    eps = [episode("ep-1", child_key="CH-a", la_child_id="LA77", start_date=date(2025, 6, 1),
                   end_date=date(2025, 6, 1), last_event_date=date(2025, 6, 1))]
    tasks = [task("t-1", 1, task_type=TaskType.POSSIBLE_MATCH_REVIEW, child_key="CH-a",
                  related_child_key="CH-z")]
    receipts = signoff.Receipts((receipt("provider-returns", "sla", 2, 1, BAD_DATE=1),), True)
    compiled = compile_census(CensusInputs(episodes=eps, tasks=tasks), YEAR, tmp_path,
                              la_code="938", receipts=receipts)
    for name in ("signoff_pack.json", "signoff_pack.html"):
        assert (tmp_path / name).read_bytes() == compiled.files[name]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "signoff_pack.json" in json.dumps(manifest)
    built = json.loads(compiled.files["signoff_pack.json"])
    assert built["rows_to_check"][0]["open_identity_review"] is True
    assert built["summary"]["rows_read"] == 2
    html = compiled.files["signoff_pack.html"].decode()
    assert "LA77" in html and "<svg" in html
    assert 'aria-label="Rows read per source system, published or dead-lettered"' in html
    for title in ("Rows read", "Source system", "Children (distinct)", "Additional service"):
        assert f">{title}<" in html  # the axis titles, drawn by Vega
    again = compile_census(CensusInputs(episodes=list(reversed(eps)), tasks=tasks), YEAR,
                           tmp_path / "again", la_code="938", receipts=receipts)
    assert again.files["signoff_pack.json"] == compiled.files["signoff_pack.json"]
    assert again.files["signoff_pack.html"] == compiled.files["signoff_pack.html"]
    assert os.sep not in built["reconciliation"]["files"][0]["file"]
