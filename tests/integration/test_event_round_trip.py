"""On the real broker: topics.yaml applied, one event of every type produced, read, decoded;
``hub events smoke`` does it in its own namespace, and an authority's refuses examples."""

from __future__ import annotations

import asyncio

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import KafkaEventLog, read_topic
from hub.domain.events import EVENT_MODELS
from hub.domain.examples import smoke_namespace
from hub.domain.minimisation import minimised
from hub.domain.validation import EventRejectedError
from hub.entrypoints.cli import events as events_cli  # noqa: F401  (registers the command)
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from hub.usecases.smoke import load_examples, round_trip
from tests.conftest import REPO
from tests.integration.kafka_fixtures import kafka_env, run_cli

pytestmark = pytest.mark.integration


async def test_every_event_type_round_trips_through_kafka(
    kafka_broker: KafkaTarget, topic_namespace: str, codec: AvroCodec
):
    specs = load_topic_specs(REPO / "topics.yaml", topic_namespace)
    await apply_topics(kafka_broker, specs)
    examples = load_examples(REPO / "schemas" / "examples")
    async with KafkaEventLog(kafka_broker) as log:
        publisher = Publisher(log, codec, specs, accepts_examples=True)
        results = await round_trip(publisher, codec, examples)
    assert {r.event_type for r in results} == set(EVENT_MODELS)
    assert all(r.read_back for r in results)
    for example in examples:
        topic = next(r.topic for r in results if r.event_type == type(example).__name__)
        decoded = [codec.decode(rec.value) for rec in await read_topic(kafka_broker, topic)]
        # field for field, as published: consent-withheld detail left out (docs/security.md)
        assert minimised(example) in decoded


def test_the_smoke_command_keeps_examples_out_of_the_authoritys_namespace(
    kafka_broker: KafkaTarget, topic_namespace: str, codec: AvroCodec, tmp_path
):
    authority = load_topic_specs(REPO / "topics.yaml", topic_namespace)
    asyncio.run(apply_topics(kafka_broker, authority))
    (tmp_path / "topics.yaml").symlink_to(REPO / "topics.yaml")
    (tmp_path / "schemas").symlink_to(REPO / "schemas")
    env: dict[str, str | None] = {
        "HUB_HOME": str(tmp_path), "HUB_CONFIG": str(tmp_path / "hub.toml"),
        **kafka_env(kafka_broker),  # `hub events smoke` is an operator's command: the admin
        "HUB_TOPIC_NAMESPACE": topic_namespace, "HUB_SOURCE_NAMESPACE": None, "COLUMNS": "200"}
    result = run_cli(["events", "smoke"], env)
    assert result.exit_code == 0, result.output
    smoke = smoke_namespace(topic_namespace)
    assert f"in namespace {smoke}" in " ".join(result.output.split())
    sources = [s.name for s in authority if s.name.startswith(f"{topic_namespace}.cin.source.")]
    smoked = [s.name for s in load_topic_specs(REPO / "topics.yaml", smoke)
              if s.name.startswith(f"{smoke}.cin.source.")]

    async def records(names: list[str]) -> list:  # type: ignore[type-arg]
        return [codec.decode(r.value) for n in names for r in await read_topic(kafka_broker, n)]

    async def publish_in_the_authority(event) -> None:  # type: ignore[no-untyped-def]
        async with KafkaEventLog(kafka_broker) as log:
            await Publisher(log, codec, authority).publish(event)

    assert asyncio.run(records(sources)) == []  # the authority's source topics hold nothing
    found = asyncio.run(records(smoked))
    assert {type(e).__name__ for e in found} == set(EVENT_MODELS)
    with pytest.raises(EventRejectedError, match="example"):
        asyncio.run(publish_in_the_authority(found[0]))
    assert asyncio.run(records(sources)) == []
