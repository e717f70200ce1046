"""Issue 10: ``hub replay --name X`` refuses a namespace that already holds records.

On the shared session broker, a namespace of this test's own gets one declared topic holding
three records (one carrying a made-up name) and a committed offset for its resolver group.
The replay must exit with code 2, name the namespace, the topic with its count and the group,
show nothing of the records, and create nothing (no replay folder, no database, no topics).
A namespace whose topics exist but hold nothing is accepted by the same check.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from hub.adapters.kafka.admin import apply_topics, describe_topics
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.config import Settings
from hub.domain.replay_namespace import NamespaceUse, replay_refusal
from hub.entrypoints.cli import replay as replay_cli
from hub.topics_spec import load_topic_specs
from tests.integration.kafka_fixtures import run_cli

pytestmark = pytest.mark.integration
TOPIC = "cin.hub.resolved-events.v1"
MARKER = "Zebedee Quaintance"  # a made-up name in a record's value: never in the refusal


async def _one_topic(target: KafkaTarget, settings: Settings, namespace: str) -> str:
    spec = next(s for s in load_topic_specs(settings.topics_file, namespace)
                if s.name == f"{namespace}.{TOPIC}")
    await apply_topics(target, [spec])
    return spec.name


async def _fill(target: KafkaTarget, topic: str, group: str) -> None:
    producer = AIOKafkaProducer(**client_kwargs(target), acks="all")
    await producer.start()
    try:
        for i in range(3):
            await producer.send_and_wait(topic, f'{{"name": "{MARKER}", "n": {i}}}'.encode(),
                                         key=b"child-1", partition=0)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(**client_kwargs(target), group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): OffsetAndMetadata(1, "")})
    finally:
        await consumer.stop()


def test_a_namespace_holding_records_is_refused_with_exit_2_and_nothing_created(
        kafka_broker, kafka_settings, hub_env, topic_namespace):
    started = time.monotonic()
    ns = topic_namespace
    assert asyncio.run(replay_cli._namespace_use(kafka_settings, ns)).empty  # unknown to Kafka
    topic = asyncio.run(_one_topic(kafka_broker, kafka_settings, ns))
    use = asyncio.run(replay_cli._namespace_use(kafka_settings, ns))
    assert use.records == {topic: 0} and use.empty  # exists, holds nothing: accepted
    assert replay_refusal(ns, current="", source="", use=use) is None

    asyncio.run(_fill(kafka_broker, topic, f"{ns}-cin-hub-resolver"))
    result = run_cli(["replay", "--year", "2025-26", "--name", ns, "--no-validate"], hub_env)
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"namespace {ns} is not empty" in said
    assert f"{topic} (3 records)" in said
    assert f"consumer group {ns}-cin-hub-resolver committed offsets" in said
    assert "pick a new --name" in said
    assert MARKER not in result.output and "child-1" not in result.output
    assert not (kafka_settings.state_dir / "replays" / ns).exists()
    others = asyncio.run(describe_topics(
        kafka_broker, [s.name for s in load_topic_specs(kafka_settings.topics_file, ns)]))
    assert set(others) == {topic}  # the refusal created none of the namespace's topics
    print(f"replay namespace refusal test: {time.monotonic() - started:.1f} s")


def test_the_namespace_use_reads_nothing_as_records_for_a_fresh_name(kafka_settings, kafka_broker):
    use = asyncio.run(replay_cli._namespace_use(kafka_settings, "never-used-namespace-x"))
    assert use == NamespaceUse({}, ())
