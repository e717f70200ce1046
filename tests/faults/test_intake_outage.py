"""The push intake with its broker stopped under load, then started again (a real broker).

This test stops and starts the fault suite's own broker (``own_broker``,
tests/faults/conftest.py; the session's shared broker is never stopped), serves
``hub intake serve`` against it as a subprocess and pushes concurrently:

- while the broker is down every push is answered 503 with ``Retry-After`` within 5 s, and
  the pushes do not queue behind each other (ten at once take about as long as one);
- ``/healthz`` stays 200 (alive) while ``/readyz`` is 503 naming the broker;
- when the broker is back, ``/readyz`` returns to 200 and pushes are accepted again with no
  restart; each accepted event is on its topic, and a retried event keeps its id;
- meanwhile a client that never finishes its request head is cut off after about 10 s, and
  one that never sends its body is answered 408 after about 10 s.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.broker.local import LocalBroker
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.config import Settings
from hub.topics_spec import load_topic_specs
from tests.e2e.test_push_intake import HUB, Intake, hub_env, pushed_body, wait_until_healthy
from tests.faults.slow_clients import beside
from tests.integration.kafka_fixtures import REPO, free_port

pytestmark = pytest.mark.integration
NAMESPACE = "outage"
SEN_TOPIC = f"{NAMESPACE}.cin.source.education.sen.v1"


@pytest.fixture
async def intake(own_broker: tuple[LocalBroker, Settings], tmp_path: Path
                 ) -> AsyncIterator[Intake]:
    _, settings = own_broker
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    await apply_topics(settings.bootstrap, load_topic_specs(home / "topics.yaml", NAMESPACE))
    env, port = hub_env(home, settings.bootstrap, NAMESPACE), free_port()
    log_file = tmp_path / "server.log"
    with log_file.open("wb") as sink:
        server = subprocess.Popen(
            [str(HUB), "intake", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, server, log_file)
        yield Intake(url, env, log_file)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def body(n: int) -> dict[str, object]:
    return pushed_body() | {"source_record_id": f"SEN-OUTAGE-{n}"}


async def push(client: httpx.AsyncClient, key: str, n: int) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = await client.post("/events/SenAssessmentRequested", json=body(n),
                               headers={"Authorization": f"Bearer {key}"})
    return answer, time.monotonic() - started


async def test_broker_stopped_under_load_then_back(
    intake: Intake, own_broker: tuple[LocalBroker, Settings], codec: AvroCodec
) -> None:
    broker, settings = own_broker
    key = intake.add_key("education-sen")
    slow = asyncio.create_task(beside(intake.url, "/events/SenAssessmentRequested",
                                            "application/json",
                                            f"Authorization: Bearer {key}\r\n"))
    async with httpx.AsyncClient(base_url=intake.url, timeout=30.0) as client:
        before, _ = await push(client, key, 0)
        assert before.status_code == 202, before.text
        assert (await client.get("/readyz")).status_code == 200
        healthy = await asyncio.gather(*(push(client, key, n) for n in range(100, 110)))
        assert {a.status_code for a, _ in healthy} == {202}
        print(f"202 latencies, ten at once: {[round(t, 2) for _, t in healthy]}")

        broker.stop()
        try:
            started = time.monotonic()
            answers = await asyncio.gather(*(push(client, key, n) for n in range(1, 11)))
            wall = time.monotonic() - started
            for answer, took in answers:
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"].isdigit()
                assert took < 5.0, f"503 took {took:.2f} s: {[round(t, 2) for _, t in answers]}"
            assert wall < 7.0, f"ten pushes at once took {wall:.2f} s: they queued"
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["broker"] == "down"
            print(f"503 latencies: max {max(t for _, t in answers):.2f} s, wall {wall:.2f} s")
        finally:
            broker.start(timeout_s=120.0)

        for _ in range(120):  # resumes by itself: no restart of the intake
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.5)
        retried = [await push(client, key, n) for n in range(1, 11)]
        for answer, _ in retried:
            assert answer.status_code == 202, answer.text

    on_topic = {codec.decode(r.value).envelope.event_id  # type: ignore[attr-defined]
                for r in await read_topic(settings.bootstrap, SEN_TOPIC)}
    accepted = {before.json()["event_id"], *(a.json()["event_id"] for a, _ in retried)}
    assert accepted <= on_topic
    assert len(accepted) == 11
    cut = await slow
    print(f"slow clients: head cut off after {cut.head_closed_after_s:.1f} s, body answered "
          f"{cut.body_answer.strip()!r} after {cut.body_answered_after_s:.1f} s")
    assert 9.0 < cut.head_closed_after_s < 15.0
    assert cut.body_answer.startswith(b"HTTP/1.1 408") and 9.0 < cut.body_answered_after_s < 15.0
