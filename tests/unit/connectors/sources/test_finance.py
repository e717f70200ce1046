"""The finance connector on hand-made exports: payments, Oracle-style dates, bad rows, bad files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.sources.finance import COLUMNS, FinanceConnector
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

TOPIC = "cin.source.finance.payments.v1"
GOOD = {
    "PaymentRef": "PAY00000001",
    "ClientRef": "CL0000001",
    "CSCRef": "412087",
    "ClientName": "O'NEILL, Mary Ann",
    "ClientDOB": "03-OCT-2012",
    "ClientPostcode": "NX18 3GJ",
    "PaymentType": "SHORT_BREAK_V4",
    "Amount": "920.00",
    "PeriodFrom": "01-SEP-2025",
    "PeriodTo": "30-SEP-2025",
    "PaymentDate": "05-OCT-2025",
    "Payee": "Oakfield Short Breaks",
    "PanelDecisionRef": "PD-000123",
    "CostCentre": "CWD-SB",
    "LastUpdated": "06-OCT-2025 14:33:48",
}
NO_CSC_ID = GOOD | {
    "PaymentRef": "PAY00000002",
    "CSCRef": "",
    "ClientName": "SMITH",
    "ClientDOB": "",
    "PaymentType": "SECTION_17",
    "PanelDecisionRef": "",
    "PeriodTo": "01-SEP-2025",
}
BAD = {
    "INVALID_DATE": {"PaymentDate": "05-Oct-2025"},  # the month is always upper case
    "FUTURE_DATE": {"PaymentDate": "05-OCT-2026"},
    "DOB_AFTER_EVENT": {"ClientDOB": "06-OCT-2025"},
    "UNKNOWN_CODE": {"PaymentType": "BITCOIN"},
    "MISSING_FIELD": {"Amount": ""},
    "INVALID_VALUE": {"PeriodTo": "31-AUG-2025"},  # ends before it starts
}


def connector() -> FinanceConnector:
    return FinanceConnector(TODAY)


async def test_payments_become_events_and_bad_rows_say_why(tmp_path, publisher):
    rows = [GOOD, NO_CSC_ID, *variants(GOOD, BAD, "PaymentRef")]
    path = write_csv(tmp_path / "finance_payments.csv", rows, COLUMNS)
    published = await publish(connector(), path, publisher, TOPIC)
    assert_dead_lettered(published, 2, BAD, "finance_payments.csv row ")
    reasons = {dl.reason_code: dl.reason for dl in published.letters}
    assert (
        reasons["INVALID_DATE"]
        == "PaymentDate: is not a real date in the form dd-MON-yyyy[ HH:MM:SS]"
    )
    paid, adhoc = sorted(published.events, key=lambda e: e.payment_id)
    assert (paid.payment_kind, paid.amount, paid.payee, paid.panel_decision_id) == (
        "SHORT_BREAK_V4",
        Decimal("920.00"),
        "Oakfield Short Breaks",
        "PD-000123",
    )
    assert (paid.period_start.isoformat(), paid.period_end.isoformat()) == (
        "2025-09-01",
        "2025-09-30",
    )
    assert paid.envelope.occurred_at.date().isoformat() == "2025-10-05"
    subject = paid.envelope.subject
    assert (subject.la_child_id, subject.family_name, subject.given_name) == (
        "412087",
        "O'NEILL",
        "Mary Ann",
    )
    assert subject.date_of_birth.isoformat() == "2012-10-03"
    assert [(i.type, i.value) for i in subject.other_ids] == [("FINANCE_CLIENT_REF", "CL0000001")]
    other = adhoc.envelope.subject
    assert (other.la_child_id, other.family_name, other.given_name, other.date_of_birth) == (
        None,
        "SMITH",
        None,
        None,
    )
    assert adhoc.panel_decision_id is None


@pytest.mark.parametrize(
    "month", ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
)
async def test_every_month_is_read(tmp_path, publisher, month):
    row = GOOD | {"ClientDOB": f"28-{month}-2012", "LastUpdated": f"28-{month}-2025 10:00:00"}
    events = (
        await publish(connector(), write_csv(tmp_path / "f.csv", [row], COLUMNS), publisher, TOPIC)
    ).events
    assert events[0].envelope.subject.date_of_birth.strftime("%b").upper() == month


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = write_csv(tmp_path / "finance_payments.csv", [GOOD, NO_CSC_ID], COLUMNS)
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_payment_is_a_new_event(tmp_path, publisher):
    edited = GOOD | {"LastUpdated": "07-OCT-2025 09:00:00", "Amount": "880.00"}
    path = write_csv(tmp_path / "finance_payments.csv", [GOOD, edited], COLUMNS)
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.amount for e in events} == {Decimal("920.00"), Decimal("880.00")}


@pytest.mark.parametrize(("make", "message"), csv_malformations(COLUMNS, GOOD))
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    path = tmp_path / "finance_payments.csv"
    await assert_publishes_nothing(connector(), path, make, message, publisher, TOPIC)
