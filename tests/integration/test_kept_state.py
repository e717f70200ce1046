"""The children stage's kept state files on the real broker: a restarted table reads only the
changelog records written after its file was last kept, and a file kept for a topic that was
deleted and made again is dropped and the new topic read whole
(``hub.entrypoints.worker.state_table.KeptBytes``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.transactional import transactional_writer
from hub.entrypoints.worker.state_table import KeptBytes, StateTable, kept_or_temporary
from hub.topics_spec import TopicSpec

pytestmark = pytest.mark.integration


def _spec(name: str) -> TopicSpec:
    return TopicSpec(name=name, partitions=3, replication_factor=1, cleanup_policy="compact",
                     key="k", value=("v",), flow="test")


async def test_a_kept_table_reads_only_what_came_after_it_and_drops_a_remade_topic(
    kafka_broker: KafkaTarget, topic_namespace: str, tmp_path: Path,
) -> None:
    topic = f"{topic_namespace}.kept-state-changelog"
    await apply_topics(kafka_broker, [_spec(topic)])
    producer = AIOKafkaProducer(**client_kwargs(kafka_broker), acks="all",
                                enable_idempotence=True, transactional_id=f"{topic_namespace}-s")
    await producer.start()
    write = transactional_writer(producer)

    def table() -> StateTable[str]:
        return StateTable(topic, bytes.decode, str.encode, kept_or_temporary(tmp_path))

    try:
        first = table()
        assert isinstance(first._raw, KeptBytes)
        assert await first.restore(kafka_broker) == 0
        for batch in range(3):
            for i in range(20):
                first.set(f"child-{i}", f"batch-{batch}")
            first.written(await write(first.changelog()))
        first.set("child-0", "never committed")  # a batch the process dies before writing
        first.changelog()
        first.close()
        # committed in Kafka after the file was last kept (killed between the two commits)
        await write([(topic, "child-1", b"late"), (topic, "child-99", b"new")])

        again = table()
        assert await again.restore(kafka_broker) == 21
        assert again.read_at_restore == 2
        assert (again.get("child-0"), again.get("child-1"), again.get("child-99")) == (
            "batch-2", "late", "new")
        again.close()

        async with admin_client(kafka_broker) as admin:
            await admin.delete_topics([topic])
        await apply_topics(kafka_broker, [_spec(topic)])
        await write([(topic, f"child-{i}", b"remade") for i in range(5)])
        remade = table()
        assert await remade.restore(kafka_broker) == 5
        assert remade.read_at_restore == 5
        assert remade.get("child-0") == "remade" and remade.get("child-9") is None
        remade.close()
    finally:
        await producer.stop()


async def test_a_table_kept_on_an_empty_changelog_restarts_on_it(
    kafka_broker: KafkaTarget, topic_namespace: str, tmp_path: Path,
) -> None:
    """Every partition kept at offset 0: nothing to confirm, nothing to read."""
    topic = f"{topic_namespace}.kept-empty-changelog"
    await apply_topics(kafka_broker, [_spec(topic)])
    for _ in range(2):
        table = StateTable(topic, bytes.decode, str.encode, kept_or_temporary(tmp_path))
        assert await table.restore(kafka_broker) == 0 and table.read_at_restore == 0
        table.close()
