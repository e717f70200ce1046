"""Writes that land together or not at all: a Kafka transaction over a batch of records.

The children stage makes a batch's state durable this way (its changelog records: each
child's record and the owners of what it sent), so a worker killed while writing leaves
either the whole batch's state or none of it; the restore reads committed records only
(``hub.adapters.kafka.log``). One transactional id per worker app: a restarted worker
fences its killed predecessor and aborts the batch it left open.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer

from hub.ports import LogRecord

Send = tuple[str, str, bytes]  # topic, key, value


def transactional_writer(
    producer: AIOKafkaProducer,
) -> Callable[[list[Send]], Awaitable[list[LogRecord]]]:
    """``write(sends)``: every record of ``sends`` in one transaction, committed on return; it
    returns the records as written (partition and offset), so a local copy of the state can
    note how far into the changelog it is (``hub.entrypoints.worker.state_table``). Every
    record of a transaction carries the same timestamp, given here: aiokafka reports the
    first record's timestamp for every record of a batch (``write``'s records then carry the
    timestamp the log holds, as a consumer reads it)."""

    async def write(sends: list[Send]) -> list[LogRecord]:
        stamp = int(time.time() * 1000)
        async with producer.transaction():
            pending = [
                await producer.send(topic, value, key=key.encode(), timestamp_ms=stamp)
                for topic, key, value in sends
            ]
        acked = [await sent for sent in pending]  # resolved by the commit's flush
        # the broker's time under LogAppendTime; under CreateTime aiokafka gives the first
        # record's timestamp for all, which is right only because they all carry ``stamp``
        return [LogRecord(topic, meta.partition, meta.offset, key, value, meta.timestamp)
                for (topic, key, value), meta in zip(sends, acked, strict=True)]

    return write
