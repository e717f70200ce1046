"""The pupil roll: School Census pupil-level CSV -> PupilOnRoll, identity evidence only."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import MalformedFileError
from connectors.sources.pupil_roll import PupilRollConnector
from hub.domain.events import PupilOnRoll
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.domain.routing import topic_for
from hub.topics_spec import load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from hub.usecases.worker_steps import Incoming, Router, identity_step
from tests.conftest import REPO
from tests.unit.connectors.harness import BAD_UPN, TODAY, publish

SAMPLE = REPO / "connectors" / "samples" / "pupil_roll.csv"
TOPIC = "cin.source.education.pupil-roll.v1"


def _sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


async def test_every_pupil_becomes_identity_evidence(publisher):
    published = await publish(PupilRollConnector(TODAY), SAMPLE, publisher, TOPIC)
    assert published.summary.balanced and published.summary.rows_published == 5
    first = next(e for e in published.events if e.envelope.subject.upn == "T938203512014")
    assert isinstance(first, PupilOnRoll)
    subject = first.envelope.subject
    assert (subject.given_name, subject.family_name, str(subject.date_of_birth), subject.sex) == (
        "Amelia", "Synthetic-Aldous", "2014-09-03", "FEMALE")
    assert (first.school_laestab, str(first.entry_date), first.sen_provision) == (
        "9382001", "2018-09-05", "N")
    moved = next(e for e in published.events if e.envelope.subject.upn == "D938204100028")
    assert (moved.envelope.subject.former_upn, str(moved.leaving_date)) == (
        "B938204100017", "2025-07-18")


async def test_column_names_are_matched_whatever_their_case_and_gender_stands_for_sex(
    tmp_path, publisher
):
    lines = _sample_lines()
    lines[0] = lines[0].lower().replace("sex", "Gender")
    published = await publish(PupilRollConnector(TODAY), _write(tmp_path / "roll.csv", lines),
                              publisher, TOPIC)
    assert published.summary.rows_published == 5
    assert {e.envelope.subject.sex for e in published.events} == {"FEMALE", "MALE"}


async def test_republishing_the_roll_repeats_its_event_ids(publisher):
    first = await connect_file(PupilRollConnector(TODAY), SAMPLE, publisher)
    again = await connect_file(PupilRollConnector(TODAY), SAMPLE, publisher)
    assert first.events_published == again.events_published == 5
    records = await publisher.log.read_all(TOPIC)
    assert len({publisher.codec.decode(r.value).envelope.event_id for r in records}) == 5


async def test_bad_rows_are_dead_lettered_with_their_reason_and_no_value(tmp_path, publisher):
    lines = _sample_lines()
    lines[1] = lines[1].replace("T938203512014", BAD_UPN)
    lines[2] = lines[2].replace("2016-06-21", "21/13/2016")
    lines[3] = lines[3].replace(",M,", ",X,")
    published = await publish(PupilRollConnector(TODAY), _write(tmp_path / "roll.csv", lines),
                              publisher, TOPIC)
    assert published.summary.balanced and published.summary.rows_published == 2
    assert dict(published.summary.dead_letters) == {
        "INVALID_UPN": 1, "INVALID_DATE": 1, "UNKNOWN_CODE": 1}
    reasons = " ".join(letter.reason for letter in published.letters)
    assert BAD_UPN not in reasons and "21/13/2016" not in reasons
    assert {letter.location for letter in published.letters} == {
        "roll.csv line 2", "roll.csv line 3", "roll.csv line 4"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ls: [ls[0].replace(",DOB,", ",BirthDate,"), *ls[1:]], "missing columns: DOB"),
        (lambda ls: [*ls[:-1], ls[-1][: len(ls[-1]) // 2]], "line 6 has .* cells, the header 14"),
        (lambda ls: [ls[0].replace("Surname", "UPN"), *ls[1:]], "column UPN appears twice"),
        (lambda ls: [""], "empty"),
    ],
    ids=["missing-column", "truncated", "duplicate-column", "empty"],
)
async def test_a_file_with_wrong_structure_publishes_nothing(tmp_path, publisher, change, message):
    lines = change(_sample_lines())
    path = _write(tmp_path / "roll.csv", lines) if lines != [""] else tmp_path / "roll.csv"
    if lines == [""]:
        path.write_text("")
    with pytest.raises(MalformedFileError, match=message):
        await connect_file(PupilRollConnector(TODAY), path, publisher)
    for topic in (TOPIC, publisher.dead_letter_topic):
        assert await publisher.log.read_all(topic) == []


async def test_a_file_not_in_utf8_publishes_nothing(tmp_path, publisher):
    path = tmp_path / "roll.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(MalformedFileError, match="not UTF-8"):
        await connect_file(PupilRollConnector(TODAY), path, publisher)
    assert await publisher.log.read_all(TOPIC) == []


def test_the_rows_are_streamed_not_read_whole():
    rows = PupilRollConnector(TODAY).read(SAMPLE)
    assert not isinstance(rows, list)
    assert next(iter(rows)).location == "pupil_roll.csv line 2"


def test_the_worker_resolves_a_pupil_and_forwards_nothing(codec):
    router = Router(codec, list(load_topic_specs(REPO / "topics.yaml")))
    [row, *_] = PupilRollConnector(TODAY).read(SAMPLE)
    [event] = PupilRollConnector(TODAY).events(row)
    publisher_topic = topic_for("PupilOnRoll", router.declared)
    resolution = Resolution()
    message = Incoming(publisher_topic, 0, 1, "upn:x", codec.encode(event))
    sent = router.sends(message, identity_step(resolution, router.arrive(message)))
    assert [topic for topic, _, _ in sent] == [router.topic("IdentityDecisionMade")]
    assert isinstance(codec.decode(sent[0][2]), IdentityDecisionMade)
    assert resolution.state.record_child  # the pupil's record is now linked to a child


def test_a_publisher_routes_the_roll_to_its_own_topic(publisher: Publisher):
    assert topic_for("PupilOnRoll", publisher.declared) == TOPIC
