"""An event log for one-off senders (the staff CLI): it connects to Kafka on the first append."""

from __future__ import annotations

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import KafkaEventLog
from hub.ports import LogRecord


class KafkaOnFirstAppend:
    """An EventLog that connects to Kafka only to send: a refused command needs no broker."""

    def __init__(self, bootstrap_servers: KafkaTarget) -> None:
        self.bootstrap = bootstrap_servers
        self._kafka: KafkaEventLog | None = None  # its producer is made on first use only

    async def _started(self) -> KafkaEventLog:
        if self._kafka is None:
            kafka = KafkaEventLog(self.bootstrap, client_id="cin-hub-staff-cli")
            try:
                await kafka.__aenter__()
            except BaseException as exc:  # stop the half-started producer, then say why
                await kafka.__aexit__(type(exc), exc, exc.__traceback__)
                raise
            self._kafka = kafka
        return self._kafka

    async def append(self, topic: str, key: str, value: bytes) -> None:
        await (await self._started()).append(topic, key, value)

    async def flush(self) -> None:
        if self._kafka is not None:
            await self._kafka.flush()

    async def read_all(self, topic: str) -> list[LogRecord]:
        return await (await self._started()).read_all(topic)

    async def close(self) -> None:
        if self._kafka is not None:
            await self._kafka.__aexit__(None, None, None)
