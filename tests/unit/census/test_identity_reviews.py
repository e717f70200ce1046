"""Open identity reviews in the return: rows marked OpenIdentityReview, and the sign-off list."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import xmlschema

from hub.census import identity_reviews
from hub.domain.codes import AdditionalService
from hub.domain.episodes.years import CensusYear
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.usecases.census_compile import CensusInputs, compile_census
from tests.conftest import REPO
from tests.contract.store_records import episode, task

YEAR = CensusYear.parse("2025-26")
REVIEW = TaskType.POSSIBLE_MATCH_REVIEW


def _inputs() -> CensusInputs:
    episodes = [
        episode("ep-a1", child_key="CH-aaaa", la_child_id="123456"),
        episode("ep-a2", child_key="CH-aaaa", la_child_id="123456", service=AdditionalService.FS),
        episode("ep-b1", child_key="CH-bbbb"),
        episode("ep-c1", child_key="CH-cccc", la_child_id="777"),
        episode("ep-d1", child_key="CH-dddd"),
    ]
    tasks = [
        task("t-open", 1, task_type=REVIEW, child_key="CH-bbbb", related_child_key="CH-aaaa"),
        task("t-done", 1, task_type=REVIEW, child_key="CH-cccc", related_child_key="CH-dddd"),
        task(
            "t-done",
            2,
            task_type=REVIEW,
            child_key="CH-cccc",
            related_child_key="CH-dddd",
            status=TaskStatus.DONE,
        ),
        task(
            "t-none",
            1,
            task_type=REVIEW,
            child_key="CH-eeee",
            related_child_key="CH-ffff",
            status=TaskStatus.CLAIMED,
        ),
        task("t-sen", 1, child_key="CH-dddd"),  # another task type
    ]
    return CensusInputs(episodes=episodes, tasks=tasks)


def test_rows_of_both_children_of_an_open_review_are_marked(tmp_path: Path) -> None:
    compile_census(_inputs(), YEAR, tmp_path, la_code="938")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "additional_services.csv").read_text())))
    marks = {r["EpisodeID"]: r["OpenIdentityReview"] for r in rows}
    assert marks == {"ep-a1": "Y", "ep-a2": "Y", "ep-b1": "Y", "ep-c1": "N", "ep-d1": "N"}
    header = (tmp_path / "additional_services.csv").read_text().splitlines()[0]
    assert header.endswith(",WholeSessions,OpenIdentityReview")
    xml = (tmp_path / "additional_services.xml").read_bytes()
    found = {
        e.findtext("EpisodeID"): e.findtext("OpenIdentityReview")
        for e in ET.fromstring(xml).iter("ServiceEpisode")
    }
    assert found == marks
    schema = xmlschema.XMLSchema10(REPO / "schemas" / "census" / "AdditionalServices.xsd")
    assert [str(e) for e in schema.iter_errors(xml.decode())] == []


def test_the_sign_off_list_holds_ids_and_keys_children_with_rows_first(tmp_path: Path) -> None:
    compiled = compile_census(_inputs(), YEAR, tmp_path, la_code="938")
    body = json.loads((tmp_path / "open_identity_reviews.json").read_text())
    assert body["open_reviews"] == 2 and body["children_in_review"] == 4
    assert body["rows_in_return_marked"] == 3
    assert [r["task_id"] for r in body["reviews"]] == ["t-open", "t-none"]
    first = body["reviews"][0]
    assert first["children"] == [
        {"child_key": "CH-bbbb", "la_child_ids": [], "rows_in_return": 1},
        {"child_key": "CH-aaaa", "la_child_ids": ["123456"], "rows_in_return": 2},
    ]
    assert compiled.records["open_identity_reviews.json"] == 2
    text = (tmp_path / "open_identity_reviews.json").read_text()
    for personal in ("given", "family", "name", "birth", "postcode", "upn"):
        assert personal not in text.lower()


def test_no_open_review_marks_nothing() -> None:
    reviews = identity_reviews.open_reviews([])
    assert identity_reviews.keys_in_review(reviews) == frozenset()
    assert identity_reviews.flag("CH-aaaa", frozenset()) == "N"
    assert json.loads(identity_reviews.reviews_json(reviews, []))["reviews"] == []


def test_the_list_does_not_depend_on_the_order_of_its_inputs() -> None:
    inputs = _inputs()
    rows = [e for e in inputs.episodes if e.start_date <= date(2026, 3, 31)]
    one = identity_reviews.reviews_json(identity_reviews.open_reviews(inputs.tasks), rows)
    two = identity_reviews.reviews_json(
        identity_reviews.open_reviews(list(reversed(inputs.tasks))), list(reversed(rows))
    )
    assert one == two


def test_a_conflict_review_of_one_child_lists_it_and_counts_its_rows_once() -> None:
    """A record linked to a child despite a conflicting identifier is reviewed under that one
    key (the task names it twice): before, the list showed the child twice, its rows doubled."""
    rows = [episode("ep-a1", child_key="CH-aaaa"), episode("ep-a2", child_key="CH-aaaa")]
    tasks = [task("t-c", 1, task_type=REVIEW, child_key="CH-aaaa", related_child_key="CH-aaaa")]
    reviews = identity_reviews.open_reviews(tasks)
    assert identity_reviews.keys_in_review(reviews) == frozenset({"CH-aaaa"})
    body = json.loads(identity_reviews.reviews_json(reviews, rows))
    assert body["children_in_review"] == 1 and body["rows_in_return_marked"] == 2
    assert body["reviews"][0]["children"] == [
        {"child_key": "CH-aaaa", "la_child_ids": [], "rows_in_return": 2}
    ]
    assert body["reviews"][0]["rows_in_return"] == 2
