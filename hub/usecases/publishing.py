"""Publishing events and dead letters to the topics topics.yaml declares for them."""

from __future__ import annotations

from collections.abc import Iterable

from hub.adapters.avro.codec import AvroCodec
from hub.domain.dead_letter import DeadLetter
from hub.domain.events import Event
from hub.domain.routing import source_key, topic_for
from hub.ports import AckedEventLog, EventLog
from hub.topics_spec import TopicSpec


class Publisher:
    """Encodes events and appends them to their declared topic, keyed by the source's child id."""

    def __init__(self, log: EventLog, codec: AvroCodec, specs: Iterable[TopicSpec]) -> None:
        self.log = log
        self.codec = codec
        self.declared = [(spec.name, spec.value) for spec in specs]
        self.dead_letter_topic = topic_for("DeadLetter", self.declared)

    async def publish(self, event: Event) -> str:
        topic = topic_for(type(event).__name__, self.declared)
        await self.log.append(topic, source_key(event), self.codec.encode(event))
        return topic

    async def publish_acked(self, event: Event) -> str:
        """Publish one event and wait for its own acknowledgement (see AckedEventLog)."""
        if not isinstance(self.log, AckedEventLog):
            raise TypeError("this event log cannot acknowledge a single record")
        topic = topic_for(type(event).__name__, self.declared)
        await self.log.append_acked(topic, source_key(event), self.codec.encode(event))
        return topic

    async def dead_letter(self, letter: DeadLetter) -> None:
        await self.log.append(
            self.dead_letter_topic, letter.source_system, self.codec.encode(letter)
        )

    async def flush(self) -> None:
        await self.log.flush()
