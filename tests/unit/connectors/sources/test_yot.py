"""The YOT connector on hand-made exports: referrals, closures, bad rows, bad files."""

from __future__ import annotations

import pytest

from connectors.sources.yot import COLUMNS, YotConnector
from hub.domain.events import YotReferralClosed, YotReferralMade
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

TOPIC = "cin.source.yot.referrals.v1"
REFERRAL = {
    "RecordNo": "Y00000001",
    "YOTPersonId": "YP000123",
    "InterventionId": "INT000456",
    "Surname": "O'Brien",
    "FirstName": "Liam",
    "DateOfBirth": "02/01/2009",
    "Sex": "Male",
    "Postcode": "NX1 5EF",
    "UPN": UPN,
    "RecordType": "REFERRAL",
    "ReferralKind": "COURT_DISPOSAL",
    "DisposalType": "Referral Order",
    "ReferralDate": "22/04/2025",
    "ClosureDate": "",
    "ClosureReason": "",
    "LastUpdated": "24/04/2025 16:10:11",
}
CLOSURE = REFERRAL | {
    "RecordNo": "Y00000002",
    "RecordType": "CLOSURE",
    "ClosureDate": "20/10/2025",
    "ClosureReason": "ORDER_COMPLETED",
    "LastUpdated": "21/10/2025 09:00:00",
}
BAD = {
    "INVALID_UPN": {"UPN": BAD_UPN},
    "INVALID_DATE": {"ReferralDate": "2025-04-22"},
    "FUTURE_DATE": {"ReferralDate": "01/06/2026"},
    "DOB_AFTER_EVENT": {"DateOfBirth": "01/05/2025"},
    "UNKNOWN_CODE": {"DisposalType": "YISP Prevention Programme"},  # not a court disposal
    "MISSING_FIELD": {"InterventionId": ""},
}
BAD_CLOSURES = {"UNKNOWN_CODE": {"ClosureReason": "ESCAPED"}, "MISSING_FIELD": {"ClosureDate": ""}}


def connector() -> YotConnector:
    return YotConnector(TODAY)


async def test_referral_and_closure_rows_become_their_events(tmp_path, publisher):
    rows = [REFERRAL, CLOSURE, *variants(REFERRAL, BAD, "RecordNo")]
    rows += variants(CLOSURE, BAD_CLOSURES, "RecordNo")
    published = await publish(
        connector(), write_csv(tmp_path / "yot.csv", rows, COLUMNS), publisher, TOPIC
    )
    assert_dead_lettered(published, 2, [*BAD, *BAD_CLOSURES], "yot.csv row ")
    made, closed = sorted(published.events, key=lambda e: e.envelope.source_record_id)
    assert isinstance(made, YotReferralMade) and isinstance(closed, YotReferralClosed)
    assert (made.yot_case_id, made.referral_kind, made.disposal_type) == (
        "INT000456",
        "COURT_DISPOSAL",
        "Referral Order",
    )
    assert (closed.yot_case_id, closed.closure_date.isoformat(), closed.reason) == (
        "INT000456",
        "2025-10-20",
        "ORDER_COMPLETED",
    )
    assert closed.envelope.occurred_at.date().isoformat() == "2025-10-20"
    subject = made.envelope.subject
    assert (subject.yot_id, subject.given_name, subject.sex, subject.upn) == (
        "YP000123",
        "Liam",
        "MALE",
        UPN,
    )


async def test_a_missing_sex_or_date_of_birth_is_unknown_not_an_error(tmp_path, publisher):
    row = REFERRAL | {"Sex": "", "DateOfBirth": "", "UPN": ""}
    events = (
        await publish(
            connector(), write_csv(tmp_path / "yot.csv", [row], COLUMNS), publisher, TOPIC
        )
    ).events
    assert (events[0].envelope.subject.sex, events[0].envelope.subject.date_of_birth) == (
        "UNKNOWN",
        None,
    )


async def test_an_unknown_record_type_is_dead_lettered(tmp_path, publisher):
    path = write_csv(tmp_path / "yot.csv", [REFERRAL | {"RecordType": "TRANSFER"}], COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert dict(published.summary.dead_letters) == {"UNKNOWN_CODE": 1}


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "yot.csv", [REFERRAL, CLOSURE], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_record_is_a_new_event(tmp_path, publisher):
    edited = REFERRAL | {"LastUpdated": "25/04/2025 08:00:00", "DisposalType": "Youth Caution"}
    path = write_csv(tmp_path / "yot.csv", [REFERRAL, edited], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.envelope.source_record_id for e in events} == {"Y00000001"}


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, REFERRAL))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    await assert_publishes_nothing(
        connector(), tmp_path / "yot.csv", make, message, publisher, TOPIC
    )
