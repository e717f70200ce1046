"""Fixtures for the connector tests: a publisher onto an in-memory log of every declared topic."""

from __future__ import annotations

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from tests.conftest import REPO


@pytest.fixture
def publisher(codec: AvroCodec) -> Publisher:
    specs = load_topic_specs(REPO / "topics.yaml")
    return Publisher(InMemoryEventLog({s.name: s.partitions for s in specs}), codec, specs)
