"""One contract, two implementations: the in-memory EventLog must behave like Kafka's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.memory.log import InMemoryEventLog
from hub.ports import EventLog
from hub.topics_spec import TopicSpec

REPO = Path(__file__).resolve().parents[2]


def _spec(name: str, partitions: int) -> TopicSpec:
    return TopicSpec(
        name=name, partitions=partitions, replication_factor=1, key="k", value=("v",), flow="test"
    )


@pytest.fixture(params=["memory", "kafka"])
async def log_and_topic(request: pytest.FixtureRequest) -> AsyncIterator[tuple[EventLog, str]]:
    topic = "contract.events"
    if request.param == "memory":
        yield InMemoryEventLog({topic: 3}), topic
        return
    bootstrap = request.getfixturevalue("kafka_broker")
    topic = f"{request.getfixturevalue('topic_namespace')}.{topic}"
    await apply_topics(bootstrap, [_spec(topic, 3)])
    async with KafkaEventLog(bootstrap) as log:
        yield log, topic


async def test_records_read_back_in_per_key_order(log_and_topic):
    log, topic = log_and_topic
    for i in range(30):
        await log.append(topic, f"child-{i % 4}", f"{i}".encode())
    await log.flush()
    records = await log.read_all(topic)
    assert len(records) == 30
    for key in {f"child-{i}" for i in range(4)}:
        values = [int(r.value) for r in records if r.key == key]
        assert values == sorted(values)
        assert len({r.partition for r in records if r.key == key}) == 1


async def test_same_key_same_partition_and_offsets_increase(log_and_topic):
    log, topic = log_and_topic
    await log.append(topic, "a", b"1")
    await log.append(topic, "a", b"2")
    await log.flush()
    first, second = [r for r in await log.read_all(topic) if r.key == "a"]
    assert first.partition == second.partition and second.offset == first.offset + 1


async def test_unknown_topic_is_an_error_not_an_empty_read(log_and_topic):
    log, _ = log_and_topic
    with pytest.raises(KeyError):
        await log.read_all("no.such.topic")
