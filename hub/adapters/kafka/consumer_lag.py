"""How far a consumer group is behind on some topics: committed offsets vs end offsets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from hub.adapters.kafka.admin import partition_counts, retrying
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.offsets import end_offsets, offset_range


async def group_lag(bootstrap: KafkaTarget, group: str, topics: Iterable[str]) -> int:
    """Messages in ``topics`` the group has not committed yet (uncommitted = from offset 0)."""
    counts = await partition_counts(bootstrap, list(topics))
    partitions = [TopicPartition(t, p) for t, n in counts.items() for p in range(n)]
    async with admin_client(bootstrap) as admin:
        committed = await admin.list_consumer_group_offsets(group)
    consumer = AIOKafkaConsumer(**client_kwargs(bootstrap), isolation_level="read_committed")
    await consumer.start()
    try:
        ends = await end_offsets(consumer, partitions)
    finally:
        await consumer.stop()
    done = {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}
    return sum(max(0, end - done.get(tp, 0)) for tp, end in ends.items())


async def group_marks(bootstrap: KafkaTarget, group: str, topics: Iterable[str]) -> set[str]:
    """The metadata the group's committed offsets on ``topics`` carry (``MergedFeed.commit``'s
    ``mark``), one of each: how a stage in another process tells the resolver's state.
    (Offsets of topics the group no longer reads are left out: nothing would mark them.)"""
    wanted = set(topics)
    async with admin_client(bootstrap) as admin:
        committed = await admin.list_consumer_group_offsets(group)
    return {meta.metadata or "" for tp, meta in committed.items()
            if meta.offset >= 0 and tp.topic in wanted}


async def records_in(bootstrap: KafkaTarget, topics: Iterable[str]) -> int:
    """How many records ``topics`` hold, from offset 0 (sum of end offsets)."""
    counts = await partition_counts(bootstrap, list(topics))
    partitions = [TopicPartition(t, p) for t, n in counts.items() for p in range(n)]
    consumer = AIOKafkaConsumer(**client_kwargs(bootstrap))
    await consumer.start()
    try:
        return sum((await end_offsets(consumer, partitions)).values())
    finally:
        await consumer.stop()


async def records_held(bootstrap: KafkaTarget, topics: Iterable[str]) -> dict[str, int]:
    """Records each existing topic of ``topics`` still holds (end minus beginning offsets, so
    records already deleted by retention do not count); missing topics are left out."""
    counts = await partition_counts(bootstrap, list(topics))
    partitions = [TopicPartition(t, p) for t, n in counts.items() for p in range(n)]
    held = dict.fromkeys(counts, 0)
    if not partitions:
        return held
    consumer = AIOKafkaConsumer(**client_kwargs(bootstrap))
    await consumer.start()
    try:
        starts, ends = await offset_range(consumer, partitions)
    finally:
        await consumer.stop()
    for tp, end in ends.items():
        held[tp.topic] += max(0, end - starts.get(tp, 0))
    return held


async def groups_with_offsets(bootstrap: KafkaTarget, groups: Sequence[str]) -> list[str]:
    """Those of ``groups`` that have committed an offset on any partition (retried while a new
    cluster is still creating its offsets topic: no group coordinator yet)."""
    async def once() -> list[str]:
        found: list[str] = []
        async with admin_client(bootstrap) as admin:
            for group in groups:
                committed = await admin.list_consumer_group_offsets(group)
                if any(meta.offset >= 0 for meta in committed.values()):
                    found.append(group)
        return found

    return await retrying(once, "read committed offsets", retry_s=60.0)
