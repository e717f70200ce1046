"""The SSD's service tables (data-to-insight/ssd-data-model, data/objects/*.yml) -> the events
the worker consumes: CIN episodes, early help, SEND and EHCP requests, assessments and plans."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.registry import CONNECTORS
from connectors.sources.ssd import SsdConnector
from connectors.sources.ssd_services import LAYOUTS
from connectors.standard_registry import STANDARD_CONNECTORS
from hub.domain.routing import topic_for
from hub.usecases.connecting import connect_file
from tests.conftest import REPO
from tests.unit.connectors.harness import TODAY

SAMPLE = REPO / "connectors" / "samples" / "ssd"
TYPES = ("LinkedIdentifierRecorded", "CscStatusChanged", "CafCompleted", "CafClosed",
         "SenAssessmentRequested", "SenAssessmentOutcome", "SenStatementChanged")


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ssd"
    shutil.copytree(SAMPLE, folder)
    return folder


async def _all(publisher) -> tuple[list, list]:
    topics = {topic_for(t, publisher.declared) for t in TYPES}
    events = [publisher.codec.decode(r.value)
              for topic in sorted(topics) for r in await publisher.log.read_all(topic)]
    letters = [publisher.codec.decode(r.value)
               for r in await publisher.log.read_all(publisher.dead_letter_topic)]
    return events, letters


async def test_each_service_table_becomes_the_events_the_worker_consumes(publisher):
    summary = await connect_file(SsdConnector(TODAY), SAMPLE, publisher)
    events, letters = await _all(publisher)
    assert summary.balanced and letters == []
    assert summary.rows_read == 8 + 2 + 2 + 2 + 2 + 1 + 1 + 2 + 1
    by_record = {e.envelope.source_record_id: e for e in events}
    assert Counter(type(e).__name__ for e in events if e.envelope.source_record_id.split("/")[0]
                   not in ("ssd_person", "ssd_linked_identifiers")) == {
        "CscStatusChanged": 3, "CafCompleted": 2, "CafClosed": 1, "LinkedIdentifierRecorded": 1,
        "SenAssessmentRequested": 2, "SenAssessmentOutcome": 2, "SenStatementChanged": 1}

    opened = by_record["ssd_cin_episodes/R0002/referral"]
    closed = by_record["ssd_cin_episodes/R0002/closure"]
    assert (opened.change, opened.effective_date, opened.csc_episode_id, opened.primary_need,
            opened.referral_source) == ("REFERRAL_OPENED", date(2025, 6, 10),
                                        "CS100204/2025-06-10", "N4", "1A")
    assert (closed.change, closed.effective_date, closed.closure_reason) == (
        "REFERRAL_CLOSED", date(2025, 7, 1), "RC8")
    assert opened.envelope.subject.la_child_id == "CS100204"

    young = by_record["ssd_early_help_episodes/EH0001"]
    assert (young.caf_id, young.completed_date, young.team, young.needs) == (
        "EH0001", date(2025, 4, 14), "Early Help North", ("EMOTIONAL_HEALTH",))
    assert young.envelope.subject.date_of_birth == date(2023, 2, 14)  # from ssd_person
    done = by_record["ssd_early_help_episodes/EH0002/closed"]
    assert (done.closed_date, done.closure_reason) == (date(2025, 9, 30), "NEEDS_MET")
    assert by_record["ssd_early_help_episodes/EH0002"].needs == ("DOMESTIC_ABUSE",)

    upn = by_record["ssd_send/S0001"]
    assert (upn.envelope.subject.la_child_id, upn.envelope.subject.upn) == (
        "CS100201", "T938203512014")
    request = by_record["ssd_ehcp_requests/Q0001"]  # reaches the person through ssd_send
    assert (request.envelope.subject.la_child_id, request.request_date, request.invites_csc) == (
        "CS100201", date(2025, 4, 22), False)
    declined = by_record["ssd_ehcp_requests/Q0002/declined"]
    assert (declined.envelope.subject.la_child_id, declined.outcome, declined.decision_date) == (
        "CS100202", "ASSESSMENT_DECLINED", date(2025, 7, 1))
    issued = by_record["ssd_ehcp_assessment/A0001"]  # services from ssd_sen_need via the plan
    assert (issued.outcome, issued.decision_date, issued.services) == (
        "STATEMENT_ISSUED", date(2025, 9, 1),
        ("SPECIFIC_LEARNING_DISABILITIES", "SPECIFIC_PHYSICAL_DISABILITIES"))
    assert "ssd_ehcp_named_plan/NP0001" not in by_record  # its issue is the assessment's
    moved = by_record["ssd_ehcp_named_plan/NP0001/ceased"]
    assert (moved.change, moved.change_date, moved.envelope.subject.la_child_id) == (
        "TRANSFERRED_OUT", date(2026, 3, 2), "CS100201")


async def test_a_historical_plan_is_issued_on_its_start_and_a_reimport_repeats_the_ids(
        tmp_path, publisher):
    folder = _copy(tmp_path)
    path = folder / "ssd_ehcp_assessment.csv"
    path.write_text(path.read_text().replace("2025-09-01 00:00:00.000,Y", ",H"))
    await connect_file(SsdConnector(TODAY), folder, publisher)
    first, _ = await _all(publisher)
    by_record = {e.envelope.source_record_id: e for e in first}
    in_force = by_record["ssd_ehcp_named_plan/NP0001"]
    assert (in_force.outcome, in_force.decision_date) == ("STATEMENT_ISSUED", date(2025, 9, 1))
    assert "ssd_ehcp_assessment/A0001" not in by_record
    await connect_file(SsdConnector(TODAY), folder, publisher)
    again, _ = await _all(publisher)
    assert {e.envelope.event_id for e in again} == {e.envelope.event_id for e in first}


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "column"),
    [
        ("ssd_ehcp_requests.csv", "Q0002,S0002", "Q0002,S0099", "UNKNOWN_REFERENCE",
         "ehcr_send_table_id"),
        ("ssd_ehcp_named_plan.csv", "NP0001,A0001", "NP0001,A0099", "UNKNOWN_REFERENCE",
         "ehcn_ehcp_asmt_id"),
        ("ssd_sen_need.csv", "P0001,PD", "P0001,XYZ", "UNKNOWN_CODE",
         "senn_active_ehcp_need_type"),
        ("ssd_cin_episodes.csv", "N4,1A", "N4,9Z", "UNKNOWN_CODE", "cine_referral_source_code"),
        ("ssd_cin_episodes.csv", "R0001,CS100201,2025-05-02 00:00:00.000",
         "R0001,CS100201,02-May-2025", "INVALID_DATE", "cine_referral_date"),
        ("ssd_early_help_episodes.csv", "EH0001,CS100202,2025-04-14 00:00:00.000",
         "EH0001,CS100202,", "MISSING_FIELD", "earl_episode_start_date"),
        ("ssd_ehcp_assessment.csv", "00:00:00.000,Y", "00:00:00.000,Q", "UNKNOWN_CODE",
         "ehca_ehcp_assessment_outcome"),
    ],
    ids=["request-unknown-send", "plan-unknown-assessment", "need-unknown", "source-unknown",
         "referral-bad-date", "eh-no-start", "assessment-bad-outcome"],
)
async def test_a_bad_row_is_a_dead_letter_with_its_reason_and_no_value(
        tmp_path, publisher, file, old, new, code, column):
    folder = _copy(tmp_path)
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    summary = await connect_file(SsdConnector(TODAY), folder, publisher)
    _, letters = await _all(publisher)
    assert summary.balanced and dict(summary.dead_letters) == {code: 1}
    (letter,) = letters
    assert letter.location.startswith(file) and column in letter.reason
    for value in ("S0099", "A0099", "XYZ", "9Z", "02-May-2025", "CS100202", "CS100201"):
        assert value not in letter.reason


@pytest.mark.parametrize("table", sorted(LAYOUTS))
async def test_a_table_lacking_a_column_is_refused_naming_file_and_column_publishing_nothing(
        tmp_path, publisher, table):
    folder = _copy(tmp_path)
    path = folder / f"{table}.csv"
    column = LAYOUTS[table].required[-1]
    header, *rest = path.read_text().split("\r\n")
    path.write_text("\r\n".join([header.replace(column, column + "_x"), *rest]))
    with pytest.raises(MalformedFileError, match=rf"{table}\.csv: .*missing columns: {column}"):
        await connect_file(SsdConnector(TODAY), folder, publisher)
    events, letters = await _all(publisher)
    assert events == [] and letters == []


async def test_a_truncated_service_table_publishes_nothing(tmp_path, publisher):
    folder = _copy(tmp_path)
    path = folder / "ssd_early_help_episodes.csv"
    path.write_text(path.read_text() + "EH0003,CS100204\r\n")
    with pytest.raises(MalformedFileError, match=r"ssd_early_help_episodes\.csv: line 4"):
        await connect_file(SsdConnector(TODAY), folder, publisher)
    events, letters = await _all(publisher)
    assert events == [] and letters == []


def test_formats_md_lists_every_format_and_each_ssd_table_with_its_required_columns():
    text = (REPO / "connectors" / "FORMATS.md").read_text(encoding="utf-8")
    index = text[text.index("## Every format the hub reads"):text.index("## The hub's own")]
    for source in {*CONNECTORS, *STANDARD_CONNECTORS}:
        assert f"| `{source}` |" in index, source
    for table, layout in LAYOUTS.items():
        assert f"`{table}`" in text, table
        for column in layout.required:
            assert f"**`{column}`**" in text, (table, column)
