"""The provider returns connector: SLA files or a directory of them, consent, bad input."""

from __future__ import annotations

import pytest

from connectors.base import MalformedFileError
from connectors.sources.provider_returns import COLUMNS, ProviderReturnsConnector
from tests.unit.connectors.harness import (
    TODAY,
    assert_dead_lettered,
    assert_publishes_nothing,
    assert_republishing_adds_no_event_ids,
    csv_malformations,
    event_ids,
    publish,
    variants,
    write_csv,
)

TOPIC = "cin.source.providers.service-use.v1"
SESSION = {
    "LineRef": "SLA-EW-01-000001",
    "ProviderName": "Mindful Futures Counselling",
    "SLARef": "SLA-EW-01",
    "ClientRef": "MFC00001",
    "ClientForename": "Ava",
    "ClientSurname": "O'Neill",
    "ClientDOB": "14/05/2010",
    "ClientPostcode": "NX1 1AA",
    "ServiceCode": "EW",
    "SubTypeCode": "COUNSELLING",
    "Measure": "S",
    "SessionDate": "08/09/2025",
    "PeriodEnd": "",
    "Sessions": "1",
    "Days": "",
    "HoursPerSession": "1.5",
    "ProfessionalType": "Counsellor",
    "GroupSession": "N",
    "ConsentToShare": "Y",
    "SubmittedOn": "10/10/2025 09:00:00",
}
MONTH = SESSION | {
    "LineRef": "SLA-CWD-01-000001",
    "ProviderName": "Oakfield Short Breaks",
    "SLARef": "SLA-CWD-01",
    "ClientRef": "OAK00001",
    "ServiceCode": "CWD",
    "SubTypeCode": "SHORT_BREAK_CARE_V4",
    "Measure": "D",
    "SessionDate": "01/09/2025",
    "PeriodEnd": "30/09/2025",
    "Sessions": "",
    "Days": "3",
    "HoursPerSession": "",
    "ProfessionalType": "Residential Care Worker",
    "GroupSession": "Y",
    "ConsentToShare": "",
}
BAD = {
    "INVALID_DATE": {"SessionDate": "31/09/2025"},
    "FUTURE_DATE": {"SessionDate": "08/09/2026"},
    "DOB_AFTER_EVENT": {"ClientDOB": "09/09/2025"},
    "UNKNOWN_CODE": {"SubTypeCode": "SHORT_BREAK_CARE_V4"},  # a CWD sub-type on an EW line
    "MISSING_FIELD": {"Sessions": ""},
    "INVALID_VALUE": {"Sessions": "1.5"},
}


def connector() -> ProviderReturnsConnector:
    return ProviderReturnsConnector(TODAY)


