"""A careless or hostile source system at the push intake (``hub intake serve``, real broker).

Each refusal is a clear 4xx that names the field and rule, never the value, and publishes
nothing; nothing hostile gets a 500 or a "retry later" 503. Accepted text is NFC. Every push
is audited (``hub audit``) and counted (``/metrics``), without personal data.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import httpx
import pytest

from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.kafka.log import read_topic
from hub.adapters.keys.subject_keys import SqliteSubjectKeys
from tests.conftest import SCHEMAS
from tests.e2e.test_push_intake import Intake, pushed_body

pytestmark = pytest.mark.integration


def with_subject(**fields: str) -> dict[str, object]:
    body = pushed_body()
    body["subject"] = body["subject"] | fields
    return body


async def send(intake: Intake, key: str, content: bytes, kind: str = "application/json"
               ) -> httpx.Response:
    async with httpx.AsyncClient(base_url=intake.url, timeout=30.0) as client:
        return await client.post("/events/SenAssessmentRequested", content=content,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": kind})


def raw(body: dict[str, object]) -> bytes:
    return json.dumps(body).encode()  # ensure_ascii: a lone surrogate travels as \\ud800


@pytest.mark.parametrize(("body", "code", "field"), [
    (raw(with_subject(la_child_id="CF1\x0b00233")), "INVALID_CHARACTER", "subject.la_child_id"),
    (raw(with_subject(la_child_id="=1+1")), "INVALID_LA_CHILD_ID", "subject.la_child_id"),
    (raw(with_subject(given_name="Am\ud800elia")), "INVALID_CHARACTER", "subject.given_name"),
    (raw(with_subject(family_name="Synth\x00etic")), "INVALID_CHARACTER", "subject.family_name"),
    (raw(with_subject(postcode="ZZ99\x1b3AB")), "INVALID_CHARACTER", "subject.postcode"),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "TOO_DEEP", "body"),
    (raw(pushed_body() | {"school_urn": "1" * 20_000}), "TOO_LONG", "school_urn"),
])
async def test_hostile_bodies_are_refused_as_permanent_errors(
    intake: Intake, kafka_broker: str, topic_namespace: str, body: bytes, code: str, field: str
):
    key = intake.add_key("education-sen")
    answer = await send(intake, key, body)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["errors"]
    assert (problems[0]["code"], problems[0]["field"]) == (code, field)
    for value in ("Am", "Synth", "ZZ99", "=1+1", "CF1"):
        assert value not in answer.text
    topic = f"{topic_namespace}.cin.source.education.sen.v1"
    assert await read_topic(kafka_broker, topic) == []


async def test_wrong_content_type_is_415(intake: Intake):
    key = intake.add_key("education-sen")
    answer = await send(intake, key, raw(pushed_body()), kind="text/plain")
    assert answer.status_code == 415


async def test_accepted_text_is_nfc_and_every_push_is_audited_and_counted(
    intake: Intake, kafka_broker: str, topic_namespace: str, codec: AvroCodec
):
    key = intake.add_key("education-sen")
    decomposed = unicodedata.normalize("NFD", "Zoë")
    accepted = await send(intake, key, raw(with_subject(given_name=decomposed)))
    assert accepted.status_code == 202, accepted.text
    refused = await send(intake, key, raw(with_subject(given_name="Zo\x0b")))
    assert refused.status_code == 422
    [record] = await read_topic(kafka_broker, f"{topic_namespace}.cin.source.education.sen.v1")
    assert codec.decode(record.value).envelope.subject.given_name is None  # type: ignore[attr-defined]
    keys = SqliteSubjectKeys(Path(intake.env["HUB_HOME"]) / ".hub/state/keys/subject-keys.db")
    opened = load_codec(SCHEMAS, keys).decode(record.value)  # sealed: the hub's keys
    assert opened.envelope.subject.given_name == "Zoë"  # type: ignore[attr-defined]

    audit = intake.hub("audit", "--action", "intake.push", "--json")
    assert audit.returncode == 0, audit.stderr
    lines = [json.loads(line) for line in audit.stdout.splitlines()]
    key_id = key.partition(".")[0]
    assert [(r["actor"], r["outcome"], r["address"]) for r in lines] == [
        (f"key:{key_id}", "202", "127.0.0.1"), (f"key:{key_id}", "422", "127.0.0.1")]
    assert "Zo" not in audit.stdout

    async with httpx.AsyncClient(base_url=intake.url) as client:
        metrics = (await client.get("/metrics")).text
    assert ('hub_http_requests_total{app="intake",method="POST",'
            'route="/events/{event_type}",status="422"} 1.0') in metrics
    assert 'hub_intake_refusals_total{status="422"} 1.0' in metrics
