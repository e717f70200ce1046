"""The push intake as a department system meets it: ``hub intake serve`` running for real.

Each test starts the server as a subprocess with ``hub intake serve`` on a free port, pointed
by environment at the session's real Kafka broker and at private topics, mints keys with
``hub intake add-key``, speaks HTTP with httpx and reads the topic back from Kafka.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.domain.event_ids import event_id
from hub.topics_spec import load_topic_specs
from tests.integration.kafka_fixtures import REPO, free_port

pytestmark = pytest.mark.e2e

HUB = Path(sys.executable).parent / "hub"
SEN = "SenAssessmentRequested"
EXAMPLE = json.loads((REPO / "schemas" / "examples" / f"{SEN}.json").read_text(encoding="utf-8"))
EXAMPLE["envelope"]["subject"]["other_ids"] = [  # a department's event: no example mark
    i for i in EXAMPLE["envelope"]["subject"]["other_ids"] if i["type"] != "HUB_EXAMPLE"]
CALLER_FIELDS = ("source_record_id", "record_version", "occurred_at", "subject", "consent")
LOG_KEYS = {"event", "level", "timestamp", "event_type", "status", "event_id", "source"}


def pushed_body() -> dict[str, Any]:
    envelope, own = EXAMPLE["envelope"], {k: v for k, v in EXAMPLE.items() if k != "envelope"}
    return {k: envelope[k] for k in CALLER_FIELDS} | own


def personal_values() -> list[str]:
    subject = EXAMPLE["envelope"]["subject"]
    named = ("given_name", "family_name", "date_of_birth", "postcode", "upn", "nhs_number")
    return [subject[k] for k in named] + [other["value"] for other in subject["other_ids"]]


@dataclass
class Intake:
    url: str
    env: dict[str, str]
    log_file: Path

    def hub(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(HUB), *args], env=self.env, capture_output=True, text=True,
                              timeout=60, check=False)

    def add_key(self, source: str) -> str:
        done = self.hub("intake", "add-key", source)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def log_lines(self) -> list[dict[str, Any]]:
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def hub_env(home: Path, bootstrap: str, namespace: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "KAFKA_"))}
    return env | {
        "HUB_HOME": str(home), "HUB_CONFIG": str(home / "hub.toml"),
        "HUB_TOPIC_NAMESPACE": namespace, "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
    }


async def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_file: Path) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=2.0) as client:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail(f"intake server exited:\n{log_file.read_text(encoding='utf-8')}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    pytest.fail("intake server did not become healthy in 30 s")


@pytest.fixture
async def intake(
    kafka_broker: str, topic_namespace: str, tmp_path: Path
) -> AsyncIterator[Intake]:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    await apply_topics(kafka_broker, load_topic_specs(home / "topics.yaml", topic_namespace))
    env, port = hub_env(home, kafka_broker, topic_namespace), free_port()
    log_file = tmp_path / "server.log"
    with log_file.open("wb") as sink:
        server = subprocess.Popen(
            [str(HUB), "intake", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, server, log_file)
        yield Intake(url, env, log_file)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def post(
    intake: Intake, key: str | None, body: Any, event_type: str = SEN,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    headers = headers or ({"Authorization": f"Bearer {key}"} if key else {})
    headers = {"Content-Type": "application/json"} | headers
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with httpx.AsyncClient(base_url=intake.url, timeout=30.0) as client:
        return await client.post(f"/events/{event_type}", content=content, headers=headers)


async def test_a_valid_event_is_on_the_topic_when_202_answers(
    intake: Intake, kafka_broker: str, topic_namespace: str, codec: AvroCodec
):
    key = intake.add_key("education-sen")
    answer = await post(intake, key, pushed_body())
    assert answer.status_code == 202, answer.text
    expected_id = event_id("education-sen", "SEN-REQ-1001", "1", SEN)
    topic = f"{topic_namespace}.cin.source.education.sen.v1"
    assert answer.json() == {"event_id": expected_id, "topic": topic}
    [record] = await read_topic(kafka_broker, topic)  # no waiting: 202 means flushed
    event = codec.decode(record.value)
    assert event.envelope.event_id == expected_id  # type: ignore[attr-defined]
    assert event.envelope.source_system == "education-sen"  # type: ignore[attr-defined]
    assert event.model_dump(mode="json", exclude={"envelope"}) == {
        k: v for k, v in EXAMPLE.items() if k != "envelope"
    }


async def test_a_retried_request_gets_the_same_event_id(
    intake: Intake, kafka_broker: str, codec: AvroCodec
):
    key = intake.add_key("education-sen")
    first, retry = await post(intake, key, pushed_body()), await post(intake, key, pushed_body())
    assert (first.status_code, retry.status_code) == (202, 202)
    assert retry.json() == first.json()
    records = await read_topic(kafka_broker, first.json()["topic"])
    ids = [codec.decode(r.value).envelope.event_id for r in records]  # type: ignore[attr-defined]
    assert ids == [first.json()["event_id"]] * 2  # at least once, one id: consumers dedupe


async def test_an_invalid_body_gets_field_errors_and_no_values(intake: Intake):
    key = intake.add_key("education-sen")
    body = pushed_body() | {"requested_by": "HEADTEACHER"}
    del body["request_date"]
    answer = await post(intake, key, body)
    assert answer.status_code == 422
    assert {(e["field"], e["code"]) for e in answer.json()["errors"]} == {
        ("requested_by", "UNKNOWN_CODE"), ("request_date", "MISSING_FIELD"),
    }
    bad_upn = pushed_body()
    bad_upn["subject"] = bad_upn["subject"] | {"upn": "T938203512015"}
    answer = await post(intake, key, bad_upn)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("subject.upn", "INVALID_UPN")
    assert set(error) == {"field", "code", "message"}
    assert "T938203512015" not in answer.text


async def test_missing_unknown_wrong_and_revoked_keys_get_the_same_401(intake: Intake):
    key = intake.add_key("education-sen")
    key_id, _, secret = key.partition(".")
    refused = [
        await post(intake, None, pushed_body()),
        await post(intake, f"{key_id}.{secret[::-1]}", pushed_body()),
        await post(intake, f"{'0' * 16}.{secret}", pushed_body()),
    ]
    assert intake.hub("intake", "revoke", key_id).returncode == 0
    refused.append(await post(intake, key, pushed_body()))
    assert {(r.status_code, r.text) for r in refused} == {
        (401, '{"error":"missing or invalid API key"}')
    }
    other = intake.add_key("education-sen")
    via_header = await post(intake, None, pushed_body(), headers={"X-API-Key": other})
    assert via_header.status_code == 202
    listed = intake.hub("intake", "list-keys").stdout
    assert key_id in listed and "revoked" in listed
    assert secret not in listed and other.partition(".")[2] not in listed


async def test_not_json_unknown_type_and_oversized_bodies(intake: Intake):
    key = intake.add_key("education-sen")
    assert (await post(intake, key, b"{not json")).status_code == 400
    assert (await post(intake, key, b"[1, 2]")).status_code == 400
    assert (await post(intake, key, pushed_body(), event_type="SenWished")).status_code == 404
    oversized = json.dumps(pushed_body() | {"padding": "x" * (1024 * 1024)}).encode()
    assert (await post(intake, key, oversized)).status_code == 413


async def test_the_log_names_requests_but_never_the_child(intake: Intake):
    key = intake.add_key("education-sen")
    await post(intake, key, pushed_body())
    bad = pushed_body()
    bad["subject"] = bad["subject"] | {"upn": "T938203512015"}
    await post(intake, key, bad)
    await post(intake, None, pushed_body())
    text = intake.log_file.read_text(encoding="utf-8")
    for value in [*personal_values(), "T938203512015"]:
        assert value not in text
    requests = [line for line in intake.log_lines() if line.get("event") == "intake request"]
    assert [line["status"] for line in requests] == [202, 422, 401]
    assert all(set(line) == LOG_KEYS for line in requests)


async def test_a_source_may_push_only_the_event_types_it_owns(
    intake: Intake, kafka_broker: str, topic_namespace: str
):
    refused = intake.hub("intake", "add-key", "push-sen")  # a source that may push nothing
    assert refused.returncode == 1 and "may push no event types" in refused.stderr
    finance = intake.add_key("finance")
    answer = await post(intake, finance, pushed_body())
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "this source system may not send this event type",
        "source_system": "finance", "event_type": SEN,
    }
    assert await read_topic(kafka_broker, f"{topic_namespace}.cin.source.education.sen.v1") == []
    [refusal] = [line for line in intake.log_lines()
                 if line.get("event") == "intake event type not allowed"]
    assert set(refusal) == {"event", "level", "timestamp", "key_id", "source", "event_type"}
    assert (refusal["key_id"], refusal["source"], refusal["event_type"]) == (
        finance.partition(".")[0], "finance", SEN,
    )
    text = intake.log_file.read_text(encoding="utf-8")
    assert not [value for value in personal_values() if value in text]
    shown = intake.hub("intake", "rights").stdout
    finance_row = next(line for line in shown.splitlines() if "│ finance " in line)
    assert "PaymentMade" in finance_row and SEN not in finance_row
