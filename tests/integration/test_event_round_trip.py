"""On the real broker: topics.yaml applied, one event of every type produced, read, decoded."""

from __future__ import annotations

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import KafkaEventLog, read_topic
from hub.domain.events import EVENT_MODELS
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from hub.usecases.smoke import load_examples, round_trip
from tests.conftest import REPO

pytestmark = pytest.mark.integration


async def test_every_event_type_round_trips_through_kafka(
    kafka_broker: str, topic_namespace: str, codec: AvroCodec
):
    specs = load_topic_specs(REPO / "topics.yaml", topic_namespace)
    await apply_topics(kafka_broker, specs)
    examples = load_examples(REPO / "schemas" / "examples")
    async with KafkaEventLog(kafka_broker) as log:
        results = await round_trip(Publisher(log, codec, specs), codec, examples)
    assert {r.event_type for r in results} == set(EVENT_MODELS)
    assert all(r.read_back for r in results)
    for example in examples:
        topic = next(r.topic for r in results if r.event_type == type(example).__name__)
        decoded = [codec.decode(rec.value) for rec in await read_topic(kafka_broker, topic)]
        assert example in decoded  # field for field, not just the id
