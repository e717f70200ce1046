"""Reading a topic that fetches nothing for a while says which partitions it waits for."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition

from hub.adapters.kafka import log as kafka_log

TP = TopicPartition("t", 0)


class _Consumer:
    """Nothing for three fetches, then the partition's one record."""

    def __init__(self) -> None:
        self.fetches, self.at = 0, 0

    async def getmany(self, *partitions: TopicPartition, timeout_ms: int) -> dict[Any, Any]:
        self.fetches += 1
        if self.fetches <= 3:
            return {}
        self.at = 1
        return {TP: [SimpleNamespace(offset=0, key=b"k", value=b"v", timestamp=1)]}

    async def position(self, tp: TopicPartition) -> int:
        return self.at


def test_a_read_that_fetches_nothing_says_what_it_waits_for(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    said: list[set[TopicPartition]] = []

    async def say(consumer: Any, remaining: set[TopicPartition], ends: Any) -> None:
        said.append(set(remaining))

    monkeypatch.setattr(kafka_log, "STILL_AFTER_S", 0.0)
    monkeypatch.setattr(kafka_log, "_say_still", say)
    records: list[Any] = []
    asyncio.run(kafka_log._drain(_Consumer(), {TP: 1}, {TP: 0}, records.append))  # type: ignore[arg-type]
    assert [r.value for r in records] == [b"v"]
    assert said and all(s == {TP} for s in said)


def test_the_message_names_partitions_and_offsets_only() -> None:
    class Logged:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def warning(self, event: str, **fields: Any) -> None:
            self.calls.append({"event": event, **fields})

    logged = Logged()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kafka_log, "log", logged)
        asyncio.run(kafka_log._say_still(_Consumer(), {TP}, {TP: 5}))  # type: ignore[arg-type]
    assert logged.calls[0]["waiting"] == ["t[0] at 0 of 5"]
