"""One stage of the worker: read a merged feed, turn each record into sends, and make
progress durable in the one safe order.

A stage hands every record of its feed (:class:`~hub.adapters.kafka.merged_feed.MergedFeed`: all
partitions assigned to this worker, one deterministic order) to :meth:`Stage.take`, which
returns the records to send. Every ``FLUSH_EVERY_RECORDS`` sends or ``FLUSH_EVERY_SECONDS``,
and ``FLUSH_WHEN_CAUGHT_UP_S`` after the last flush once the feed is caught up (nothing more to
take now: a live event is not held back for a batch that is not coming, while a trickle of
events still shares one flush per 50 ms), :meth:`Stage.flush` makes the batch durable:

1. the outputs are sent and every acknowledgement awaited (resent, never skipped, on error);
2. then :meth:`Stage.after_outputs` (a stage's state changelog, the SQL writes);
3. only then are the input offsets committed.

A crash anywhere in between makes the stage redo the uncommitted records: their outputs are
byte-identical (same ids) and their state changes idempotent, so redoing never doubles
anything and nothing is ever skipped.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import ProducerFenced
from aiokafka.structs import ConsumerRecord

from hub.adapters.kafka.merged_feed import MergedFeed
from hub.logging import get_logger
from hub.usecases.worker_steps import Incoming, Router, Send

log = get_logger(__name__)
FLUSH_EVERY_RECORDS = 2000
FLUSH_EVERY_SECONDS = 0.5
FLUSH_WHEN_CAUGHT_UP_S = 0.05


def incoming(record: ConsumerRecord) -> Incoming:
    key = (record.key or b"").decode("utf-8", errors="backslashreplace")
    return Incoming(record.topic, record.partition, record.offset, key, record.value or b"")


async def retrying(what: str, action: Callable[[], Awaitable[None]]) -> None:
    """Run ``action`` until it succeeds, backing off; a broker outage delays, never loses."""
    for attempt in itertools.count():
        try:
            return await action()
        except (ProducerFenced, AssertionError):
            # another process now owns this transactional id (aiokafka's transaction manager
            # then fails every later transaction with an AssertionError): never retry, stop
            raise
        except Exception as exc:
            log.error(f"{what} failed, retrying", error=type(exc).__name__, attempt=attempt)
            await asyncio.sleep(min(30.0, 0.5 * 2**attempt))


class Stage(ABC):
    name = "stage"
    ordered_timestamps = False
    """Give every record sent a strictly increasing timestamp, so a MergedFeed downstream
    hands them out in exactly the order this stage sent them (across partitions too)."""

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer) -> None:
        self.feed = feed
        self.producer = producer
        self.processed = 0
        self._sends: list[Send] = []
        self._done: dict[TopicPartition, int] = {}
        self._flushed_at = time.monotonic()
        self._last_ms = 0
        self._caught_up = False
        self._taking: TopicPartition | None = None
        self._broken = False
        """A flush failed part-way: its batch is lost to this process, so nothing more may be
        committed (the final flush on the way out would commit past it)."""

    @abstractmethod
    async def take(self, message: Incoming) -> list[Send]:
        """What to send for one record (the stage may also change its own state)."""

    async def after_outputs(self) -> None:  # noqa: B027 (a hook: most stages need nothing)
        """Durable work that must follow the outputs and precede the commit."""

    def commit_mark(self) -> str:
        """The metadata committed with the input offsets (read by other processes)."""
        return ""

    async def run(self, stopping: asyncio.Event) -> None:
        await self.feed.start()
        try:
            while not stopping.is_set():
                record = await self.feed.next(timeout=self._wait())
                if record is not None:
                    message = incoming(record)
                    self._taking = TopicPartition(message.topic, message.partition)
                    self._sends += await self.take(message)
                    self._taking = None
                    self._done[TopicPartition(message.topic, message.partition)] = (
                        message.offset + 1
                    )
                    self.processed += 1
                    self._caught_up = await self.feed.caught_up()
                if record is None or self._due():
                    await self.flush()
        finally:
            try:
                await self.flush()
            finally:
                await self.feed.stop()

    def _wait(self) -> float:
        """How long to wait for the next record before flushing what was taken."""
        if self._done and self._caught_up:
            return max(0.0, self._flushed_at + FLUSH_WHEN_CAUGHT_UP_S - time.monotonic())
        return FLUSH_EVERY_SECONDS

    def _due(self) -> bool:
        since = time.monotonic() - self._flushed_at
        return len(self._sends) >= FLUSH_EVERY_RECORDS or (len(self._done) > 0 and (
            since >= FLUSH_EVERY_SECONDS or (self._caught_up and since >= FLUSH_WHEN_CAUGHT_UP_S)
        ))

    async def flush(self) -> None:
        if self._broken:
            return
        self._broken = True  # until this flush has committed
        sends, done = self._sends, self._done
        self._sends, self._done = [], {}
        if sends:
            await retrying("send", lambda: self.send_all(sends))
            router = getattr(self, "router", None)  # every stage's router counts dead letters
            if isinstance(router, Router):
                router.count_sent(sends)
        await self.after_outputs()
        done = await self.feed.progress(done, self._taking)
        if done:
            mark = self.commit_mark()
            await retrying("commit", lambda: self.feed.commit(done, mark))
        self._flushed_at = time.monotonic()
        self._broken = False

    async def send_all(self, sends: list[Send]) -> None:
        pending = [
            await self.producer.send(topic, value, key=key.encode(), timestamp_ms=self._stamp())
            for topic, key, value in sends
        ]
        await asyncio.gather(*pending)

    def continue_stamps_above(self, stamp_ms: int) -> None:
        """Stamp every later record above ``stamp_ms`` (with ``ordered_timestamps``)."""
        self._last_ms = max(self._last_ms, stamp_ms)

    def _stamp(self) -> int | None:
        if not self.ordered_timestamps:
            return None
        self._last_ms = max(self._last_ms + 1, int(time.time() * 1000))
        return self._last_ms
