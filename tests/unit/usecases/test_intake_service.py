"""The push intake service on the in-memory log: envelope built by the hub, same validation."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.event_ids import event_id
from hub.domain.events import EVENT_MODELS
from hub.domain.examples import EXAMPLE_ID_TYPE
from hub.domain.intake_rights import DEFAULT_RIGHTS
from hub.domain.validation import EventRejectedError
from hub.topics_spec import load_topic_specs
from hub.usecases.intake import (
    CALLER_ENVELOPE_FIELDS,
    EventTypeNotAllowedError,
    Intake,
    UnknownEventTypeError,
    build_pushed_event,
    today_in_england,
)
from hub.usecases.publishing import Publisher
from tests.conftest import REPO

EXAMPLES = REPO / "schemas" / "examples"
DOC = REPO / "docs" / "intake.md"
NOW = datetime(2025, 9, 8, 17, 5, 12, 250_000, tzinfo=UTC)  # the examples' recorded_at
TODAY = date(2025, 9, 8)
SEN = "SenAssessmentRequested"


def example(event_type: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{event_type}.json").read_text(encoding="utf-8"))


def unmarked(event: dict[str, Any]) -> dict[str, Any]:
    """The example without its example mark: what a department's real event looks like."""
    copied = json.loads(json.dumps(event))
    subject = copied["envelope"]["subject"]
    subject["other_ids"] = [i for i in subject["other_ids"] if i["type"] != EXAMPLE_ID_TYPE]
    return copied


def pushed_body(event: dict[str, Any], *, as_example: bool = False) -> dict[str, Any]:
    """What a department system POSTs: the caller's envelope fields, flat, plus the rest."""
    event = event if as_example else unmarked(event)
    envelope = event["envelope"]
    own = {k: v for k, v in event.items() if k != "envelope"}
    return {k: envelope[k] for k in CALLER_ENVELOPE_FIELDS if k in envelope} | own


@pytest.fixture
def intake(codec: AvroCodec) -> tuple[Intake, InMemoryEventLog]:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})
    return Intake(Publisher(log, codec, specs)), log


