"""The one place that wires real adapters from settings."""

from __future__ import annotations

from hub.adapters.avro_codec import AvroCodec, load_codec
from hub.config import Settings
from hub.topics_spec import TopicSpec, load_topic_specs


def codec(settings: Settings) -> AvroCodec:
    return load_codec(settings.schemas_dir)


def topic_specs(settings: Settings) -> tuple[TopicSpec, ...]:
    """Declared topics; a cluster's ``HUB_REPLICATION_FACTOR`` raises every topic's to it."""
    specs = load_topic_specs(settings.topics_file, settings.topic_namespace)
    factor = settings.replication_factor
    return tuple(
        s.model_copy(update={"replication_factor": factor}) if factor > s.replication_factor else s
        for s in specs
    )
