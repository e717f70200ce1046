"""Unauthenticated requests cannot buy the intake's CPU: after 20 failed authentications an
address is refused 429 before any key is hashed (the real Starlette app, an in-memory key
store that counts its hashing)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.api_keys import InMemoryApiKeyStore
from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.rate_limit import FAILED_AUTH
from hub.entrypoints.web.intake.app import create_app
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from tests.conftest import REPO


class CountingKeys(InMemoryApiKeyStore):
    hashed = 0

    def authenticate(self, presented: str) -> str | None:
        self.hashed += 1
        return super().authenticate(presented)


@pytest.fixture
def intake(codec: AvroCodec) -> Iterator[tuple[TestClient, CountingKeys, str]]:
    keys = CountingKeys()
    good = keys.add("education-sen", datetime.now(UTC))
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({s.name: s.partitions for s in specs})

    @asynccontextmanager
    async def publisher() -> AsyncIterator[Publisher]:
        yield Publisher(log, codec, specs)

    with TestClient(create_app(publisher, keys)) as client:
        yield client, keys, good


def push(client: TestClient, key: str) -> int:
    return client.post("/events/SenAssessmentRequested", content=b"{}",
                       headers={"Authorization": f"Bearer {key}",
                                "Content-Type": "application/json"}).status_code


def test_300_bad_keys_from_one_address_cost_20_hashes(intake):
    client, keys, _good = intake
    started = time.monotonic()
    statuses = [push(client, f"{n:016x}.not-the-secret") for n in range(300)]
    refilled = (time.monotonic() - started) * FAILED_AUTH.per_second  # one back every 5 s
    assert statuses[:FAILED_AUTH.burst] == [401] * FAILED_AUTH.burst
    assert set(statuses[FAILED_AUTH.burst:]) <= {401, 429}
    assert keys.hashed == statuses.count(401) <= FAILED_AUTH.burst + refilled + 1
    print(f"300 bad keys: {keys.hashed} hashed, {statuses.count(429)} refused unhashed "
          f"in {time.monotonic() - started:.1f} s")
    limited = client.post("/events/SenAssessmentRequested", content=b"{}",
                          headers={"Authorization": "Bearer x"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "not-the-secret" not in limited.text
    metrics = client.get("/metrics").text
    assert 'hub_intake_refusals_total{status="429"}' in metrics


def test_a_good_key_is_not_limited_by_its_own_successes(intake):
    client, _keys, good = intake
    statuses = [push(client, good) for _ in range(30)]
    assert 401 not in statuses and 429 not in statuses  # 422: the empty body, after auth