def problems_of(event_type: str, body: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(EventRejectedError) as caught:
        build_pushed_event(event_type, body, "education-sen", TODAY, NOW)
    return {(p.code, p.field) for p in caught.value.problems}


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_every_documented_example_pushed_by_its_source_is_that_event(event_type: str):
    documented = example(event_type)
    source = documented["envelope"]["source_system"]
    recorded = datetime.fromisoformat(documented["envelope"]["recorded_at"])
    occurred = datetime.fromisoformat(documented["envelope"]["occurred_at"]).date()
    built = build_pushed_event(event_type, pushed_body(documented), source, occurred, recorded)
    assert built == EVENT_MODELS[event_type].model_validate(unmarked(documented))


async def test_an_example_event_is_refused_and_nothing_is_published(intake):
    service, log = intake
    body = pushed_body(example(SEN), as_example=True)
    with pytest.raises(EventRejectedError) as caught:
        await service.accept(SEN, body, "education-sen", TODAY, NOW)
    assert caught.value.code == "EXAMPLE_EVENT"
    assert not any(log._records.values())  # nothing appended to any topic


async def test_a_valid_body_is_published_with_a_deterministic_id(intake, codec):
    service, log = intake
    accepted = await service.accept(SEN, pushed_body(example(SEN)), "education-sen", TODAY, NOW)
    envelope = accepted.event.envelope  # type: ignore[attr-defined]
    assert accepted.event_id == event_id("education-sen", "SEN-REQ-1001", "1", SEN)
    assert (envelope.source_system, envelope.recorded_at, envelope.schema_version) == (
        "education-sen", NOW.replace(microsecond=250_000), 1,
    )
    records = await log.read_all(accepted.topic)
    assert [codec.decode(r.value) for r in records] == [accepted.event]


async def test_a_retry_gets_the_same_id_even_recorded_later(intake):
    service, log = intake
    body = pushed_body(example(SEN))
    first = await service.accept(SEN, body, "education-sen", TODAY, NOW)
    again = await service.accept(SEN, body, "education-sen", TODAY, NOW.replace(hour=18))
    assert again.event_id == first.event_id
    assert len(await log.read_all(first.topic)) == 2  # at least once: consumers dedupe by id


async def test_a_new_record_version_is_a_new_event(intake):
    service, _ = intake
    service.rights = DEFAULT_RIGHTS.with_overrides({"other-sen": [SEN]})
    body = pushed_body(example(SEN))
    first = await service.accept(SEN, body, "education-sen", TODAY, NOW)
    second = await service.accept(SEN, body | {"record_version": "2"}, "education-sen", TODAY,
                                  NOW)
    other_source = await service.accept(SEN, body, "other-sen", TODAY, NOW)
    assert len({first.event_id, second.event_id, other_source.event_id}) == 3


@pytest.mark.parametrize("source", ["finance", "csc", "no-such-source"])
async def test_a_source_pushing_an_event_type_it_does_not_own_publishes_nothing(intake, source):
    service, log = intake
    with pytest.raises(EventTypeNotAllowedError) as caught:
        await service.accept(SEN, pushed_body(example(SEN)), source, TODAY, NOW)
    assert (caught.value.source_system, caught.value.event_type) == (source, SEN)
    for topic, _ in service.publisher.declared:
        assert await log.read_all(topic) == []


async def test_rights_are_checked_before_the_body(intake):
    service, _ = intake
    with pytest.raises(EventTypeNotAllowedError):
        await service.accept(SEN, {"not": "even close"}, "finance", TODAY, NOW)
    with pytest.raises(UnknownEventTypeError):  # an unknown type stays unknown, not refused
        service.check_allowed("finance", "SenAssessmentWished")


async def test_a_rejected_body_publishes_nothing(intake):
    service, log = intake
    body = pushed_body(example(SEN)) | {"requested_by": "HEADTEACHER"}
    with pytest.raises(EventRejectedError):
        await service.accept(SEN, body, "education-sen", TODAY, NOW)
    for topic, _ in service.publisher.declared:
        assert await log.read_all(topic) == []


def test_an_invalid_upn_is_a_field_problem_without_the_value():
    body = pushed_body(example(SEN))
    body["subject"] = body["subject"] | {"upn": "T938203512015"}
    with pytest.raises(EventRejectedError) as caught:
        build_pushed_event(SEN, body, "education-sen", TODAY, NOW)
    assert {(p.code, p.field) for p in caught.value.problems} == {
        ("INVALID_UPN", "subject.upn")
    }
    assert "T938203512015" not in str(caught.value)


def test_missing_fields_are_named_as_the_caller_sent_them():
    body = pushed_body(example(SEN))
    del body["request_date"], body["source_record_id"], body["consent"]
    assert problems_of(SEN, body) == {
        ("MISSING_FIELD", "request_date"),
        ("MISSING_FIELD", "source_record_id"),
        ("MISSING_FIELD", "consent"),
    }


def test_an_unknown_code_is_named():
    body = pushed_body(example(SEN)) | {"requested_by": "HEADTEACHER"}
    assert problems_of(SEN, body) == {("UNKNOWN_CODE", "requested_by")}


def test_a_future_date_is_refused_by_the_same_rules_as_files():
    body = pushed_body(example(SEN)) | {"request_date": "2025-09-09"}
    assert problems_of(SEN, body) == {("FUTURE_DATE", "request_date")}


def test_fields_the_hub_sets_cannot_be_sent():
    body = pushed_body(example(SEN)) | {"event_id": "mine", "source_system": "someone-else"}
    assert problems_of(SEN, body) == {
        ("SET_BY_HUB", "event_id"), ("SET_BY_HUB", "source_system"),
    }


def test_unknown_fields_are_refused():
    body = pushed_body(example(SEN)) | {"favourite_colour": "blue"}
    assert problems_of(SEN, body) == {("INVALID_VALUE", "favourite_colour")}


def test_an_unknown_event_type_is_its_own_error():
    with pytest.raises(UnknownEventTypeError):
        build_pushed_event("SenAssessmentWished", {}, "education-sen", TODAY, NOW)


@pytest.mark.parametrize(
    ("now", "today"),
    [
        (datetime(2025, 9, 8, 23, 30, tzinfo=UTC), date(2025, 9, 9)),  # BST: already tomorrow
        (datetime(2025, 12, 8, 23, 30, tzinfo=UTC), date(2025, 12, 8)),  # GMT
    ],
)
def test_today_is_the_date_in_england(now: datetime, today: date):
    assert today_in_england(now) == today


def doc_example(marker: str) -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- intake-example:{marker}[^>]*-->\s*```json\n(.*?)```", text, re.S)
    assert found, f"docs/intake.md has no {marker} example"
    return json.loads(found.group(1))


async def test_the_documented_request_gets_the_documented_answer(intake):
    service, _ = intake
    accepted = await service.accept(SEN, doc_example("request"), "education-sen", TODAY, NOW)
    assert doc_example("response") == {"event_id": accepted.event_id, "topic": accepted.topic}
    assert accepted.event == EVENT_MODELS[SEN].model_validate(unmarked(example(SEN)))


def test_the_documented_422_is_what_a_wrong_check_letter_gets():
    body = doc_example("request")
    body["subject"] = body["subject"] | {"upn": "T938203512015"}
    with pytest.raises(EventRejectedError) as caught:
        build_pushed_event(SEN, body, "education-sen", TODAY, NOW)
    errors = [{"field": p.field, "code": p.code, "message": p.message}
              for p in caught.value.problems]
    assert doc_example("invalid-upn") == {"errors": errors}
