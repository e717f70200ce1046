"""The dead-letter topic on Kafka: read every letter, re-send a processor's original, purge.

Kafka cannot delete one record; a purge deletes everything before a point in time
(``DeleteRecords`` up to the first offset at or after it), partition by partition.
"""

from __future__ import annotations

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin.records_to_delete import RecordsToDelete

from hub.adapters.kafka.admin import partition_counts
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.adapters.kafka.log import read_topic
from hub.adapters.kafka.offsets import offset_range
from hub.domain.dead_letter import DeadLetter
from hub.ports import Codec, UndecodableMessageError


async def read_dead_letters(target: KafkaTarget, topic: str, codec: Codec) -> list[DeadLetter]:
    letters = []
    for record in await read_topic(target, topic):
        try:
            letter = codec.decode(record.value)
        except UndecodableMessageError:
            continue
        if isinstance(letter, DeadLetter):
            letters.append(letter)
    return letters


async def purge_before(target: KafkaTarget, topic: str, when: datetime) -> int:
    """Delete the topic's records written before ``when``; returns how many went."""
    count = (await partition_counts(target, [topic]))[topic]
    partitions = [TopicPartition(topic, p) for p in range(count)]
    consumer = AIOKafkaConsumer(**client_kwargs(target))
    await consumer.start()
    try:
        starts, ends = await offset_range(consumer, partitions)
        found = await consumer.offsets_for_times(
            dict.fromkeys(partitions, int(when.timestamp() * 1000)))
    finally:
        await consumer.stop()
    cut = {tp: (found[tp].offset if found.get(tp) else ends[tp]) for tp in partitions}
    todo = {tp: RecordsToDelete(offset) for tp, offset in cut.items() if offset > starts[tp]}
    if todo:
        async with admin_client(target) as admin:
            await admin.delete_records(todo)
    return sum(cut[tp] - starts[tp] for tp in todo)
