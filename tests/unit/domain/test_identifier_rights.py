"""Identity rights per source: what a source may assert, capped other_ids, per-key limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.dead_letter import DeadLetter
from hub.domain.events.common import ChildSubject, TypedIdentifier
from hub.domain.identifier_rights import DEFAULT_IDENTIFIERS, identifier_problems
from hub.domain.intake_rights import DEFAULT_ALLOWED
from hub.domain.rate_limit import RateLimit, take
from hub.domain.validation import EventRejectedError
from hub.topics_spec import load_topic_specs
from hub.usecases.intake import Intake
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.unit.usecases.test_intake_service import example, pushed_body

NOW = datetime(2025, 9, 8, 17, 5, 12, 250_000, tzinfo=UTC)
TODAY = date(2025, 9, 8)


def test_every_source_has_identifier_rights_and_only_csc_systems_hold_the_la_child_id() -> None:
    assert set(DEFAULT_ALLOWED) <= set(DEFAULT_IDENTIFIERS)  # cin-census is a file, never pushed
    holders = {s for s, ids in DEFAULT_IDENTIFIERS.items() if "la_child_id" in ids}
    # panel and finance are CSC's own systems; the CIN census, SSDA903 and SSD are its extracts
    assert holders == {"csc", "panel", "finance", "cin-census", "ssda903", "ssd"}
    # the SSD's linked identifiers are CSC's copy of the YOT's number
    assert {s for s, ids in DEFAULT_IDENTIFIERS.items() if "yot_id" in ids} == {"yot", "ssd"}


def test_an_assertion_beyond_rights_and_too_many_other_ids_are_problems() -> None:
    subject = ChildSubject(la_child_id="LA1", upn="A123456789012")
    assert [(p.code, p.field) for p in identifier_problems("education-sen", subject)] == [
        ("IDENTIFIER_NOT_ALLOWED", "envelope.subject.la_child_id")]
    assert identifier_problems("csc", subject) == []
    flood = ChildSubject(other_ids=tuple(
        TypedIdentifier(type="MIS_PUPIL_ID", value=str(i)) for i in range(10_000)))
    assert [p.code for p in identifier_problems("education-sen", flood)] == ["TOO_MANY_OTHER_IDS"]
    foreign = ChildSubject(other_ids=(TypedIdentifier(type="ECAF_ID", value="E1"),))
    assert [p.field for p in identifier_problems("education-sen", foreign)] == [
        "envelope.subject.other_ids[0].type"]


async def test_the_intake_refuses_and_dead_letters_an_la_child_id_from_education(
    codec: AvroCodec,
) -> None:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})
    intake = Intake(Publisher(log, codec, specs))
    body = pushed_body(example("SenAssessmentRequested"))
    body["subject"] = {**body["subject"], "la_child_id": "CSC-000123"}
    with pytest.raises(EventRejectedError) as refused:
        await intake.accept("SenAssessmentRequested", body, "education-sen", TODAY, NOW)
    assert refused.value.code == "IDENTIFIER_NOT_ALLOWED"
    assert await log.read_all("cin.source.education.sen.v1") == []
    letters = [codec.decode(r.value) for r in await log.read_all("cin.hub.dead-letter.v1")]
    assert len(letters) == 1 and isinstance(letters[0], DeadLetter)
    assert letters[0].reason_code == "IDENTIFIER_NOT_ALLOWED"
    assert "CSC-000123" not in letters[0].reason  # the reason names the field, never the value


def test_a_key_gets_its_burst_then_its_rate() -> None:
    limit = RateLimit(per_second=2.0, burst=3)
    bucket, waits = None, []
    for _ in range(4):
        bucket, wait = take(limit, bucket, 100.0)
        waits.append(wait)
    assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] == pytest.approx(0.5)
    bucket, wait = take(limit, bucket, 100.5)
    assert wait == 0.0
