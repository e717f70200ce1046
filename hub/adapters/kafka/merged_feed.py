"""One deterministic stream out of many topic partitions, for the identity resolver.

The resolver's decisions depend on the order it sees records (who is first known, who is a
possible match of whom). A consumer of many topics interleaves them in fetch order, which differs
from run to run; this feed instead hands records out in one total order that depends only on
what the topics hold: the smallest ``(timestamp, topic, partition, offset)`` among the next
unread record of every partition.

- A partition with records not yet fetched (below the end offset last seen) is waited for
  before anything is handed out, so a backlog (a restart, a replay) always comes out in the
  same order, however the fetches happen to interleave.
- A partition that is caught up is not waited for: live records flow as they arrive.

Offsets are the caller's to commit (:meth:`commit`), once the outputs of the records it was
given are durable. The partitions are assigned, not subscribed: one resolver owns them all,
so a restart after a crash resumes at once instead of waiting out a group rebalance.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import deque
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from hub.adapters.kafka.admin import partition_counts
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.offsets import end_offsets
from hub.logging import get_logger

OrderKey = tuple[int, str, int, int]
_AGAIN = object()
log = get_logger(__name__)
REFRESH_ENDS_EVERY = 1.0  # seconds between end-offset checks while caught up


def order_key(record: ConsumerRecord) -> OrderKey:
    return (record.timestamp, record.topic, record.partition, record.offset)


class MergedFeed:
    def __init__(self, bootstrap: KafkaTarget, topics: list[str], group_id: str) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.group_id = group_id
        self._consumer: AIOKafkaConsumer | None = None
        self._buffers: dict[TopicPartition, deque[ConsumerRecord]] = {}
        self._heap: list[tuple[OrderKey, TopicPartition]] = []
        self._ends: dict[TopicPartition, int] = {}
        self._ends_read_at = 0.0
        self._maybe_starved: set[TopicPartition] = set()
        self._committed: dict[TopicPartition, int] = {}

    async def start(self) -> None:
        counts = await partition_counts(self.bootstrap, self.topics)
        missing = [t for t in self.topics if t not in counts]
        if missing:
            raise LookupError(f"the resolver's input topic {missing[0]} does not exist")
        partitions = [
            TopicPartition(t, p) for t in self.topics for p in range(counts[t])
        ]
        consumer = AIOKafkaConsumer(
            **client_kwargs(self.bootstrap),
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        await consumer.start()
        self._consumer = consumer
        # Commits are read before assigning and the new partitions reset together: an assigned
        # consumer's offset requests queue behind its fetch long-poll (hub.adapters.kafka.offsets).
        committed = {tp: await consumer.committed(tp) for tp in partitions}
        ends = await end_offsets(consumer, partitions)
        consumer.assign(partitions)
        for tp, offset in committed.items():
            if offset is not None:
                consumer.seek(tp, offset)
        self._committed = {tp: o for tp, o in committed.items() if o is not None}
        fresh = [tp for tp, offset in committed.items() if offset is None]
        if fresh:
            await consumer.seek_to_beginning(*fresh)
        self._buffers = {tp: deque() for tp in partitions}
        self._ends_seen(ends)

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    @property
    def consumer(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise RuntimeError("the feed is not started")
        return self._consumer

    async def next(self, timeout: float) -> ConsumerRecord | None:
        """The next record in the total order, or None when nothing arrived within ``timeout``.

        A broker error (a timeout, a leader moving) is waited out and retried: it delays
        the feed, never ends it, and the order stays the same.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = await self._step(deadline)
            except KafkaError as exc:
                log.warning("feed waiting for the broker", error=type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            if found is not _AGAIN:
                return found

    async def _step(self, deadline: float) -> object:
        starved = await self._starved()
        if starved:
            await self._fetch(starved, 0.2)
            return _AGAIN
        if self._heap:
            return self._pop()
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        await self._fetch(list(self._buffers), min(left, REFRESH_ENDS_EVERY))
        if time.monotonic() - self._ends_read_at >= REFRESH_ENDS_EVERY:
            await self._refresh_ends()
        return _AGAIN

    async def caught_up(self) -> bool:
        """Nothing to hand out now: no record buffered, and no partition known to hold records
        not fetched yet (as of the end offsets last seen). A stage then makes its batch durable
        at once instead of waiting for more (live latency); in a backlog this stays false."""
        return not self._heap and not await self._starved()

    async def commit(self, next_offsets: Mapping[TopicPartition, int], mark: str = "") -> None:
        """Record progress: ``next_offsets`` maps each partition to its next unprocessed offset.
        ``mark`` goes with each offset as its commit metadata, for another process to read
        (``hub.adapters.kafka.consumer_lag.group_marks``: the resolver's "unsettled")."""
        if next_offsets:
            await self.consumer.commit({tp: (o, mark) for tp, o in next_offsets.items()})
            self._committed.update(next_offsets)

    async def progress(self, handed_out: Mapping[TopicPartition, int],
                       taking: TopicPartition | None = None) -> dict[TopicPartition, int]:
        """The offsets to commit once every record handed out so far has been processed:
        ``handed_out`` (the offset after the last record of each partition), and for a
        partition none of whose fetched records is left to hand out, the consumer's
        position. The position also steps over offsets that carry no record for a
        read-committed consumer (transaction markers, aborted records): committing only the
        last record's offset would leave such a partition's lag above 0 for ever, and a
        worker run until drained would stall. ``taking``: the partition of a record still
        being processed (nothing past it may be committed)."""
        offsets = dict(handed_out)
        for tp, buffer in self._buffers.items():
            if buffer or tp == taking:
                continue
            position = await self.consumer.position(tp)
            if position > max(offsets.get(tp, 0), self._committed.get(tp, 0)):
                offsets[tp] = position
        return offsets

    async def mark(self, mark: str) -> None:
        """Commit every partition's last committed offset again, now with ``mark``."""
        await self.commit(dict(self._committed), mark)

    def _pop(self) -> ConsumerRecord:
        _, tp = heapq.heappop(self._heap)
        buffer = self._buffers[tp]
        record = buffer.popleft()
        if buffer:
            heapq.heappush(self._heap, (order_key(buffer[0]), tp))
        else:
            self._maybe_starved.add(tp)
        return record

    async def _starved(self) -> list[TopicPartition]:
        """Partitions with nothing buffered but unread records below their last end offset."""
        starved = []
        for tp in sorted(self._maybe_starved):
            if self._buffers[tp] or await self.consumer.position(tp) >= self._ends[tp]:
                self._maybe_starved.discard(tp)  # fed, or caught up until the ends move
            else:
                starved.append(tp)
        return starved

    async def _fetch(self, partitions: list[TopicPartition], timeout: float) -> None:
        fetched = await self.consumer.getmany(*partitions, timeout_ms=int(timeout * 1000))
        for tp, records in fetched.items():
            if not records:
                continue
            buffer = self._buffers[tp]
            was_empty = not buffer
            buffer.extend(records)
            if was_empty:
                heapq.heappush(self._heap, (order_key(buffer[0]), tp))

    async def _refresh_ends(self) -> None:
        self._ends_seen(await self.consumer.end_offsets(list(self._buffers)))

    def _ends_seen(self, ends: dict[TopicPartition, int]) -> None:
        self._ends = ends
        self._ends_read_at = time.monotonic()
        self._maybe_starved = {tp for tp, buffer in self._buffers.items() if not buffer}
