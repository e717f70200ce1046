"""``hub topics apply`` against a real broker: creates what is declared, reports drift, destroys
nothing. The cluster is read back here with plain aiokafka calls, not with the code under test
(on the secured session broker, ``HUB_TEST_SECURE_KAFKA=1``, as the admin: ``client_kwargs``
only turns the connection into aiokafka's keyword arguments).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from hub.adapters.kafka import admin as kafka_admin
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.topics_spec import TopicSpec, load_topic_specs
from tests.integration.conftest import REPO, free_port, run_cli

pytestmark = pytest.mark.integration

SEN = "cin.source.education.sen.v1"


def declared(namespace: str, *names: str) -> list[TopicSpec]:
    specs = load_topic_specs(REPO / "topics.yaml", namespace)
    wanted = {f"{namespace}.{name}" for name in names}
    return [spec for spec in specs if not names or spec.name in wanted]


async def describe(bootstrap: KafkaTarget, names: list[str]) -> dict[str, dict[str, Any]]:
    """name -> partitions, replication, leaders and topic configs, read with plain aiokafka."""
    admin = AIOKafkaAdminClient(**client_kwargs(bootstrap))
    await admin.start()
    try:
        topics = {t["topic"]: t for t in await admin.describe_topics() if t["topic"] in names}
        resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in topics]
        responses = await admin.describe_configs(resources) if resources else []
    finally:
        await admin.close()
    configs = {
        r["resource_name"]: {e["config_names"]: e["config_value"] for e in r["config_entries"]}
        for response in responses
        for r in response.to_object()["resources"]
    }
    return {
        name: {
            "partitions": len(t["partitions"]),
            "replication": {len(p["replicas"]) for p in t["partitions"]},
            "leaders": {p["leader"] for p in t["partitions"]},
            "configs": configs[name],
        }
        for name, t in topics.items()
    }


async def create_topic(bootstrap: KafkaTarget, name: str, partitions: int, **configs: str) -> None:
    admin = AIOKafkaAdminClient(**client_kwargs(bootstrap))
    await admin.start()
    try:
        response = await admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
    finally:
        await admin.close()
    assert [e["error_code"] for e in response.to_object()["topic_errors"]] == [0]


async def produce_one(bootstrap: KafkaTarget, topic: str) -> None:
    producer = AIOKafkaProducer(**client_kwargs(bootstrap))
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"kept", key=b"child-1")
    finally:
        await producer.stop()


async def record_count(bootstrap: KafkaTarget, topic: str, partitions: int) -> int:
    consumer = AIOKafkaConsumer(**client_kwargs(bootstrap))
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
    finally:
        await consumer.stop()
    return sum(ends.values())


async def test_apply_creates_every_declared_topic_as_declared(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    specs = declared(topic_namespace)

    report = await apply_topics(kafka_broker, specs)

    assert sorted(report.created) == sorted(spec.name for spec in specs)
    assert len(report.created) == len(specs) and not report.drift and not report.unchanged
    actual = await describe(kafka_broker, [spec.name for spec in specs])
    for spec in specs:
        topic = actual[spec.name]
        assert topic["partitions"] == spec.partitions, spec.name
        assert topic["replication"] == {spec.replication_factor}, spec.name
        assert -1 not in topic["leaders"], f"{spec.name} has a partition without a leader"
        assert topic["configs"]["cleanup.policy"] == spec.cleanup_policy, spec.name
        if spec.retention_ms is not None:
            assert topic["configs"]["retention.ms"] == str(spec.retention_ms), spec.name


async def test_second_apply_reports_no_changes(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    specs = declared(topic_namespace)
    first = await apply_topics(kafka_broker, specs)

    second = await apply_topics(kafka_broker, specs)

    assert not first.no_changes
    assert second.no_changes
    assert second.created == () and second.drift == () and second.increased == ()
    assert sorted(second.unchanged) == sorted(spec.name for spec in specs)


async def test_fewer_partitions_is_drift_and_nothing_is_destroyed(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    [spec] = declared(topic_namespace, SEN)
    await create_topic(kafka_broker, spec.name, 2, **spec.configs)
    await produce_one(kafka_broker, spec.name)

    report = await apply_topics(kafka_broker, [spec])

    [drift] = report.drift
    assert (drift.topic, drift.field) == (spec.name, "partitions")
    assert (drift.declared, drift.actual) == ("6", "2")
    assert "--increase-partitions" in drift.note
    assert report.created == () and report.increased == () and not report.no_changes
    assert (await describe(kafka_broker, [spec.name]))[spec.name]["partitions"] == 2
    assert await record_count(kafka_broker, spec.name, 2) == 1


async def test_increase_partitions_only_with_the_flag_and_keeps_records(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    [spec] = declared(topic_namespace, SEN)
    await create_topic(kafka_broker, spec.name, 2, **spec.configs)
    await produce_one(kafka_broker, spec.name)

    increased = await apply_topics(kafka_broker, [spec], increase_partitions=True)
    after = await apply_topics(kafka_broker, [spec])

    [change] = increased.increased
    assert (change.topic, change.before, change.after) == (spec.name, 2, 6)
    assert increased.drift == ()
    assert after.no_changes
    topic = (await describe(kafka_broker, [spec.name]))[spec.name]
    assert topic["partitions"] == 6 and -1 not in topic["leaders"]
    assert await record_count(kafka_broker, spec.name, 6) == 1


async def test_more_partitions_than_declared_is_drift(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    [spec] = declared(topic_namespace, "cin.hub.dead-letter.v1")  # declares 1 partition
    await create_topic(kafka_broker, spec.name, 3, **spec.configs)

    report = await apply_topics(kafka_broker, [spec], increase_partitions=True)

    assert [(d.field, d.declared, d.actual) for d in report.drift] == [("partitions", "1", "3")]
    assert report.increased == ()
    assert (await describe(kafka_broker, [spec.name]))[spec.name]["partitions"] == 3


async def test_config_mismatch_is_reported_and_left_alone(
    kafka_broker: KafkaTarget, topic_namespace: str
) -> None:
    [sen, tasks] = declared(topic_namespace, SEN, "cin.hub.tasks.v1")
    await create_topic(kafka_broker, sen.name, 6, **{"retention.ms": "3600000"})
    await create_topic(kafka_broker, tasks.name, 6, **{"retention.ms": "60000"})

    report = await apply_topics(kafka_broker, [sen, tasks])

    found = {(d.topic, d.field, d.declared, d.actual) for d in report.drift}
    assert found == {
        (sen.name, "retention.ms", "-1", "3600000"),
        (tasks.name, "cleanup.policy", "compact", "delete"),
        (tasks.name, "retention.ms", "-1", "60000"),  # topics.yaml declares every retention
    }
    actual = await describe(kafka_broker, [sen.name, tasks.name])
    assert actual[sen.name]["configs"]["retention.ms"] == "3600000"
    assert actual[tasks.name]["configs"]["cleanup.policy"] == "delete"


async def test_topic_that_appears_meanwhile_is_compared_not_reported_created(
    kafka_broker: KafkaTarget, topic_namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    [spec] = declared(topic_namespace, SEN)
    await create_topic(kafka_broker, spec.name, 2, **spec.configs)
    real_describe = kafka_admin._describe
    calls: list[object] = []

    async def first_view_is_stale(admin: Any, names: Any) -> Any:
        calls.append(names)  # as if another apply created the topic just after we looked
        return {} if len(calls) == 1 else await real_describe(admin, names)

    monkeypatch.setattr(kafka_admin, "_describe", first_view_is_stale)
    report = await apply_topics(kafka_broker, [spec])

    assert len(calls) == 2
    assert report.created == ()
    assert [(d.field, d.declared, d.actual) for d in report.drift] == [("partitions", "6", "2")]


def test_cli_apply_twice_then_list(
    kafka_broker: KafkaTarget, hub_env: dict[str, str | None], topic_namespace: str
) -> None:
    env = hub_env | {"HUB_TOPIC_NAMESPACE": topic_namespace}

    n = len(declared(topic_namespace))
    first = run_cli(["topics", "apply"], env)
    second = run_cli(["topics", "apply"], env)
    listed = run_cli(["topics", "list"], env)

    assert first.exit_code == 0, first.output
    assert f"created {topic_namespace}.{SEN}" in first.output
    assert f"{n} created, 0 increased, 0 drifting, 0 unchanged" in first.output
    assert second.exit_code == 0, second.output
    assert f"no changes: all {n} topics match topics.yaml" in second.output
    assert listed.exit_code == 0, listed.output
    assert f"{topic_namespace}.{SEN}" in listed.output
    assert listed.output.count(" ok ") == n
    assert "missing" not in listed.output and "drift" not in listed.output


def test_cli_list_shows_missing_topics(
    kafka_broker: KafkaTarget, hub_env: dict[str, str | None], topic_namespace: str
) -> None:
    listed = run_cli(["topics", "list"], hub_env | {"HUB_TOPIC_NAMESPACE": topic_namespace})

    assert listed.exit_code == 0, listed.output
    assert listed.output.count("missing") == len(declared(topic_namespace))


def test_cli_apply_fails_in_one_line_when_kafka_is_unreachable(
    hub_env: dict[str, str | None],
) -> None:
    unreachable = f"127.0.0.1:{free_port()}"

    result = run_cli(["topics", "apply"], hub_env | {"KAFKA_BOOTSTRAP_SERVERS": unreachable})

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: cannot reach Kafka at {unreachable} (KafkaConnectionError)"
    ]
    assert "Traceback" not in result.output


def test_cli_apply_fails_in_one_line_on_a_bad_topics_file(
    hub_env: dict[str, str | None], tmp_path: Path
) -> None:
    (tmp_path / "topics.yaml").write_text("topics:\n  - name: cin.x.v1\n    partitions: 0\n")

    result = run_cli(["topics", "apply"], hub_env | {"HUB_HOME": str(tmp_path)})

    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {tmp_path / 'topics.yaml'}: topic #1 (cin.x.v1): partitions")
