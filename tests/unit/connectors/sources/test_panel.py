"""The resource panel connector on hand-made XML: decisions, lines, bad decisions, bad files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connectors.sources.panel import PanelConnector
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

TOPIC = "cin.source.panel.decisions.v1"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<PanelDecisions system="ResourcePanel" exported="2026-03-31T23:00:00Z" count="{count}">\n'
)
LINES = (
    '<Line no="1" service="CWD" subType="SHORT_BREAK_CARE_V4" provider="Oakfield Short Breaks" '
    'measure="D" quantity="4" amount="920.00" frequency="MONTHLY" plannedStart="2025-07-14" '
    'plannedEnd="2026-01-13"/>'
    '<Line no="2" service="CWD" subType="DIRECT_PAYMENTS" '
    'provider="In-house (Children&apos;s Services)" measure="M" quantity="" amount="80.00" '
    'frequency="WEEKLY" plannedStart="2025-07-14"/>'
)
GOOD = {
    "id": "PD-000123",
    "version": "1",
    "modified": "2025-07-08T16:30:00Z",
    "date": "2025-07-08",
    "outcome": "APPROVED",
    "csc": "412087",
    "upn": UPN,
    "nhs": NHS,
    "forename": "Jack",
    "surname": "O&apos;Neill",
    "dob": "2012-11-30",
    "sex": "M",
    "lines": LINES,
}
DECISION = (
    '<Decision id="{id}" version="{version}" lastModified="{modified}">'
    "<PanelDate>{date}</PanelDate><PanelName>Complex Needs Panel</PanelName>"
    '<Outcome>{outcome}</Outcome><Child panelChildRef="PC00045" cscId="{csc}" upn="{upn}" '
    'nhsNumber="{nhs}"><Forename>{forename}</Forename><Surname>{surname}</Surname>'
    "<DateOfBirth>{dob}</DateOfBirth><Sex>{sex}</Sex><Postcode>NX3 1AB</Postcode></Child>"
    "<Lines>{lines}</Lines></Decision>\n"
)
BAD = {
    "INVALID_UPN": {"upn": BAD_UPN},
    "INVALID_NHS_NUMBER": {"nhs": BAD_NHS},
    "INVALID_DATE": {"date": "08/07/2025"},
    "FUTURE_DATE": {"date": "2026-06-01"},
    "DOB_AFTER_EVENT": {"dob": "2025-12-01"},
    "UNKNOWN_CODE": {"lines": LINES.replace("SHORT_BREAK_CARE_V4", "SPACE_TRAVEL")},
    "MISSING_FIELD": {"outcome": ""},
}


def _export(path: Path, decisions: list[dict[str, str]], count: int | None = None) -> Path:
    body = "".join(DECISION.format(**d) for d in decisions)
    path.write_text(
        HEAD.format(count=len(decisions) if count is None else count) + body + "</PanelDecisions>\n"
    )
    return path


def connector() -> PanelConnector:
    return PanelConnector(TODAY)


async def test_decisions_become_events_with_their_service_lines(tmp_path, publisher):
    declined = GOOD | {"id": "PD-000124", "outcome": "DECLINED", "csc": "", "dob": "", "sex": ""}
    bad = [GOOD | {"id": f"PD-99900{n}"} | case for n, case in enumerate(BAD.values())]
    published = await publish(
        connector(), _export(tmp_path / "panel.xml", [GOOD, declined, *bad]), publisher, TOPIC
    )
    assert_dead_lettered(published, 2, BAD, "panel.xml decision ")
    approved, refused = sorted(published.events, key=lambda e: e.decision_id)
    assert (approved.decision, approved.decision_date.isoformat(), refused.decision) == (
        "APPROVED",
        "2025-07-08",
        "DECLINED",
    )
    days, money = approved.lines
    assert (days.line_id, days.service, days.subtype, days.volume_measure) == (
        "1",
        "CWD",
        "SHORT_BREAK_CARE_V4",
        "D",
    )
    assert (days.quantity, days.amount, days.frequency) == (4.0, Decimal("920.00"), "MONTHLY")
    assert days.planned_end.isoformat() == "2026-01-13"
    assert (money.quantity, money.amount, money.planned_end) == (None, Decimal("80.00"), None)
    assert money.provider == "In-house (Children's Services)"
    subject = approved.envelope.subject
    assert (subject.la_child_id, subject.upn, subject.family_name, subject.sex) == (
        "412087",
        UPN,
        "O'Neill",
        "MALE",
    )
    assert [(i.type, i.value) for i in subject.other_ids] == [("PANEL_CHILD_REF", "PC00045")]
    unknown = refused.envelope.subject
    assert (unknown.la_child_id, unknown.date_of_birth, unknown.sex) == (None, None, "UNKNOWN")


async def test_a_dead_letter_keeps_the_decisions_xml(tmp_path, publisher):
    path = _export(tmp_path / "panel.xml", [GOOD | BAD["UNKNOWN_CODE"]])
    letter = (await publish(connector(), path, publisher, TOPIC)).letters[0]
    assert letter.original.startswith(b'<Decision id="PD-000123"') and letter.original.endswith(
        b"</Decision>"
    )
    assert letter.original_format == "xml" and "Line[1]/@subType" in letter.reason


async def test_publishing_twice_repeats_the_same_event_ids(tmp_path, publisher):
    path = _export(tmp_path / "panel.xml", [GOOD])
    await assert_republishing_adds_no_event_ids(connector(), path, publisher, TOPIC)


async def test_a_new_version_of_a_decision_is_a_new_event(tmp_path, publisher):
    path = _export(tmp_path / "panel.xml", [GOOD, GOOD | {"version": "2", "outcome": "DEFERRED"}])
    events = (await publish(connector(), path, publisher, TOPIC)).events
    assert len(event_ids(events)) == 2
    assert {e.envelope.record_version for e in events} == {"1", "2"}


def _truncated(path: Path) -> None:
    whole = _export(path, [GOOD, GOOD]).read_text()
    path.write_text(whole[: len(whole) * 3 // 4])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(_truncated, "not well-formed", id="truncated"),
        pytest.param(
            lambda p: p.write_text("<PanelDecisions><Decision></PanelDecisions>"),
            "not well-formed",
            id="mismatched",
        ),
        pytest.param(lambda p: _export(p, [GOOD], count=2), "count is '2'", id="count-mismatch"),
        pytest.param(
            lambda p: p.write_text('<Payments count="0"/>'), "not <PanelDecisions>", id="wrong-root"
        ),
        pytest.param(
            lambda p: p.write_text(
                '<!DOCTYPE x [<!ENTITY a "aaaa">]><PanelDecisions count="0">&a;</PanelDecisions>'
            ),
            "not well-formed",
            id="entities",
        ),
        pytest.param(
            lambda p: p.write_bytes(HEAD.format(count=0).encode("latin-1") + b"\xff"),
            "not UTF-8",
            id="bad-byte",
        ),
    ],
)
async def test_malformed_files_publish_nothing(tmp_path, publisher, make, message):
    await assert_publishes_nothing(
        connector(), tmp_path / "panel.xml", make, message, publisher, TOPIC
    )
