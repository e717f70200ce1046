"""The one place that wires real adapters from settings."""

from __future__ import annotations

from hub.adapters.avro_codec import AvroCodec, load_codec
from hub.config import Settings
from hub.topics_spec import TopicSpec, load_topic_specs


def codec(settings: Settings) -> AvroCodec:
    return load_codec(settings.schemas_dir)


def topic_specs(settings: Settings) -> tuple[TopicSpec, ...]:
    return load_topic_specs(settings.topics_file, settings.topic_namespace)
