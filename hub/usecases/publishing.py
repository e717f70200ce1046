"""Publishing events and dead letters to the topics topics.yaml declares for them."""

from __future__ import annotations

from collections.abc import Iterable

from hub.domain.dead_letter import DeadLetter
from hub.domain.events import Event
from hub.domain.examples import refuse_example
from hub.domain.minimisation import minimised
from hub.domain.routing import source_key, topic_for
from hub.ports import AckedEventLog, Codec, EventLog
from hub.topics_spec import TopicSpec


class Publisher:
    """Encodes events and appends them to their declared topic, keyed by the source's child id.

    Example events (``hub.domain.examples``) are refused (EventRejectedError, EXAMPLE_EVENT)
    unless the publisher serves a smoke namespace (``accepts_examples``).
    """

    def __init__(self, log: EventLog, codec: Codec, specs: Iterable[TopicSpec],
                 *, accepts_examples: bool = False) -> None:
        self.log = log
        self.codec = codec
        self.declared = [(spec.name, spec.value) for spec in specs]
        self.dead_letter_topic = topic_for("DeadLetter", self.declared)
        self.accepts_examples = accepts_examples

    def _prepared(self, event: Event) -> tuple[str, str, bytes]:
        """Topic, key and bytes of ``event``: an example refused outside a smoke namespace, and
        name, date of birth and postcode left out if consent is withheld."""
        if not self.accepts_examples:
            refuse_example(event)
        event = minimised(event)
        return topic_for(type(event).__name__, self.declared), source_key(event), \
            self.codec.encode(event)

    async def publish(self, event: Event) -> str:
        """Publish ``event`` (connectors and the intake both publish here)."""
        topic, key, value = self._prepared(event)
        await self.log.append(topic, key, value)
        return topic

    async def publish_acked(self, event: Event) -> str:
        """Publish one event and wait for its own acknowledgement (see AckedEventLog)."""
        if not isinstance(self.log, AckedEventLog):
            raise TypeError("this event log cannot acknowledge a single record")
        topic, key, value = self._prepared(event)
        await self.log.append_acked(topic, key, value)
        return topic

    async def dead_letter(self, letter: DeadLetter) -> None:
        await self.log.append(
            self.dead_letter_topic, letter.source_system, self.codec.encode(letter)
        )

    async def flush(self) -> None:
        await self.log.flush()