async def test_returns_become_events_and_bad_rows_say_why(tmp_path, publisher):
    rows = [SESSION, MONTH, *variants(SESSION, BAD, "LineRef")]
    path = write_csv(tmp_path / "SLA-EW-01.csv", rows, COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(published, 2, BAD, "SLA-EW-01.csv row ")
    month, session = sorted(published.events, key=lambda e: e.envelope.source_record_id)
    assert (session.service, session.subtype, session.sessions, session.days) == (
        "EW",
        "COUNSELLING",
        1,
        None,
    )
    assert (
        session.period_start == session.period_end
        and session.period_start.isoformat() == "2025-09-08"
    )
    assert (session.hours_per_session, session.professional_type, session.group_session) == (
        1.5,
        "Counsellor",
        False,
    )
    assert (session.provider, session.sla_id) == ("Mindful Futures Counselling", "SLA-EW-01")
    assert (month.days, month.sessions, month.group_session) == (3.0, None, True)
    assert (month.period_start.isoformat(), month.period_end.isoformat()) == (
        "2025-09-01",
        "2025-09-30",
    )
    subject = session.envelope.subject
    assert [(i.type, i.value) for i in subject.other_ids] == [("PROVIDER_CLIENT_REF", "MFC00001")]
    assert (subject.family_name, subject.sex) == ("O'Neill", "UNKNOWN")


@pytest.mark.parametrize(
    ("service", "subtype", "consent", "basis", "shared"),
    [
        ("EW", "COUNSELLING", "Y", "EXPLICIT", True),
        ("EW", "COUNSELLING", "N", "WITHHELD", False),
        ("TP", "TEENAGE_PREGNANCY_SERVICES", "", "NOT_RECORDED", False),
        ("DA", "SMOKING_CESSATION", "N", "WITHHELD", False),
        ("FS", "MEDIATION", "", "STATUTORY", True),
        ("CWD", "DAY_CARE", "N", "STATUTORY", True),
    ],
)
async def test_consent_follows_the_service(
    tmp_path, publisher, service, subtype, consent, basis, shared
):
    row = SESSION | {"ServiceCode": service, "SubTypeCode": subtype, "ConsentToShare": consent}
    events = (
        await publish(connector(), write_csv(tmp_path / "r.csv", [row], COLUMNS), publisher, TOPIC)
    ).events
    assert (events[0].envelope.consent.basis, events[0].envelope.consent.share_child_detail) == (
        basis,
        shared,
    )


async def test_a_directory_is_read_as_one_export_in_file_name_order(tmp_path, publisher):
    write_csv(
        tmp_path / "SLA-EW-01.csv",
        [SESSION, SESSION | {"LineRef": "SLA-EW-01-000002", "Sessions": "x"}],
        COLUMNS,
    )
    write_csv(tmp_path / "SLA-CWD-01.csv", [MONTH], COLUMNS)
    (tmp_path / "notes.txt").write_text("not a return")
    rows = connector().read(tmp_path)
    assert [row.location for row in rows] == [
        "SLA-CWD-01.csv row 1",
        "SLA-EW-01.csv row 1",
        "SLA-EW-01.csv row 2",
    ]
    published = await publish(connector(), tmp_path, publisher, TOPIC)
    assert published.summary.rows_read == 3 and published.summary.balanced
    assert [dl.location for dl in published.letters] == ["SLA-EW-01.csv row 2"]


async def test_one_malformed_file_in_a_directory_publishes_nothing(tmp_path, publisher):
    write_csv(tmp_path / "SLA-CWD-01.csv", [MONTH], COLUMNS)
    write_csv(tmp_path / "SLA-EW-01.csv", [SESSION], COLUMNS[:-1])
    await assert_publishes_nothing(
        connector(), tmp_path, lambda _: None, "SLA-EW-01.csv: wrong columns", publisher, TOPIC
    )


def test_an_empty_directory_is_malformed(tmp_path):
    with pytest.raises(MalformedFileError, match="no SLA return"):
        connector().read(tmp_path)


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "SLA-EW-01.csv", [SESSION, MONTH], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_resubmitted_line_is_a_new_event(tmp_path, publisher):
    resubmitted = SESSION | {"SubmittedOn": "12/10/2025 09:00:00", "HoursPerSession": "2"}
    path = write_csv(tmp_path / "SLA-EW-01.csv", [SESSION, resubmitted], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, SESSION))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    await assert_publishes_nothing(
        connector(), tmp_path / "SLA-EW-01.csv", make, message, publisher, TOPIC
    )


async def test_more_nights_than_the_period_has_days_is_a_dead_letter_with_its_reason(
    tmp_path, publisher
):
    full = MONTH | {"LineRef": "SLA-CWD-01-000002", "Days": "30"}  # every night of September
    over = MONTH | {"LineRef": "SLA-CWD-01-000003", "Days": "34"}
    path = write_csv(tmp_path / "SLA-CWD-01.csv", [MONTH, full, over], COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(published, 2, ["NIGHTS_EXCEED_PERIOD"], "SLA-CWD-01.csv row ")
    [letter] = published.letters
    assert "days" in letter.reason and "34" not in letter.reason
