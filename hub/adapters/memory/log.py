"""An in-memory EventLog for unit tests; held to the same contract as the Kafka adapter."""

from __future__ import annotations

import zlib
from collections import defaultdict

from hub.ports import LogRecord


class InMemoryEventLog:
    def __init__(self, partitions: dict[str, int]) -> None:
        self._partitions = dict(partitions)
        self._records: dict[tuple[str, int], list[LogRecord]] = defaultdict(list)

    async def append(self, topic: str, key: str, value: bytes) -> None:
        if topic not in self._partitions:
            raise KeyError(f"unknown topic {topic}")
        partition = zlib.crc32(key.encode()) % self._partitions[topic]
        log = self._records[(topic, partition)]
        log.append(LogRecord(topic, partition, len(log), key, value))

    async def append_acked(self, topic: str, key: str, value: bytes) -> None:
        await self.append(topic, key, value)

    async def flush(self) -> None:
        return None

    async def read_all(self, topic: str) -> list[LogRecord]:
        if topic not in self._partitions:
            raise KeyError(f"unknown topic {topic}")
        return [r for p in range(self._partitions[topic]) for r in self._records[(topic, p)]]
