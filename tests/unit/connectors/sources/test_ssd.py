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
from tests.unit.connectors.harness import NHS, TODAY, UPN, publish, write_csv

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


async def test_a_deployed_extract_names_the_person_and_the_address_gives_the_postcode(
        tmp_path, publisher):
    """The deployed extracts' person table (PERS015A, PERS016A, PERS006A, PERS013A) names the
    child; ``ssd_address`` adds the postcode of the address open on the extract's day, and each
    address is evidence of its own: the person's names with that postcode. An address row its
    event cannot carry is a dead letter and gives the person row nothing."""
    folder = tmp_path / "ssd"
    folder.mkdir()
    write_csv(folder / "ssd_person.csv", [
        {"pers_person_id": "CS1", "pers_forename": "Ada", "pers_surname": "Okafor",
         "pers_sex": "F", "pers_dob": "2016-06-21 00:00:00.000", "pers_upn": UPN.lower(),
         "pers_single_unique_id": NHS},
        {"pers_person_id": "CS2", "pers_sex": "M"},
        {"pers_person_id": "CS3", "pers_forename": "Bo", "pers_surname": "Li", "pers_sex": "M",
         "pers_dob": "2024-05-01", "pers_upn": "UN1"},  # a reason in the UPN column: none held
    ], ("pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_dob", "pers_upn",
        "pers_single_unique_id"))
    write_csv(folder / "ssd_address.csv", [
        {"addr_table_id": "A1", "addr_person_id": "CS1", "addr_address_postcode": "nx1 1aa",
         "addr_address_start": "2020-01-01", "addr_address_end": "2024-01-01"},
        {"addr_table_id": "A2", "addr_person_id": "CS1", "addr_address_postcode": "NX2 2BB",
         "addr_address_start": "2024-01-02", "addr_address_end": ""},
        {"addr_table_id": "A3", "addr_person_id": "CS1", "addr_address_postcode": "NX3 3CC",
         "addr_address_start": "2030-01-01", "addr_address_end": ""},  # not yet: a dead letter
        {"addr_table_id": "A4", "addr_person_id": "CS2", "addr_address_postcode": "NX4 4DD",
         "addr_address_start": "someday", "addr_address_end": ""},  # a dead letter
        {"addr_table_id": "A5", "addr_person_id": "CS1", "addr_address_postcode": "NX5\x07 5EE",
         "addr_address_start": "2025-01-01", "addr_address_end": ""},  # a dead letter
        {"addr_table_id": "A6", "addr_person_id": "CS3", "addr_address_postcode": "NX6 6FF",
         "addr_address_start": "2023-01-01", "addr_address_end": "2027-01-01"},  # before birth
    ], ("addr_table_id", "addr_person_id", "addr_address_start", "addr_address_end",
        "addr_address_postcode"))
    published = await publish(SsdConnector(TODAY), folder, publisher, TOPIC)
    assert published.summary.balanced and published.summary.rows_published == 3 + 3
    assert dict(published.summary.dead_letters) == {
        "INVALID_DATE": 1, "FUTURE_DATE": 1, "INVALID_CHARACTER": 1}
    assert not [dl for dl in published.letters if "someday" in dl.reason]
    by_record = {e.envelope.source_record_id: e for e in published.events}
    ada, other, bo = (by_record[f"ssd_person/{p}"].envelope.subject for p in ("CS1", "CS2", "CS3"))
    assert (ada.given_name, ada.family_name, ada.upn, ada.nhs_number, ada.postcode) == (
        "Ada", "Okafor", UPN, NHS, "NX2 2BB")
    assert (other.given_name, other.postcode) == (None, None)
    assert (bo.upn, bo.postcode) == (None, "NX6 6FF")
    moved_from = by_record["ssd_address/A1"].envelope.subject
    assert (moved_from.la_child_id, moved_from.given_name, moved_from.family_name,
            str(moved_from.date_of_birth), moved_from.sex, moved_from.postcode) == (
        "CS1", "Ada", "Okafor", "2016-06-21", "FEMALE", "NX1 1AA")
    assert moved_from.upn is None and moved_from.nhs_number is None  # the person row's alone
    unborn = by_record["ssd_address/A6"]  # dated from the birth, held until a day to come
    assert (str(unborn.envelope.occurred_at.date()), str(unborn.valid_to)) == (
        "2024-05-01", "2027-01-01")


def test_a_connector_read_twice_keeps_no_address_of_the_first_folder(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        write_csv(folder / "ssd_person.csv", [{"pers_person_id": "CS1"}], ("pers_person_id",))
    write_csv(first / "ssd_address.csv", [
        {"addr_table_id": "A1", "addr_person_id": "CS1", "addr_address_postcode": "NX1 1AA"}],
        ("addr_table_id", "addr_person_id", "addr_address_postcode"))
    connector = SsdConnector(TODAY)
    list(connector.read(first))
    rows = list(connector.read(second))
    assert [e.envelope.subject.postcode for r in rows for e in connector.events(r)] == [None]
