"""The disabled children register connector: entries, parental consent, bad rows, bad files."""

from __future__ import annotations

import pytest

from connectors.sources.disabled_register import COLUMNS, DisabledRegisterConnector
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

TOPIC = "cin.source.register.disabled-children.v1"
GOOD = {
    "RegisterNo": "DCR00001",
    "Surname": "King",
    "Forenames": "Olivia Rose",
    "DateOfBirth": "27/01/2010",
    "Sex": "F",
    "AddressLine1": "Flat 18, 43 Windsor Drive",
    "Postcode": "NX2 2FX",
    "NHSNumber": NHS,
    "UPN": UPN,
    "EntryDate": "08/04/2025",
    "DisabilityCategories": "VIS;HEAR",
    "ParentalConsent": "Y",
    "LastReviewed": "05/10/2025",
}
WITHHELD = GOOD | {"RegisterNo": "DCR00002", "ParentalConsent": "N", "DisabilityCategories": "AUT"}
BAD = {
    "INVALID_UPN": {"UPN": BAD_UPN},
    "INVALID_NHS_NUMBER": {"NHSNumber": BAD_NHS},
    "INVALID_DATE": {"EntryDate": "30/02/2025"},
    "FUTURE_DATE": {"EntryDate": "02/05/2026"},
    "DOB_AFTER_EVENT": {"DateOfBirth": "09/04/2025"},
    "UNKNOWN_CODE": {"DisabilityCategories": "VIS;TELEPATHY"},
    "MISSING_FIELD": {"ParentalConsent": ""},
}


def connector() -> DisabledRegisterConnector:
    return DisabledRegisterConnector(TODAY)


async def test_entries_carry_the_parents_consent_and_bad_rows_say_why(tmp_path, publisher):
    rows = [GOOD, WITHHELD, *variants(GOOD, BAD, "RegisterNo")]
    path = write_csv(tmp_path / "disabled_register.csv", rows, COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(published, 2, BAD, "disabled_register.csv row ")
    given, withheld = sorted(published.events, key=lambda e: e.register_id)
    assert (given.entry_date.isoformat(), given.disability_categories) == (
        "2025-04-08",
        ("VIS", "HEAR"),
    )
    assert given.parental_consent and not withheld.parental_consent
    assert (given.envelope.consent.basis, given.envelope.consent.share_child_detail) == (
        "PARENTAL",
        True,
    )
    assert (withheld.envelope.consent.basis, withheld.envelope.consent.share_child_detail) == (
        "WITHHELD",
        False,
    )
    assert given.envelope.record_version == "05/10/2025"
    assert given.envelope.recorded_at.date().isoformat() == "2025-10-05"
    subject = given.envelope.subject
    assert (subject.given_name, subject.sex, subject.nhs_number) == ("Olivia Rose", "FEMALE", NHS)
    assert [(i.type, i.value) for i in subject.other_ids] == [("REGISTER_ID", "DCR00001")]


async def test_an_impossible_review_date_is_dead_lettered(tmp_path, publisher):
    path = write_csv(
        tmp_path / "disabled_register.csv", [GOOD | {"LastReviewed": "2025-10-05"}], COLUMNS
    )
    assert dict((await publish(connector(), path, publisher, TOPIC)).summary.dead_letters) == {
        "INVALID_DATE": 1
    }


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "disabled_register.csv", [GOOD, WITHHELD], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_review_is_a_new_event(tmp_path, publisher):
    reviewed = GOOD | {"LastReviewed": "05/01/2026", "DisabilityCategories": "VIS"}
    path = write_csv(tmp_path / "disabled_register.csv", [GOOD, reviewed], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.envelope.record_version for e in events} == {"05/10/2025", "05/01/2026"}


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, GOOD))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    path = tmp_path / "disabled_register.csv"
    await assert_publishes_nothing(connector(), path, make, message, publisher, TOPIC)
