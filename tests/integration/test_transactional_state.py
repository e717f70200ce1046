"""The children stage's state writes on the real broker: a batch in one transaction is
restored whole or not at all (``hub.adapters.kafka.transactional``, read back committed only
by ``hub.adapters.kafka.log``), and a restarted writer fences a killed one's open batch."""

from __future__ import annotations

import contextlib

import pytest
from aiokafka import AIOKafkaProducer

from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.log import read_topic
from hub.adapters.kafka.transactional import transactional_writer
from hub.topics_spec import TopicSpec

pytestmark = pytest.mark.integration


def _spec(name: str) -> TopicSpec:
    return TopicSpec(name=name, partitions=3, replication_factor=1, cleanup_policy="compact",
                     key="k", value=("v",), flow="test")


def _producer(bootstrap: KafkaTarget, transactional_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(**client_kwargs(bootstrap), acks="all", enable_idempotence=True,
                            transactional_id=transactional_id)


async def test_a_committed_batch_is_read_whole_an_aborted_or_open_one_not_at_all(
    kafka_broker: KafkaTarget, topic_namespace: str,
) -> None:
    topic = f"{topic_namespace}.txn-state-changelog"
    await apply_topics(kafka_broker, [_spec(topic)])
    writer_id = f"{topic_namespace}-state"
    first = _producer(kafka_broker, writer_id)
    await first.start()
    await transactional_writer(first)([(topic, f"child-{i}", b"batch-1") for i in range(6)])
    with pytest.raises(RuntimeError):  # a failure inside the batch aborts it
        async with first.transaction():
            await first.send(topic, b"aborted", key=b"child-0")
            raise RuntimeError("the stage failed mid-batch")
    # a batch left open, as by a worker killed before committing it
    await first.begin_transaction()
    for i in range(6):
        await first.send(topic, b"left-open", key=f"child-{i}".encode())
    await first.flush()

    def latest(records: list) -> dict[str, bytes]:  # type: ignore[type-arg]
        return {r.key: r.value for r in records}

    assert latest(await read_topic(kafka_broker, topic)) == {
        f"child-{i}": b"batch-1" for i in range(6)}
    # a restarted worker (the same transactional id) fences the old one and aborts its batch
    second = _producer(kafka_broker, writer_id)
    await second.start()
    try:
        await transactional_writer(second)([(topic, "child-0", b"batch-2")])
        restored = latest(await read_topic(kafka_broker, topic))
        assert restored == {"child-0": b"batch-2", **{f"child-{i}": b"batch-1"
                                                     for i in range(1, 6)}}
    finally:
        await second.stop()
        with contextlib.suppress(Exception):  # fenced: its own stop may fail, the point
            await first.stop()
