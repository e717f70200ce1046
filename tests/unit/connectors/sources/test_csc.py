"""The CSC case system connector: status changes, CIN census codes, bad rows, bad files."""

from __future__ import annotations

import pytest

from connectors.sources.csc import COLUMNS, CscConnector
from hub.domain.codes import CIN_ASSESSMENT_FACTORS, CIN_CLOSURE_REASONS
from tests.unit.connectors.harness import (
    BAD_NHS,
    BAD_UPN,
    NHS,
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

TOPIC = "cin.source.csc.status.v1"
OPENED = {
    "StatusChangeId": "SC00000001",
    "PersonId": "412087",
    "ReferralId": "R0000001",
    "ChangeType": "REFERRAL_OPENED",
    "ChangeDate": "2025-04-02",
    "ReferralSource": "5D",
    "PrimaryNeed": "N1",
    "ClosureReason": "",
    "AssessmentFactors": "",
    "CategoryOfAbuse": "",
    "Forename": "Frederick",
    "Surname": "Phillips",
    "DOB": "2012-12-17",
    "Gender": "1",
    "Ethnicity": "WBRI",
    "Disabilities": "LD;AUT",
    "UPN": UPN,
    "NHSNumber": NHS,
    "AddressLine1": "156 Manor Road",
    "Postcode": "NX17 7TR",
    "LastModified": "2025-04-07T11:19:43",
}
ASSESSED = OPENED | {
    "StatusChangeId": "SC00000002",
    "ChangeType": "ASSESSMENT_COMPLETED",
    "ChangeDate": "2025-05-01",
    "ReferralSource": "",
    "PrimaryNeed": "N2",
    "AssessmentFactors": "3A;4B;8B",
    "Gender": "0",
    "Disabilities": "",
    "Ethnicity": "",
    "UPN": "",
    "NHSNumber": "",
}
CLOSED = OPENED | {
    "StatusChangeId": "SC00000003",
    "ChangeType": "REFERRAL_CLOSED",
    "ChangeDate": "2025-09-01",
    "ReferralSource": "",
    "PrimaryNeed": "",
    "ClosureReason": "RC8",
    "Gender": "2",
}
BAD = {
    "INVALID_UPN": {"UPN": BAD_UPN},
    "INVALID_NHS_NUMBER": {"NHSNumber": BAD_NHS},
    "INVALID_DATE": {"ChangeDate": "02/04/2025"},
    "FUTURE_DATE": {"ChangeDate": "2026-05-02"},
    "DOB_AFTER_EVENT": {"DOB": "2025-04-03"},
    "UNKNOWN_CODE": {"Gender": "9"},
    "MISSING_FIELD": {"ReferralId": ""},
}
MORE_UNKNOWN_CODES = [
    {"ChangeType": "ADOPTED"},
    {"ReferralSource": "99"},
    {"PrimaryNeed": "N10"},
    {"ClosureReason": "RC10"},
    {"AssessmentFactors": "3A;20A"},
    {"CategoryOfAbuse": "BULLYING"},
    {"Ethnicity": "XXXX"},
    {"Disabilities": "LD;WINGS"},
]


def connector() -> CscConnector:
    return CscConnector(TODAY)


async def test_status_changes_become_events_and_bad_rows_say_why(tmp_path, publisher):
    unknown = {f"UNKNOWN_CODE {n}": case for n, case in enumerate(MORE_UNKNOWN_CODES)}
    rows = [OPENED, ASSESSED, CLOSED, *variants(OPENED, BAD | unknown, "StatusChangeId")]
    path = write_csv(tmp_path / "csc_status_changes.csv", rows, COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(
        published, 3, [*BAD, *["UNKNOWN_CODE"] * len(unknown)], "csc_status_changes.csv row "
    )
    opened, assessed, closed = sorted(published.events, key=lambda e: e.envelope.source_record_id)
    assert (opened.change, opened.csc_episode_id, opened.referral_source, opened.primary_need) == (
        "REFERRAL_OPENED",
        "R0000001",
        "5D",
        "N1",
    )
    assert (opened.ethnicity, opened.disabilities, opened.effective_date.isoformat()) == (
        "WBRI",
        ("LD", "AUT"),
        "2025-04-02",
    )
    assert assessed.assessment_factors == ("3A", "4B", "8B") and assessed.disabilities == ()
    assert closed.closure_reason == "RC8"
    sexes = [e.envelope.subject.sex for e in (opened, assessed, closed)]
    assert sexes == ["MALE", "UNKNOWN", "FEMALE"]
    subject = opened.envelope.subject
    assert (subject.la_child_id, subject.upn, subject.nhs_number, subject.other_ids) == (
        "412087",
        UPN,
        NHS,
        (),
    )
    assert opened.envelope.consent.basis == "STATUTORY"


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "csc_status_changes.csv", [OPENED, ASSESSED, CLOSED], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_change_is_a_new_event(tmp_path, publisher):
    edited = OPENED | {"LastModified": "2025-04-08T09:00:00", "PrimaryNeed": "N4"}
    path = write_csv(tmp_path / "csc_status_changes.csv", [OPENED, edited], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, OPENED))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    path = tmp_path / "csc_status_changes.csv"
    await assert_publishes_nothing(connector(), path, make, message, publisher, TOPIC)


@pytest.mark.parametrize(
    ("factors", "accepted"),
    [
        ("20", True), ("21", True), ("1A;24A", True),
        ("20A", False), ("3a", False), ("4B;99Z", False),
    ],
)
async def test_assessment_factors_must_be_dfe_codes(tmp_path, publisher, factors, accepted):
    """DfE has ``20``, not ``20A``: an unknown factor is UNKNOWN_CODE, never sent on to fail
    the census (rule 8897Q)."""
    path = write_csv(
        tmp_path / "csc_status_changes.csv", [ASSESSED | {"AssessmentFactors": factors}], COLUMNS
    )
    published = await publish(connector(), path, publisher, TOPIC)
    if accepted:
        assert [e.assessment_factors for e in published.events] == [tuple(factors.split(";"))]
    else:
        assert published.events == []
        [letter] = published.letters
        assert letter.reason_code == "UNKNOWN_CODE" and "AssessmentFactors" in letter.reason


async def test_every_dfe_closure_reason_and_factor_is_accepted(tmp_path, publisher):
    rows = [
        CLOSED | {"StatusChangeId": f"SC1{n:07d}", "ClosureReason": reason}
        for n, reason in enumerate(sorted(CIN_CLOSURE_REASONS))
    ] + [ASSESSED | {"StatusChangeId": "SC20000000",
                     "AssessmentFactors": ";".join(sorted(CIN_ASSESSMENT_FACTORS - {"21"}))}]
    path = write_csv(tmp_path / "csc_status_changes.csv", rows, COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert published.letters == []
    assert {e.closure_reason for e in published.events} == set(CIN_CLOSURE_REASONS) | {None}
