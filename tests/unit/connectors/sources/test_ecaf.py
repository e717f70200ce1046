"""The eCAF connector on hand-made JSON: completed and closed CAFs, bad records, bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from connectors.sources.ecaf import EcafConnector
from hub.domain.events import CafClosed, CafCompleted
from tests.unit.connectors.harness import (
    BAD_NHS,
    BAD_UPN,
    NHS,
    TODAY,
    UPN,
    assert_dead_lettered,
    assert_publishes_nothing,
    assert_republishing_adds_no_event_ids,
    event_ids,
    publish,
)

TOPIC = "cin.source.earlyhelp.caf.v1"
CLOSED: dict[str, Any] = {
    "cafId": "CAF-0001234",
    "version": 2,
    "lastModified": "2025-09-14T10:12:00Z",
    "child": {
        "ecafPersonId": "EP0004567",
        "upn": UPN,
        "nhsNumber": NHS,
        "firstName": "Lily",
        "lastName": "Smith",
        "dateOfBirth": "2016-03-02",
        "gender": "Female",
        "postcode": "NX4 7QP",
    },
    "assessment": {
        "completedDate": "2025-06-01",
        "team": "Early Help North",
        "leadProfessionalRole": "Health Visitor",
        "needsIdentified": ["PARENTING_CAPACITY", "SCHOOL_ATTENDANCE"],
    },
    "status": "CLOSED",
    "closure": {"closedDate": "2025-09-14", "reason": "NEEDS_MET"},
}
OPEN = CLOSED | {
    "cafId": "CAF-0001235",
    "version": 1,
    "status": "OPEN",
    "closure": None,
    "child": CLOSED["child"]
    | {"upn": "", "nhsNumber": "", "dateOfBirth": None, "gender": "Unknown"},
}
BAD = {
    "INVALID_UPN": ("child", "upn", BAD_UPN),
    "INVALID_NHS_NUMBER": ("child", "nhsNumber", BAD_NHS),
    "INVALID_DATE": ("assessment", "completedDate", "2025-02-30"),
    "FUTURE_DATE": ("closure", "closedDate", "2027-01-01"),
    "DOB_AFTER_EVENT": ("child", "dateOfBirth", "2025-07-01"),
    "UNKNOWN_CODE": ("closure", "reason", "WON_THE_LOTTERY"),
    "MISSING_FIELD": ("child", "ecafPersonId", ""),
}


def _bad(number: int, part: str, field: str, value: str) -> dict[str, Any]:
    record = copy.deepcopy(CLOSED) | {"cafId": f"CAF-999000{number}"}
    record[part][field] = value
    return record


def _export(path: Path, records: list[Any], count: int | None = None) -> Path:
    document = {
        "system": "eCAF",
        "exportedAt": "2026-03-31T23:00:00Z",
        "recordCount": len(records) if count is None else count,
        "records": records,
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def connector() -> EcafConnector:
    return EcafConnector(TODAY)


async def test_every_caf_is_completed_and_closed_ones_are_closed_too(tmp_path, publisher):
    bad = [_bad(n, *case) for n, case in enumerate(BAD.values())]
    published = await publish(
        connector(), _export(tmp_path / "ecaf.json", [CLOSED, OPEN, *bad]), publisher, TOPIC
    )
    assert_dead_lettered(published, 2, BAD, "ecaf.json record ")
    assert published.summary.events_published == 3  # two records, one of them closed
    by_type = {(type(e), e.caf_id): e for e in published.events}
    completed = by_type[(CafCompleted, "CAF-0001234")]
    closed = by_type[(CafClosed, "CAF-0001234")]
    assert (completed.completed_date.isoformat(), completed.team) == (
        "2025-06-01",
        "Early Help North",
    )
    assert completed.needs == ("PARENTING_CAPACITY", "SCHOOL_ATTENDANCE")
    assert (closed.closed_date.isoformat(), closed.closure_reason) == ("2025-09-14", "NEEDS_MET")
    assert completed.envelope.record_version == closed.envelope.record_version == "2"
    assert (
        completed.envelope.consent.basis == "EXPLICIT"
        and completed.envelope.consent.share_child_detail
    )
    subject = completed.envelope.subject
    assert (subject.upn, subject.nhs_number, subject.sex) == (UPN, NHS, "FEMALE")
    assert [(i.type, i.value) for i in subject.other_ids] == [("ECAF_ID", "EP0004567")]
    unknown = by_type[(CafCompleted, "CAF-0001235")].envelope.subject
    assert (unknown.upn, unknown.date_of_birth, unknown.sex) == (None, None, "UNKNOWN")


async def test_a_dead_letter_keeps_the_records_json(tmp_path, publisher):
    record = _bad(0, "closure", "reason", "WON_THE_LOTTERY")
    published = await publish(
        connector(), _export(tmp_path / "ecaf.json", [record]), publisher, TOPIC
    )
    assert json.loads(published.letters[0].original) == record
    assert published.letters[0].original_format == "json"


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = _export(tmp_path / "ecaf.json", [CLOSED, OPEN])
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_record_is_a_new_event(tmp_path, publisher):
    path = _export(tmp_path / "ecaf.json", [OPEN, OPEN | {"version": 2}])
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.envelope.record_version for e in events} == {"1", "2"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda p: p.write_text('{"recordCount": 1, "records": [{"cafId": '),
            "not JSON",
            id="truncated",
        ),
        pytest.param(lambda p: p.write_text("records: []"), "not JSON", id="not-json"),
        pytest.param(lambda p: p.write_text('{"recordCount": 0}'), "no `records`", id="no-records"),
        pytest.param(lambda p: p.write_text("[1, 2]"), "no `records`", id="not-an-object"),
        pytest.param(
            lambda p: _export(p, [CLOSED, OPEN], count=3), "recordCount", id="count-mismatch"
        ),
        pytest.param(
            lambda p: p.write_bytes(json.dumps({"records": []}).encode("utf-16")),
            "not UTF-8",
            id="utf16",
        ),
    ],
)
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    await assert_publishes_nothing(
        connector(), tmp_path / "ecaf.json", make, message, publisher, TOPIC
    )
