"""The Standard Safeguarding Dataset's identity tables -> LinkedIdentifierRecorded evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.ssd import SsdConnector
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
