"""Topics are described by name, never by listing the whole cluster, and a described topic
that is missing is never created by the question; the readiness probe names none."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiokafka.protocol.metadata import MetadataResponse_v5

from hub.adapters.kafka import admin, client

_BROKER_VERSIONS = {3: (0, 12)}  # Metadata v0-v12, as Kafka 3.9 answers ApiVersions


class _Admin:
    """Answers a metadata request as a broker holding only ``topic.a`` would."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def _send_request(self, request: Any) -> Any:
        built = request.prepare(_BROKER_VERSIONS)
        self.sent.append(built)
        partition = (0, 0, 1, [1], [1], [])
        topics = [(0, "topic.a", False, [partition]) if name == "topic.a"
                  else (3, name, False, []) for name in built.topics]
        return MetadataResponse_v5(0, [(1, "localhost", 9092, None)], "c", 1, topics)


def test_the_request_names_the_topics_and_forbids_creating_them() -> None:
    fake = _Admin()
    found = asyncio.run(admin._topic_metadata(fake, ["topic.b", "topic.a", "topic.a"]))
    (request,) = fake.sent
    assert request.topics == ["topic.a", "topic.b"]  # named: not the whole cluster (None)
    assert request.allow_auto_topic_creation is False
    assert [t["topic"] for t in found] == ["topic.a"]  # the unknown one counts as absent


def test_nothing_to_describe_sends_nothing() -> None:
    fake = _Admin()
    assert asyncio.run(admin._topic_metadata(fake, [])) == []
    assert fake.sent == []  # an empty list would mean "every topic" to older brokers


def test_the_readiness_question_names_no_topic(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake = _Admin()

    @contextlib.asynccontextmanager
    async def connected(bootstrap: str, timeout_s: float) -> AsyncIterator[_Admin]:
        yield fake

    monkeypatch.setattr(client, "admin_client", connected)
    assert asyncio.run(client.cluster_answers("localhost:9092"))
    (request,) = fake.sent
    assert request.topics == []  # not None: that would ask for every topic of the cluster
