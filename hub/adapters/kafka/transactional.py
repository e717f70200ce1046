"""Writes that land together or not at all: a Kafka transaction over a batch of records.

The children stage makes a batch's state durable this way (its changelog records: each
child's record and the owners of what it sent), so a worker killed while writing leaves
either the whole batch's state or none of it; the restore reads committed records only
(``hub.adapters.kafka.log``). One transactional id per worker app: a restarted worker
fences its killed predecessor and aborts the batch it left open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer

Send = tuple[str, str, bytes]  # topic, key, value


def transactional_writer(producer: AIOKafkaProducer) -> Callable[[list[Send]], Awaitable[None]]:
    """``write(sends)``: every record of ``sends`` in one transaction, committed on return."""

    async def write(sends: list[Send]) -> None:
        async with producer.transaction():
            for topic, key, value in sends:
                await producer.send(topic, value, key=key.encode())

    return write
