"""The CIN census XML connector: schema checks, the events a file states, incremental import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.cin_census import CinCensusConnector
from hub.census.cin import build_cin_census
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.import_ledger import Held
from hub.domain.routing import topic_for
from hub.usecases.census_import import CensusImport, import_cin_census
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from tests.unit.connectors.harness import BAD_UPN, TODAY
from tests.unit.connectors.sources.cin_census_files import SAMPLE, edited, facts, sample_text, write

YEAR = CensusYear.parse("2025-26")
FIRST_UPN = "T938203512014"


def _connector() -> CinCensusConnector:
    return CinCensusConnector(TODAY)


def _events(path: Path) -> list[CscStatusChanged]:
    connector = _connector()
    return [e for row in connector.read(path) for e in connector.events(row)]  # type: ignore[misc]


async def _topic(publisher: Publisher, name: str) -> list[object]:
    return [publisher.codec.decode(r.value) for r in await publisher.log.read_all(name)]


async def _import(path: Path, publisher: Publisher) -> CensusImport:
    topic = topic_for("CscStatusChanged", publisher.declared)
    held = Held.of(await _topic(publisher, topic), "cin-census")
    return await import_cin_census(_connector(), path, publisher, held)


# --- what a file states ------------------------------------------------------------------------


def test_the_sample_restated_by_the_census_builder_has_the_same_children_and_dates():
    compiled = build_cin_census(_events(SAMPLE), YEAR, la_code="999")
    assert facts(compiled) == facts(SAMPLE.read_bytes())


def test_every_module_becomes_its_status_change():
    changes = sorted((e.change.value, e.effective_date.isoformat()) for e in _events(SAMPLE)
                     if e.envelope.subject.la_child_id == "CS100201")
    assert changes == [
        ("ASSESSMENT_COMPLETED", "2025-06-10"), ("ASSESSMENT_STARTED", "2025-05-13"),
        ("CP_PLAN_STARTED", "2025-06-18"), ("CP_REVIEW", "2025-09-10"),
        ("CP_REVIEW", "2026-03-04"), ("REFERRAL_OPENED", "2025-05-12"),
        ("S47_STARTED", "2025-06-02"),
    ]


def test_identifiers_and_characteristics_are_identity_evidence_on_every_event():
    events = [e for e in _events(SAMPLE) if e.envelope.subject.la_child_id == "CS100203"]
    assert {(e.envelope.subject.upn, e.envelope.subject.former_upn) for e in events} == {
        ("H938203611210", "T938203512099")
    }
    opened = next(e for e in events if e.change.value == "REFERRAL_OPENED")
    assert (opened.ethnicity, opened.disabilities) == ("AIND", ("AUT", "COMM"))
    assert {e.envelope.source_system for e in events} == {"cin-census"}


def test_a_2024_25_file_is_read_against_the_2024_25_schema(tmp_path):
    path = edited(tmp_path / "cin.xml", ("<Year>2026</Year>", "<Year>2025</Year>"))
    connector = _connector()
    assert len(list(connector.read(path))) == 5
    assert connector.year == 2025


def test_the_file_is_streamed_child_by_child():
    rows = _connector().read(SAMPLE)
    assert not isinstance(rows, list)
    assert next(iter(rows)).location == "cin_census.xml child 1 (line 21)"


# --- files that must be refused ----------------------------------------------------------------

Make = Callable[[Path], Path]
REFUSED: list[tuple[str, Make, str]] = [
    ("2026-27", lambda p: edited(p, ("<Year>2026</Year>", "<Year>2027</Year>")),
     r"a 2026-27 census file \(Header Year 2027\); the hub holds the DfE schema for 2024-25, "
     r"2025-26 only"),
    ("2023-24", lambda p: edited(p, ("<Year>2026</Year>", "<Year>2024</Year>")),
     "a 2023-24 census file"),
    ("gender-current", lambda p: edited(p, ("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>")),
     r"line 26, element <GenderCurrent> belongs to the 2023-24 or earlier .*looks like a 2023-24"
     " or earlier file"),
    ("pre-proceedings", lambda p: edited(
        p, ("</ChildProtectionPlans>", "</ChildProtectionPlans>\n<PreProceedingsandFGDM/>")),
     "looks like a 2026-27 file"),
    ("bad-upn", lambda p: edited(p, (FIRST_UPN, "A1234")),
     r"line 24 fails the 2025-26 CIN census schema: Element 'UPN': \[facet 'pattern'\]"),
    ("bad-code", lambda p: edited(p, ("<ReferralSource>2A", "<ReferralSource>2Z")),
     "line 36 fails the 2025-26 CIN census schema: Element 'ReferralSource'"),
    ("missing-nfa", lambda p: edited(p, ("<ReferralNFA>0</ReferralNFA>", "")),
     "fails the 2025-26 CIN census schema: Element 'ChildProtectionPlans': This element is not"),
    ("truncated", lambda p: write(p, sample_text()[:3000]), "not well-formed XML"),
    ("no-year", lambda p: edited(p, ("<Year>2026</Year>", "")), "no Header/CollectionDetails/Year"),
    ("doctype", lambda p: write(p, sample_text().replace(
        "<Message>", '<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Message>', 1)
        .replace("Case System", "&x;")), "a DOCTYPE is not allowed"),
]


@pytest.mark.parametrize(("make", "message"), [pytest.param(m, msg, id=i) for i, m, msg in REFUSED])
async def test_a_refused_file_publishes_nothing(tmp_path, publisher, make, message):
    path = make(tmp_path / "cin.xml")
    with pytest.raises(MalformedFileError, match=message) as refused:
        await connect_file(_connector(), path, publisher)
    assert "A1234" not in str(refused.value) and "2Z" not in str(refused.value)
    for topic in (topic_for("CscStatusChanged", publisher.declared), publisher.dead_letter_topic):
        assert await publisher.log.read_all(topic) == []


def test_a_file_of_another_year_than_asked_is_refused_with_its_year():
    with pytest.raises(MalformedFileError, match=r"this is a 2025-26 census file .*not 2024-25"):
        CinCensusConnector(TODAY, year=2025).read(SAMPLE)


# --- row-level problems and incremental import -------------------------------------------------


async def test_a_child_whose_upn_fails_its_check_letter_is_dead_lettered_alone(tmp_path, publisher):
    path = edited(tmp_path / "cin.xml", (FIRST_UPN, BAD_UPN))
    summary = await connect_file(_connector(), path, publisher)
    assert (summary.rows_read, summary.rows_published, dict(summary.dead_letters)) == (
        5, 4, {"INVALID_UPN": 1})
    letter = (await _topic(publisher, publisher.dead_letter_topic))[0]
    assert letter.location == "cin.xml child 1 (line 21)"  # type: ignore[attr-defined]
    assert BAD_UPN not in letter.reason  # type: ignore[attr-defined]


async def test_importing_the_same_extract_again_adds_no_event(tmp_path, publisher):
    first = await _import(SAMPLE, publisher)
    again = await _import(SAMPLE, publisher)
    assert first.summary.events_published == 28 and first.disappeared == []
    assert (again.summary.events_published, again.summary.events_already_held) == (0, 28)
    assert again.disappeared == []


async def test_a_later_extract_adds_only_what_changed_and_reports_a_lost_referral(
    tmp_path, publisher
):
    topic = topic_for("CscStatusChanged", publisher.declared)
    await _import(SAMPLE, publisher)
    before = {e.envelope.event_id for e in await _topic(publisher, topic)}  # type: ignore[attr-defined]
    start = sample_text().index("<CINdetails>\n        <CINreferralDate>2025-10-10")
    end = sample_text().index("</CINdetails>", start) + len("</CINdetails>")
    later = edited(
        tmp_path / "later.xml",
        ("<DateTime>2026-04-20T09:15:00</DateTime>", "<DateTime>2026-05-04T08:00:00</DateTime>"),
        ("<PrimaryNeedCode>N1</PrimaryNeedCode>\n        <Assessments>",
         "<PrimaryNeedCode>N1</PrimaryNeedCode>\n        <CINclosureDate>2026-03-20</CINclosure"
         "Date>\n        <ReasonForClosure>RC7</ReasonForClosure>\n        <Assessments>"),
        ("<CPPstartDate>2025-06-18</CPPstartDate>",
         "<CPPstartDate>2025-06-18</CPPstartDate>\n          <CPPendDate>2026-03-20</CPPendDate>"),
        (sample_text()[start:end], ""),
    )
    result = await _import(later, publisher)
    new = [e for e in await _topic(publisher, topic) if e.envelope.event_id not in before]  # type: ignore[attr-defined]
    assert sorted(e.change.value for e in new) == ["CP_PLAN_ENDED", "REFERRAL_CLOSED"]  # type: ignore[attr-defined]
    assert result.disappeared == ["CS100204/2025-10-10"]
    compiled = build_cin_census(await _topic(publisher, topic), YEAR, la_code="999")  # type: ignore[arg-type]
    assert "CS100204" in facts(compiled)  # kept on the topic: reported, for the LA to correct
