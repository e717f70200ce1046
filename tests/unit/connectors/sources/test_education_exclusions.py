"""The Education exclusions connector on hand-made exports: good rows, bad rows, bad files."""

from __future__ import annotations

import pytest

from connectors.sources.education_exclusions import COLUMNS, EducationExclusionsConnector
from tests.unit.connectors.harness import (
    BAD_UPN,
    TODAY,
    UPN,
    assert_dead_lettered,
    assert_publishes_nothing,
    assert_republishing_adds_no_event_ids,
    csv_malformations,
    event_ids,
    publish,
    variants,
    write_csv,
)

TOPIC = "cin.source.education.exclusions.v1"
GOOD = {
    "ExclusionId": "EXC0000001",
    "PupilId": "1234567",
    "UPN": UPN,
    "FormerUPN": "",
    "Surname": "O'Neill",
    "Forename": "Ava",
    "DOB": "14/05/2013",
    "Gender": "F",
    "AddressLine1": "Flat 2, 1 High St",
    "Postcode": "NX1 1AA",
    "SchoolURN": "100001",
    "Category": "FIXED_TERM",
    "StartDate": "08/09/2025",
    "Days": "2.5",
    "ReasonCode": "PD",
    "LastModified": "09/09/2025 10:00:00",
}
PERMANENT = GOOD | {
    "ExclusionId": "EXC0000002",
    "Category": "PERMANENT",
    "Days": "",
    "ReasonCode": "OW",
}
BAD = {
    "INVALID_UPN": {"UPN": BAD_UPN},
    "INVALID_DATE": {"StartDate": "31/02/2025"},
    "FUTURE_DATE": {"StartDate": "01/01/2027"},
    "DOB_AFTER_EVENT": {"DOB": "01/01/2026"},
    "UNKNOWN_CODE": {"ReasonCode": "XX"},
    "MISSING_FIELD": {"Category": ""},
    "INVALID_VALUE": {"Days": "two"},
}


def connector() -> EducationExclusionsConnector:
    return EducationExclusionsConnector(TODAY)


async def test_good_rows_become_exclusions_and_bad_rows_say_why(tmp_path, publisher):
    rows = [GOOD, PERMANENT, *variants(GOOD, BAD, "ExclusionId")]
    path = write_csv(tmp_path / "education_exclusions.csv", rows, COLUMNS, bom=True)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(published, 2, BAD, "education_exclusions.csv row ")
    fixed, permanent = sorted(published.events, key=lambda e: e.envelope.source_record_id)
    assert (fixed.exclusion_type, fixed.days, fixed.reason_code) == ("FIXED_TERM", 2.5, "PD")
    assert fixed.start_date.isoformat() == "2025-09-08" and fixed.school_urn == "100001"
    assert (permanent.exclusion_type, permanent.days) == ("PERMANENT", None)
    subject = fixed.envelope.subject
    assert (subject.upn, subject.family_name, subject.sex) == (UPN, "O'Neill", "FEMALE")
    assert subject.other_ids[0].type == "MIS_PUPIL_ID" and subject.other_ids[0].value == "1234567"


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "education_exclusions.csv", [GOOD, PERMANENT], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_record_is_a_new_event(tmp_path, publisher):
    edited = GOOD | {"LastModified": "10/09/2025 11:00:00"}
    path = write_csv(tmp_path / "education_exclusions.csv", [GOOD, edited], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.envelope.record_version for e in events} == {
        "09/09/2025 10:00:00",
        "10/09/2025 11:00:00",
    }


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, GOOD))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    path = tmp_path / "education_exclusions.csv"
    await assert_publishes_nothing(connector(), path, make, message, publisher, TOPIC)
