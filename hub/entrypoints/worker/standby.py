"""A warm standby for the resolver: ``hub worker --stage resolver --lease``, run twice.

The resolver is the hub's one sequencer, so only one may run. With ``--lease`` every resolver
process first asks for the lease (``hub.adapters.kafka.lease``). The one that gets it
resolves; the others wait as standbys, each following the identity decision log so that
its index is already built when it is needed:

1. **Warm.** A standby reads the decision log from the start and keeps reading. It applies
   decisions in the order a cold start would (``(timestamp, partition, offset)``: the
   resolver stamps them strictly increasing), holding each back until it is
   ``HOLD_BACK_MS`` old, so one that becomes visible late on another partition still sorts
   in before it is applied. Should one ever arrive behind a decision already applied, the
   standby notes it and builds its index cold when it takes over.
2. **Takes over.** When the holder dies, the group coordinator gives the lease to a standby
   after the holder's session (``SESSION_TIMEOUT_MS``, 6 s). The standby then starts the
   resolver's transactional producer (same transactional id): that fences the dead holder,
   aborting any batch it left open, and makes any zombie's later writes fail. It reads the
   decision log to its end, applies the rest, and resumes from the resolver group's
   committed offsets, as a restarted worker does.
3. **Loses it.** A holder whose lease is taken away (it was cut off longer than its session)
   stops at once without writing, and exits 4; its supervisor starts it again as a standby.

Every batch the leased resolver sends is one Kafka transaction, so what a fenced holder had
in flight never reaches the children stage (it reads committed records only).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from hub.adapters.kafka.admin import partition_counts
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.lease import KafkaLease
from hub.adapters.kafka.merged_feed import MergedFeed
from hub.adapters.kafka.offsets import end_offsets
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.entrypoints.worker.resolver_stage import ResolverStage
from hub.logging import get_logger
from hub.usecases.actor_check import ActorDirectory
from hub.usecases.worker_steps import Router, Send

log = get_logger(__name__)
HOLD_BACK_MS = 5000
"""A standby applies a decision once it is this old (by its stamp): the resolver sends a
batch within a second, so every decision stamped before it is visible by then."""
LEASE_LOST_EXIT = 4
OrderKey = tuple[int, int, int]  # timestamp, partition, offset: the cold rebuild's order


class WarmIndex:
    """A resolver index that follows the identity decision log."""

    def __init__(self, bootstrap: KafkaTarget, topic: str, router: Router) -> None:
        self.bootstrap, self.topic, self.router = bootstrap, topic, router
        self.resolution = Resolution()
        self.applied = 0
        self.out_of_order = False
        """A decision arrived behind one already applied: take over with a cold index."""
        self._seen: set[str] = set()
        self._last: OrderKey | None = None
        self._pending: list[tuple[OrderKey, bytes]] = []
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []

    async def start(self) -> None:
        count = (await partition_counts(self.bootstrap, [self.topic]))[self.topic]
        self._partitions = [TopicPartition(self.topic, p) for p in range(count)]
        consumer = AIOKafkaConsumer(**client_kwargs(self.bootstrap), enable_auto_commit=False,
                                    isolation_level="read_committed")
        await consumer.start()
        consumer.assign(self._partitions)
        await consumer.seek_to_beginning(*self._partitions)
        self._consumer = consumer

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    async def follow(self) -> None:
        """Keep reading and applying what is old enough, until cancelled. A broker error is
        waited out; anything else stops the following, and the takeover then builds the
        index cold (which raises the same error if it is in the log itself)."""
        while True:
            try:
                await self._fetch(timeout_ms=500)
                self.apply(older_than=int(time.time() * 1000) - HOLD_BACK_MS)
            except KafkaError as exc:
                log.warning("standby waiting for the broker", error=type(exc).__name__)
                await asyncio.sleep(1.0)
            except Exception as exc:
                log.error("standby stopped following the decision log",
                          error=type(exc).__name__)
                self.out_of_order = True
                return

    async def catch_up(self) -> Resolution:
        """Read to the end offsets as of now and apply everything: the index a cold start
        would build (built cold if a decision was ever seen out of order)."""
        consumer = self._require()
        ends = await end_offsets(consumer, self._partitions)
        while await self._behind(ends):
            await self._fetch(timeout_ms=200)
        self.apply(older_than=None)
        if self.out_of_order:
            log.warning("standby index out of order: rebuilding it cold")
            await self._rebuild_cold()
        return self.resolution

    async def _behind(self, ends: dict[TopicPartition, int]) -> bool:
        consumer = self._require()
        return any([await consumer.position(tp) < ends[tp] for tp in self._partitions])

    async def _rebuild_cold(self) -> None:
        consumer = self._require()
        self.resolution, self.applied, self._seen, self._last = Resolution(), 0, set(), None
        self._pending = []
        self.out_of_order = False
        await consumer.seek_to_beginning(*self._partitions)
        await self.catch_up()

    def _require(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise RuntimeError("the warm index is not started")
        return self._consumer

    async def _fetch(self, timeout_ms: int) -> None:
        fetched = await self._require().getmany(timeout_ms=timeout_ms)
        for records in fetched.values():
            self.add((_order(r), r.value or b"") for r in records)

    def add(self, logged: Iterable[tuple[OrderKey, bytes]]) -> None:
        """Decisions read from the log (their order key and encoded value), not applied yet."""
        self._pending += logged

    def apply(self, older_than: int | None) -> None:
        """Apply, in the cold rebuild's order, the pending decisions stamped before
        ``older_than`` (epoch ms; None: all of them)."""
        self._pending.sort(key=lambda p: p[0])
        cut = len(self._pending) if older_than is None else next(
            (i for i, (key, _) in enumerate(self._pending) if key[0] >= older_than),
            len(self._pending))
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        if not ready:
            return
        if self._last is not None and ready[0][0] < self._last:
            self.out_of_order = True
        self._last = ready[-1][0]
        decisions = []
        for _, value in ready:
            record = self.router.codec.decode(value)
            if isinstance(record, IdentityDecisionMade) and record.decision_id not in self._seen:
                self._seen.add(record.decision_id)
                decisions.append(record)
        self.applied += self.resolution.rebuild(decisions)


def _order(record: ConsumerRecord) -> OrderKey:
    return (record.timestamp, record.partition, record.offset)


class LeasedResolverStage(ResolverStage):
    """The resolver stage behind a lease: a warm standby until it holds the lease, then the
    resolver, each batch sent in one transaction on its fencing producer."""

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 actors: ActorDirectory, *, lease: KafkaLease, warm: WarmIndex) -> None:
        super().__init__(feed, producer, router, warm.resolution, actors)
        self.lease, self.warm = lease, warm
        self.active = False
        self.lost = False

    async def run(self, stopping: asyncio.Event) -> None:
        await self.warm.start()
        following = asyncio.create_task(self.warm.follow())
        try:
            await self.lease.join()
            if not await _first(self.lease.held, stopping):
                return
            began = time.monotonic()
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
            await self.producer.start()  # fences the previous holder's producer
            self.lease.claim(_epoch(self.producer))
            self.resolution = await self.warm.catch_up()
            self.active = True
            log.info("resolver taken over", decisions=self.warm.applied,
                     seconds=round(time.monotonic() - began, 1))
            watching = asyncio.create_task(self._watch_lease(stopping))
            try:
                await super().run(stopping)
            finally:
                watching.cancel()
        finally:
            following.cancel()
            await self.warm.stop()
            await self.lease.release()
            if self.active:
                await self.producer.stop()

    async def _watch_lease(self, stopping: asyncio.Event) -> None:
        await self.lease.lost.wait()
        self.lost = True
        stopping.set()

    async def flush(self) -> None:
        if self.lost:  # cut off: whatever is in hand is the new holder's to redo
            self._sends, self._done = [], {}
            return
        await super().flush()

    async def send_all(self, sends: list[Send]) -> None:
        async with self.producer.transaction():
            await super().send_all(sends)


def _epoch(producer: AIOKafkaProducer) -> int:
    """The producer epoch the transaction coordinator gave this producer when it fenced the
    last holder: higher for every newer holder. (aiokafka keeps it on its transaction
    manager, which it does not expose.)"""
    return int(producer._txn_manager.producer_epoch)


async def _first(wanted: asyncio.Event, stopping: asyncio.Event) -> bool:
    """Wait for ``wanted`` or ``stopping``; True when ``wanted`` came first."""
    waits = [asyncio.create_task(wanted.wait()), asyncio.create_task(stopping.wait())]
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in waits:
        task.cancel()
    return wanted.is_set() and not stopping.is_set()
