"""The Standard Safeguarding Dataset's identity tables -> LinkedIdentifierRecorded evidence."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.ssd import SsdConnector
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolution import person_from_event
from hub.domain.identity.resolver import resolve
from hub.domain.identity.state import ResolverState
from hub.usecases.connecting import connect_file
from tests.conftest import REPO
from tests.unit.connectors.harness import TODAY, publish

SAMPLE = REPO / "connectors" / "samples" / "ssd"
TOPIC = "cin.source.csc.ssd-identifiers.v1"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ssd"
    shutil.copytree(SAMPLE, folder)
    return folder


async def test_people_and_their_linked_identifiers_become_identity_evidence(publisher):
    published = await publish(SsdConnector(TODAY), SAMPLE, publisher, TOPIC)
    assert published.summary.balanced and published.summary.rows_published == 8 + 13  # + services
    by_record = {e.envelope.source_record_id: e for e in published.events}
    person = by_record["ssd_person/CS100201"].envelope.subject
    assert (person.la_child_id, person.nhs_number, str(person.date_of_birth), person.sex) == (
        "CS100201", "9434765919", "2014-09-03", "FEMALE")
    current = by_record["ssd_linked_identifiers/L0003"]
    assert (current.envelope.subject.upn, str(current.valid_from), current.valid_to) == (
        "K938203611331", "2020-09-03", None)
    ended = by_record["ssd_linked_identifiers/L0002"].envelope.subject
    assert (ended.upn, ended.former_upn) == (None, "F938204100041")  # validity over: an alias
    assert by_record["ssd_linked_identifiers/L0004"].envelope.subject.yot_id == "YP000123"
    other = by_record["ssd_linked_identifiers/L0005"].envelope.subject.other_ids
    assert [(i.type, i.value) for i in other] == [("CASE_NUMBER", "CASE-88812")]


async def test_a_bad_date_is_dead_lettered_without_its_value(tmp_path, publisher):
    folder = _copy(tmp_path)
    path = folder / "ssd_linked_identifiers.csv"
    path.write_text(path.read_text().replace("2025-10-01 00:00:00.000", "01-Oct-2025"))
    published = await publish(SsdConnector(TODAY), folder, publisher, TOPIC)
    assert dict(published.summary.dead_letters) == {"INVALID_DATE": 1}
    assert "01-Oct-2025" not in published.letters[0].reason
    assert published.letters[0].location == "ssd_linked_identifiers.csv line 5"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: (f / "ssd_person.csv").unlink(), "no ssd_person.csv"),
        (lambda f: (f / "ssd_linked_identifiers.csv").write_text(
            "link_table_id,link_person_id,link_identifier_type\r\nL1,P1,UPN\r\n"),
         "missing columns: link_identifier_value"),
        (lambda f: (f / "ssd_person.csv").write_bytes(b"\xffpers_person_id\r\n"), "not UTF-8"),
    ],
    ids=["no-person-table", "linked-missing-column", "not-utf8"],
)
async def test_an_extract_with_wrong_tables_publishes_nothing(tmp_path, publisher, change, message):
    folder = _copy(tmp_path)
    change(folder)
    with pytest.raises(MalformedFileError, match=message):
        await connect_file(SsdConnector(TODAY), folder, publisher)
    for topic in (TOPIC, publisher.dead_letter_topic):
        assert await publisher.log.read_all(topic) == []


def test_a_nameless_person_joins_the_pupil_its_linked_upn_names():
    """An SSD person row has no name: resolved before the rows naming its UPN it could only be
    scored on date of birth and sex, and stayed apart from the child its UPN names (the
    identifier row then linked to it by the LA child id). Read after them, it joins."""
    pupil = PersonRecord(
        record_id="pupil-roll:K938203611331", source_system="pupil-roll",
        upn="K938203611331", given_name="Ada", family_name="Okafor",
        date_of_birth=date(2016, 6, 21), sex="F", postcode="NX1 1AA",
    )
    state, first = resolve(ResolverState(), pupil)
    connector = SsdConnector(TODAY)
    for row in connector.read(SAMPLE):
        for event in connector.events(row):
            state, _ = resolve(state, person_from_event(event))
    for record in ("ssd_person/CS100204", "ssd_linked_identifiers/L0003",
                   "ssd_cin_episodes/R0002/referral"):
        assert state.record_child[f"ssd:{record}"] == first.child_key, record
