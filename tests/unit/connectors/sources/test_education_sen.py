"""The Education SEN connector on hand-made exports: good rows, every kind of bad row, bad files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.education_sen import COLUMNS, EducationSenConnector
from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.events import SenAssessmentOutcome, SenAssessmentRequested
from hub.domain.events.education import SenOutcome
from hub.domain.identifiers import upn_check_letter
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from tests.conftest import REPO

TODAY = date(2026, 5, 1)
UPN = upn_check_letter("938203512014") + "938203512014"
BAD_UPN = ("B" if UPN[0] == "A" else "A") + UPN[1:]
GOOD = {
    "SenEventId": "SEN0000001",
    "PupilId": "1234567",
    "UPN": UPN,
    "FormerUPN": "",
    "Surname": "O'Neill",
    "Forename": "Ava",
    "DOB": "14/05/2013",
    "Gender": "F",
    "AddressLine1": "1 High St",
    "Postcode": "NX1 1AA",
    "SchoolURN": "100001",
    "EventType": "REQUEST",
    "EventDate": "08/09/2025",
    "RequestedBy": "SCHOOL",
    "Outcome": "",
    "StatementChange": "",
    "SenServices": "",
    "LastModified": "08/09/2025 10:00:00",
}


def _csv(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def publisher(codec):
    specs = load_topic_specs(REPO / "topics.yaml")
    return Publisher(InMemoryEventLog({s.name: s.partitions for s in specs}), codec, specs)


async def test_good_and_bad_rows_add_up_and_bad_ones_say_why(tmp_path, publisher, codec):
    bad = {
        "INVALID_UPN": {"UPN": BAD_UPN},
        "INVALID_DATE": {"EventDate": "31/02/2025"},
        "FUTURE_DATE": {"EventDate": "01/01/2027", "LastModified": "01/01/2027 09:00:00"},
        "DOB_AFTER_EVENT": {"DOB": "01/01/2026"},
        "UNKNOWN_CODE": {"RequestedBy": "MARTIANS"},
        "MISSING_FIELD": {"SenEventId": ""},
    }
    outcome = GOOD | {
        "SenEventId": "SEN0000002",
        "EventType": "OUTCOME",
        "Outcome": "STATEMENT_ISSUED",
        "SenServices": "ASSESSMENT;EDUCATIONAL_PSYCHOLOGY",
    }
    rows = [GOOD, outcome] + [
        GOOD | {"SenEventId": f"SEN9{i}"} | c for i, c in enumerate(bad.values())
    ]
    path = _csv(tmp_path / "education_sen.csv", rows)
    summary = await connect_file(EducationSenConnector(TODAY), path, publisher)
    assert summary.rows_read == 8 and summary.rows_published == 2 and summary.balanced
    assert dict(summary.dead_letters) == dict.fromkeys(bad, 1)
    letters = [
        codec.decode(r.value) for r in await publisher.log.read_all(publisher.dead_letter_topic)
    ]
    assert {dl.reason_code for dl in letters} == set(bad)
    assert all(dl.location.startswith("education_sen.csv row ") and dl.original for dl in letters)
    echoed = (UPN, BAD_UPN, "O'Neill", "MARTIANS", "31/02/2025", "01/01/2026")
    assert not [dl.reason for dl in letters if any(v in dl.reason for v in echoed)]
    events = [
        codec.decode(r.value) for r in await publisher.log.read_all("cin.source.education.sen.v1")
    ]
    assert [type(e) for e in events] == [SenAssessmentRequested, SenAssessmentOutcome]
    assert events[1].services == ("ASSESSMENT", "EDUCATIONAL_PSYCHOLOGY")


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher, codec):
    path = _csv(tmp_path / "education_sen.csv", [GOOD])
    for _ in range(2):
        await connect_file(EducationSenConnector(TODAY), path, publisher)
    records = await publisher.log.read_all("cin.source.education.sen.v1")
    assert len({codec.decode(r.value).envelope.event_id for r in records}) == 1


async def test_a_new_version_of_a_record_is_a_new_event(tmp_path, publisher, codec):
    edited = GOOD | {"LastModified": "09/09/2025 11:00:00"}
    path = _csv(tmp_path / "education_sen.csv", [GOOD, edited])
    await connect_file(EducationSenConnector(TODAY), path, publisher)
    events = [
        codec.decode(r.value) for r in await publisher.log.read_all("cin.source.education.sen.v1")
    ]
    assert len({e.envelope.event_id for e in events}) == 2
    assert {e.envelope.source_record_id for e in events} == {"SEN0000001"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: _csv(p, [GOOD], header=COLUMNS[:-1]), "missing columns: LastModified"),
        (lambda p: _csv(p, [GOOD], header=(*COLUMNS, "Extra")), "unexpected columns: 1\\)"),
        (lambda p: p.write_bytes("SenEventId\n".encode("utf-16")), "not UTF-8"),
        (lambda p: p.write_text(_csv(p, [GOOD, GOOD]).read_text()[:-40]), "truncated"),
        (lambda p: p.write_text(""), "empty"),
    ],
)
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    path = tmp_path / "education_sen.csv"
    make(path)
    with pytest.raises(MalformedFileError, match=message):
        await connect_file(EducationSenConnector(TODAY), path, publisher)
    for topic in ("cin.source.education.sen.v1", publisher.dead_letter_topic):
        assert await publisher.log.read_all(topic) == []


async def test_a_go_live_plan_in_force_is_sent_as_its_issue_and_ehc_names_are_accepted(
    tmp_path, publisher, codec
):
    in_force = GOOD | {"SenEventId": "SEN0000003", "EventType": "IN_FORCE",
                       "EventDate": "14/03/2022", "Outcome": "",
                       "SenServices": "EDUCATIONAL_WELFARE"}
    ehc = GOOD | {"SenEventId": "SEN0000004", "EventType": "OUTCOME",
                  "Outcome": "NO_EHC_PLAN"}
    change = GOOD | {"SenEventId": "SEN0000005", "EventType": "EHC_PLAN_CHANGE",
                     "StatementChange": "CEASED"}
    path = _csv(tmp_path / "education_sen.csv", [in_force, ehc, change])
    summary = await connect_file(EducationSenConnector(TODAY), path, publisher)
    assert summary.rows_published == 3 and not summary.dead_letters
    events = [
        codec.decode(r.value) for r in await publisher.log.read_all("cin.source.education.sen.v1")
    ]
    plan, assessed, ceased = sorted(events, key=lambda e: e.envelope.source_record_id)
    assert plan.outcome is SenOutcome.EHC_PLAN_ISSUED and plan.decision_date == date(2022, 3, 14)
    assert plan.services == ("EDUCATIONAL_WELFARE",)
    assert assessed.outcome is SenOutcome.NO_EHC_PLAN and ceased.change == "CEASED"
