"""The census compile service on in-memory typed records: files, manifest, determinism."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

from hub.adapters.validator.cin_validator import ValidationReport, ValidatorIssue
from hub.census.child_ids import Linked
from hub.domain.codes import AdditionalService
from hub.domain.episodes.years import CensusYear
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.usecases.census_compile import CensusInputs, compile_census, open_review_tasks
from tests.contract.store_records import episode, task, use
from tests.unit.census.test_cin_build import protection_case

YEAR = CensusYear.parse("2025-26")
UPN_C1, UPN_2 = "T938203512014", "G938203512015"
FILES = {
    "additional_services.csv", "additional_services.xml", "consent_limited_counts.csv",
    "cin_census.xml", "data_quality.json", "data_quality.html", "manifest.json",
    "open_identity_reviews.json", "signoff_pack.json", "signoff_pack.html",
}


def _inputs() -> CensusInputs:
    episodes = [
        episode("ep-1", 1, start_date=date(2025, 5, 1), last_event_date=date(2025, 5, 1)),
        episode("ep-1", 2, start_date=date(2025, 5, 1), end_date=date(2025, 6, 1),
                last_event_date=date(2025, 6, 1)),  # the latest version wins
        episode("ep-2", 1, service=AdditionalService.FS, child_key="child-0002"),
        episode("ep-3", 1, start_date=date(2024, 4, 1), end_date=date(2024, 5, 1),
                last_event_date=date(2024, 5, 1)),  # another year: not in the return
    ]
    review = TaskType.POSSIBLE_MATCH_REVIEW
    tasks = [
        task("t-1", 1, task_type=review),
        task("t-2", 1, task_type=review),
        task("t-2", 2, task_type=review, status=TaskStatus.DONE),  # closed since
        task("t-3", 1, task_type=review, status=TaskStatus.CLAIMED),
        task("t-4", 1),  # not a review task
    ]
    uses = [use("u-1"), use("u-2", "2025-10"), use("u-2", "2025-10"), use("u-3", "2024-10")]
    return CensusInputs(episodes, [*protection_case("C1"), *protection_case("C2")], uses, tasks)


def _shuffled(inputs: CensusInputs) -> CensusInputs:
    rng = random.Random(5)
    parts = [list(p) for p in (inputs.episodes, inputs.csc_events, inputs.uses, inputs.tasks,
                               inputs.linked)]
    for part in parts:
        rng.shuffle(part)
    return CensusInputs(*parts)


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_every_file_is_written_and_the_manifest_holds_their_checksums(tmp_path: Path) -> None:
    compiled = compile_census(_inputs(), YEAR, tmp_path / "out", la_code="938")
    written = _folder(tmp_path / "out")
    assert set(written) == FILES
    manifest = json.loads(written["manifest.json"])
    assert set(manifest["files"]) == FILES - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(written[name]).hexdigest()
        assert entry["bytes"] == len(written[name])
    assert manifest["census_year"] == "2025-26" and manifest["la_code"] == "938"
    assert manifest["counts"] == compiled.counts == {
        "cin_children": 2, "episodes_in_return": 2, "consent_limited_uses": 2,
        "open_review_tasks": 2, "missing_upn_school_age": 2,
    }
    assert manifest["files"]["cin_census.xml"]["records"] == 2
    assert written["cin_census.xml"].count(b"<Child>") == 2
    assert len(written["additional_services.csv"].splitlines()) == 1 + 2
    assert b"ep-1,2" in written["additional_services.csv"]
    assert json.loads(written["data_quality.json"])["open_review_tasks"] == 2


def _linked() -> list[Linked]:
    """child-0001 is CIN child C1 (CSC's id) with a UPN from Education; child-0002 has only
    a UPN, and a finance reference that is not a valid LA child id."""
    return [
        Linked("child-0001", "LA_CHILD_ID", "C1", "csc"),
        Linked("child-0001", "LA_CHILD_ID", "FIN-0001-XYZ", "finance"),
        Linked("child-0001", "UPN", UPN_C1, "education-sen"),
        Linked("child-0002", "UPN", UPN_2, "education-sen"),
        Linked("child-0002", "LA_CHILD_ID", "NOT AN ID", "finance"),
    ]


def test_both_returns_carry_the_ids_the_hub_linked_to_the_child(tmp_path: Path) -> None:
    inputs = replace(_inputs(), linked=_linked())
    compiled = compile_census(inputs, YEAR, tmp_path, la_code="938")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "additional_services.csv").read_text())))
    found = {r["ChildKey"]: (r["LAchildID"], r["UPN"], r["InCINCensus"]) for r in rows}
    assert found == {"child-0001": ("C1", UPN_C1, "1"), "child-0002": ("", UPN_2, "0")}
    cin = ET.fromstring((tmp_path / "cin_census.xml").read_bytes())
    upns = {c.findtext("ChildIdentifiers/LAchildID"): c.findtext("ChildIdentifiers/UPN")
            for c in cin.iter("Child")}
    assert upns == {"C1": UPN_C1, "C2": None}  # C2: CSC holds none, the hub linked none
    assert compiled.counts["missing_upn_school_age"] == 1  # only C2 is left to chase


def test_a_second_compile_of_the_same_records_in_another_order_is_byte_identical(
    tmp_path: Path,
) -> None:
    compile_census(replace(_inputs(), linked=_linked()), YEAR, tmp_path / "a", la_code="938")
    compile_census(_shuffled(replace(_inputs(), linked=_linked())), YEAR, tmp_path / "b",
                   la_code="938")
    assert _folder(tmp_path / "a") == _folder(tmp_path / "b")


def test_the_validator_verdict_is_written_as_counts_by_rule(tmp_path: Path) -> None:
    seen: list[bytes] = []

    def validate(xml: bytes, year: CensusYear) -> ValidationReport:
        seen.append(xml)
        query = ValidatorIssue("8770Q", "QUERY", "UPN missing", "C1", "ChildIdentifiers", "UPN")
        return ValidationReport("cin2025_26", 109, (query, query), ())

    compiled = compile_census(_inputs(), YEAR, tmp_path, la_code="938", validate=validate)
    assert seen == [(tmp_path / "cin_census.xml").read_bytes()]
    verdict = json.loads((tmp_path / "cin_validation.json").read_bytes())
    assert (verdict["errors"], verdict["queries"]) == (0, 2)
    assert verdict["by_rule"] == [
        {"rule": "8770Q", "type": "QUERY", "count": 2, "message": "UPN missing"}
    ]
    assert b"C1" not in (tmp_path / "cin_validation.json").read_bytes()  # no child ids
    manifest = json.loads((tmp_path / "manifest.json").read_bytes())
    assert manifest["files"]["cin_validation.json"]["records"] == 2
    assert compiled.counts["validator_errors"] == 0


def test_a_validator_that_could_not_run_leaves_no_verdict(tmp_path: Path) -> None:
    (tmp_path / "cin_validation.json").write_text("stale")
    compile_census(_inputs(), YEAR, tmp_path, la_code="938", validate=lambda xml, year: None)
    assert set(_folder(tmp_path)) == FILES


def test_the_xml_schema_verdict_is_written_and_counted(tmp_path: Path) -> None:
    (tmp_path / "cin_schema_errors.json").write_text("stale")
    compiled = compile_census(_inputs(), YEAR, tmp_path, la_code="938",
                              check_schema=lambda xml, year: ["/Message: broken"])
    verdict = json.loads((tmp_path / "cin_schema_errors.json").read_bytes())
    assert verdict == {"valid": False, "errors": 1, "problems": ["/Message: broken"]}
    assert compiled.counts["xml_schema_errors"] == 1
    compile_census(_inputs(), YEAR, tmp_path, la_code="938", check_schema=lambda x, y: [])
    assert json.loads((tmp_path / "cin_schema_errors.json").read_bytes())["valid"] is True


def test_open_review_tasks_count_each_task_at_its_latest_version() -> None:
    assert open_review_tasks(_inputs().tasks) == 2
    assert open_review_tasks(reversed(list(_inputs().tasks))) == 2
