"""The EventLog on real Kafka, through aiokafka.

Delivery: ``acks=all`` with the idempotent producer, so a retried send is not duplicated and
per-partition order holds; :meth:`flush` returns only when every record is acknowledged.
Keys are plain UTF-8 strings, so a record's partition never depends on a schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import murmur2
from aiokafka.structs import ConsumerRecord

from hub.adapters.kafka.admin import partition_counts
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.offsets import offset_range
from hub.logging import get_logger
from hub.ports import LogRecord

log = get_logger(__name__)


class KafkaEventLog:
    def __init__(
        self, bootstrap: KafkaTarget, *, client_id: str = "cin-hub",
        request_timeout_ms: int = 40_000,
    ) -> None:
        self.bootstrap = bootstrap
        self._producer = AIOKafkaProducer(
            **client_kwargs(bootstrap),
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_batch_size=256 * 1024,
            request_timeout_ms=request_timeout_ms,
        )
        self._pending: list[object] = []

    async def __aenter__(self) -> KafkaEventLog:
        try:
            await self._producer.start()
        except BaseException:
            await self._producer.stop()  # a cluster that never answered: no client left open
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                await self.flush()
        finally:
            await self._producer.stop()

    async def append(self, topic: str, key: str, value: bytes) -> None:
        self._pending.append(await self._producer.send(topic, value=value, key=key.encode()))
        if len(self._pending) >= 10_000:
            await self.flush()

    async def append_acked(self, topic: str, key: str, value: bytes) -> None:
        """Send one record and wait for its own acknowledgement, not for anyone else's: callers
        running side by side (the push intake's requests) never wait on each other's records.
        Cancelling the wait (a timeout) leaves the record to the producer: it may still land,
        which its deterministic event id makes harmless."""
        delivery = await self._producer.send(topic, value=value, key=key.encode())
        await asyncio.shield(delivery)

    async def flush(self) -> None:
        await self._producer.flush()
        pending, self._pending = self._pending, []
        for future in pending:
            await future  # type: ignore[misc]  # raises if the broker refused the record

    async def read_all(self, topic: str) -> list[LogRecord]:
        return await read_topic(self.bootstrap, topic)


async def read_topic(bootstrap: KafkaTarget, topic: str) -> list[LogRecord]:
    """Every record of ``topic`` from the beginning up to the end offsets seen at the start."""
    return await _read(bootstrap, topic, range)


async def read_topic_each(
    bootstrap: KafkaTarget, topic: str, each: Callable[[LogRecord], None]
) -> None:
    """:func:`read_topic`, handing each record to ``each`` as it is fetched instead of
    keeping them all (a state changelog of a million children is gigabytes)."""
    await _read(bootstrap, topic, range, each)


async def read_topic_from(
    bootstrap: KafkaTarget, topic: str, starts: Mapping[int, int],
    each: Callable[[LogRecord], None],
) -> int:
    """:func:`read_topic_each` from ``starts`` (an offset per partition; the beginning where
    none is given) instead of the beginning. Returns the topic's partition count."""
    partitions = await _partitions_of(bootstrap, [topic])
    if not partitions:
        raise KeyError(f"unknown topic {topic}")
    await _read_partitions(bootstrap, partitions, each=each,
                           after=lambda tp, _end: starts.get(tp.partition, 0))
    return len(partitions)


async def records_at(
    bootstrap: KafkaTarget, topic: str, offsets: Mapping[int, int], *, within_s: float = 60.0,
) -> tuple[int, dict[int, LogRecord | None]]:
    """The topic's partition count, and per partition of ``offsets`` the first committed record
    at or after its offset (None: none before the partition's end). Raises TimeoutError when
    the records were not all fetched within ``within_s``."""
    partitions = await _partitions_of(bootstrap, [topic])
    wanted = [tp for tp in partitions if tp.partition in offsets]
    found: dict[int, LogRecord | None] = {tp.partition: None for tp in wanted}
    if not wanted:  # (a consumer stopped before it ever waited fails its own stop)
        return len(partitions), found
    consumer = _committed_reader(bootstrap)
    await consumer.start()
    try:
        _, ends = await offset_range(consumer, wanted)
        consumer.assign(wanted)
        for tp in wanted:
            consumer.seek(tp, offsets[tp.partition])
        remaining = {tp for tp in wanted if offsets[tp.partition] < ends[tp]}
        async with asyncio.timeout(within_s):
            while remaining:
                batch = await consumer.getmany(*remaining, timeout_ms=1000)
                for tp, messages in batch.items():
                    if tp in remaining and messages and messages[0].offset < ends[tp]:
                        found[tp.partition] = _record(tp, messages[0])
                        remaining.discard(tp)
                for tp in list(remaining):
                    if await consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
    finally:
        await consumer.stop()
    return len(partitions), found


def _committed_reader(bootstrap: KafkaTarget) -> AIOKafkaConsumer:
    # "earliest": a partition whose first records go (deleted) between the offsets look-up
    # and the fetch is read from its new start, never skipped to its end
    return AIOKafkaConsumer(**client_kwargs(bootstrap), enable_auto_commit=False,
                            isolation_level="read_committed", auto_offset_reset="earliest")


async def read_topics(bootstrap: KafkaTarget, topics: Iterable[str]) -> list[LogRecord]:
    """Every record of each of ``topics`` with one consumer (an audit scan of many topics)."""
    partitions = await _partitions_of(bootstrap, topics)
    return await _read_partitions(bootstrap, partitions) if partitions else []


async def _partitions_of(bootstrap: KafkaTarget, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of those of ``topics`` that exist."""
    names = sorted(set(topics))
    counts = await partition_counts(bootstrap, names)
    return [TopicPartition(t, p) for t in names if t in counts for p in range(counts[t])]


async def read_keys(bootstrap: KafkaTarget, topic: str, keys: set[str]) -> list[LogRecord]:
    """Every record of ``topic`` under one of ``keys``: only the partitions those keys hash to
    (Kafka's default partitioner, as every hub producer uses) are read."""
    def hashed(count: int) -> list[int]:
        return sorted({(murmur2(k.encode()) & 0x7FFFFFFF) % count for k in keys})

    return [r for r in await _read(bootstrap, topic, hashed) if r.key in keys]


async def _read(
    bootstrap: KafkaTarget, topic: str, partitions_of: Callable[[int], Iterable[int]],
    each: Callable[[LogRecord], None] | None = None,
) -> list[LogRecord]:
    """The chosen partitions (given the topic's partition count), beginning to end."""
    count = (await partition_counts(bootstrap, [topic])).get(topic)
    if count is None:
        raise KeyError(f"unknown topic {topic}")
    partitions = [TopicPartition(topic, p) for p in partitions_of(count)]
    return await _read_partitions(bootstrap, partitions, each=each)


async def _read_partitions(
    bootstrap: KafkaTarget, partitions: list[TopicPartition], tail: int | None = None,
    each: Callable[[LogRecord], None] | None = None,
    after: Callable[[TopicPartition, int], int] | None = None,
) -> list[LogRecord]:
    """Every record of ``partitions``, beginning to end (or only the last ``tail`` offsets
    of each, or from ``after(partition, end offset)``), with one consumer. Committed records
    only: the worker's state changelogs and a leased resolver's outputs are written in
    transactions, and a batch a killed process left open (or aborted) is not part of the
    log. ``each``: records go to it as they come, and none is kept (the list returned is
    empty)."""
    if tail is not None:
        after = lambda _tp, end: end - tail  # noqa: E731
    consumer = _committed_reader(bootstrap)
    await consumer.start()
    try:
        starts, ends = await offset_range(consumer, partitions)  # before assigning: see offsets
        consumer.assign(partitions)
        if after is None:
            await consumer.seek_to_beginning(*partitions)
        else:
            starts = {tp: max(starts.get(tp, 0), after(tp, end)) for tp, end in ends.items()}
            for tp, offset in starts.items():
                consumer.seek(tp, offset)
        records: list[LogRecord] = []
        await _drain(consumer, ends, starts, records.append if each is None else each)
        return records
    finally:
        await consumer.stop()


async def _drain(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int],
    starts: dict[TopicPartition, int], each: Callable[[LogRecord], None],
) -> None:
    """Each record up to ``ends`` to ``each``; a partition whose records all expired or were
    purged (its first offset is its end) holds nothing to wait for."""
    remaining = {tp for tp, end in ends.items() if end > starts.get(tp, 0)}
    loop = asyncio.get_running_loop()
    moved_at = loop.time()
    while remaining:
        batch = await consumer.getmany(*remaining, timeout_ms=1000)
        if batch:
            moved_at = loop.time()
        elif loop.time() - moved_at > STILL_AFTER_S:  # say what it waits for, then go on
            await _say_still(consumer, remaining, ends)
            moved_at = loop.time()
        for tp, messages in batch.items():
            for m in messages:
                if m.offset < ends[tp]:
                    each(_record(tp, m))
        for tp in list(remaining):  # also those the fetch returned nothing for: a read
            if await consumer.position(tp) >= ends[tp]:  # ending on a transaction marker
                remaining.discard(tp)  # reaches its end with an empty fetch


def _record(tp: TopicPartition, m: ConsumerRecord[bytes, bytes]) -> LogRecord:
    return LogRecord(tp.topic, tp.partition, m.offset, m.key.decode() if m.key else "",
                     m.value or b"", m.timestamp)


STILL_AFTER_S = 30.0
"""Reading that fetches nothing for this long logs which partitions it still waits for."""


async def _say_still(consumer: AIOKafkaConsumer, remaining: set[TopicPartition],
                     ends: dict[TopicPartition, int]) -> None:
    waiting = [f"{tp.topic}[{tp.partition}] at {await consumer.position(tp)} of {ends[tp]}"
               for tp in sorted(remaining)]
    log.warning("reading a topic: nothing fetched for a while, still waiting", waiting=waiting)


TAIL = 64
"""Offsets read back from each partition's end by :func:`latest_timestamp`."""


async def latest_timestamp(bootstrap: KafkaTarget, topics: Iterable[str]) -> int:
    """The highest record timestamp among the last ``TAIL`` offsets of every partition of
    ``topics`` (0 when they hold nothing; missing topics are skipped)."""
    partitions = await _partitions_of(bootstrap, topics)
    records = await _read_partitions(bootstrap, partitions, tail=TAIL) if partitions else []
    return max((r.timestamp for r in records), default=0)
