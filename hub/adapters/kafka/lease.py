"""One holder at a time, on Kafka's own group membership: the resolver's lease.

Every process that wants the lease joins one consumer group subscribed to a one-partition
topic; the group coordinator gives that partition to exactly one member. The holder keeps it
while its heartbeats reach the coordinator; when it dies, the coordinator drops it after
``session_timeout_ms`` and hands the partition to a waiting member. The lease proves nothing
on its own to the other side of a network split, so the holder also fences its predecessor
(the resolver's transactional producer: ``hub.entrypoints.worker.standby``).

Nothing is ever written to or read from the topic: membership is the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.protocol import (
    ConsumerProtocolMemberAssignment,
    ConsumerProtocolMemberMetadata,
)
from aiokafka.errors import KafkaError

from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.logging import get_logger

log = get_logger(__name__)
SESSION_TIMEOUT_MS = 6000
"""The broker's smallest allowed session (``group.min.session.timeout.ms``): how long a dead
holder keeps the lease."""
HEARTBEAT_MS = 1000


class _KeepHolder(AbstractPartitionAssignor):  # type: ignore[misc]  # aiokafka is untyped
    """The lease stays with its holder when another member joins (a standby starting must
    not take it over): a holder puts its claim in its join metadata, and the group leader
    gives the one partition to the member with the highest claim, else to the first member
    by id. The claim is the holder's fencing epoch (:meth:`KafkaLease.claim`), so when a
    holder cut off for longer than its session rejoins beside the holder that replaced (and
    fenced) it, the newer one keeps the lease and the old one learns it has lost it.
    aiokafka calls assignors on the class, so each lease makes its own subclass."""

    name = "hub-lease"
    version = 0
    claim = 0
    """0: not holding; else the holder's fencing epoch plus one."""

    @classmethod
    def assign(cls, cluster: Any, members: Mapping[str, ConsumerProtocolMemberMetadata],
               ) -> dict[str, ConsumerProtocolMemberAssignment]:
        claims = {m: _claim_of(meta.user_data) for m, meta in members.items()}
        chosen = min(members, key=lambda m: (-claims[m], m))
        topics = sorted({t for meta in members.values() for t in meta.subscription})
        return {member: ConsumerProtocolMemberAssignment(
                    cls.version, [(t, [0]) for t in topics] if member == chosen else [], b"")
                for member in members}

    @classmethod
    def metadata(cls, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        return ConsumerProtocolMemberMetadata(
            cls.version, list(topics), str(cls.claim).encode() if cls.claim else b"")

    @classmethod
    def on_assignment(cls, assignment: ConsumerProtocolMemberAssignment) -> None:
        pass


def _claim_of(user_data: bytes | None) -> int:
    try:
        return int(user_data or b"0")
    except ValueError:  # a member of another version of the hub: no claim
        return 0


def _assignor() -> type[_KeepHolder]:
    return type("KeepHolder", (_KeepHolder,), {"claim": 0})


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """Revocation comes before every reassignment (the eager protocol), so only the new
    assignment tells whether the lease was kept."""

    def __init__(self, lease: KafkaLease) -> None:
        self.lease = lease

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        lease = self.lease
        if not assigned:
            lease.assignor.claim = 0
        elif not lease.assignor.claim:
            lease.assignor.claim = 1  # granted; :meth:`KafkaLease.claim` raises it to the epoch
        if assigned:
            if not lease.held.is_set():
                log.info("lease granted", lease=lease.group)
            lease.held.set()
        elif lease.held.is_set():
            log.error("lease lost", lease=lease.group)
            lease.lost.set()


class KafkaLease:
    def __init__(self, bootstrap: KafkaTarget, topic: str, group: str) -> None:
        self.bootstrap, self.topic, self.group = bootstrap, topic, group
        self.held = asyncio.Event()
        """Set once this process holds the lease."""
        self.lost = asyncio.Event()
        """Set when a held lease was taken away (its holder must stop at once)."""
        self.assignor = _assignor()
        self._consumer: AIOKafkaConsumer | None = None
        self._polling: asyncio.Task[None] | None = None

    def claim(self, epoch: int) -> None:
        """Claim the lease with the fencing epoch just won (the holder's transactional
        producer's epoch), for the next rebalance to keep it with this holder."""
        self.assignor.claim = epoch + 1

    async def join(self) -> None:
        """Ask for the lease; :attr:`held` is set when it is granted (now or later)."""
        consumer = AIOKafkaConsumer(
            **client_kwargs(self.bootstrap), group_id=self.group, enable_auto_commit=False,
            session_timeout_ms=SESSION_TIMEOUT_MS, heartbeat_interval_ms=HEARTBEAT_MS,
            auto_offset_reset="latest", partition_assignment_strategy=(self.assignor,),
        )
        await consumer.start()
        consumer.subscribe([self.topic], listener=_Listener(self))
        self._consumer = consumer
        self._polling = asyncio.create_task(self._poll(consumer))

    @staticmethod
    async def _poll(consumer: AIOKafkaConsumer) -> None:
        """Keep polling: a member that stops polling for ``max.poll.interval.ms`` is dropped
        from the group (the topic holds nothing, so nothing is ever returned)."""
        while True:
            try:
                await consumer.getmany(timeout_ms=1000)
            except KafkaError as exc:  # a passing broker error: keep the membership going
                log.warning("lease waiting for the broker", error=type(exc).__name__)
                await asyncio.sleep(1.0)

    async def release(self) -> None:
        """Leave the group: a waiting member gets the lease at once, not after the session."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._polling
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
