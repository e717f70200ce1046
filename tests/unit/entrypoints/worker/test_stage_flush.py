"""A stage whose flush failed part-way commits nothing more (the batch it dropped must be
redone by whoever runs next), and a fenced producer is never retried."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import ProducerFenced
from aiokafka.structs import ConsumerRecord

from hub.entrypoints.worker.stage import Stage
from hub.usecases.worker_steps import Incoming, Send

TP = TopicPartition("in", 0)


class _Feed:
    """Hands out ``count`` records of one partition; its position is then past them all."""

    def __init__(self, count: int) -> None:
        self.left = [ConsumerRecord("in", 0, o, 0, 0, b"k", b"v", None, 1, 1, ())
                     for o in range(count)]
        self.position = count + 1  # a transaction marker after the last record
        self.commits: list[dict[TopicPartition, int]] = []

    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    async def next(self, timeout: float) -> ConsumerRecord | None:
        if self.left:
            return self.left.pop(0)
        await asyncio.sleep(min(timeout, 0.01))  # nothing arrived within the wait
        return None

    async def caught_up(self) -> bool:
        return not self.left

    async def progress(self, done: dict[TopicPartition, int],
                       taking: TopicPartition | None = None) -> dict[TopicPartition, int]:
        return {**done, TP: self.position} if not self.left and taking != TP else dict(done)

    async def commit(self, offsets: dict[TopicPartition, int], mark: str = "") -> None:
        self.commits.append(dict(offsets))


class _Fenced:
    def __init__(self) -> None:
        self.sends = 0

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        self.sends += 1
        raise ProducerFenced()


class _Echo(Stage):
    async def take(self, message: Incoming) -> list[Send]:
        return [("out", message.key, message.value)]


def test_after_a_failed_flush_the_stage_stops_and_commits_nothing() -> None:
    feed, producer = _Feed(3), _Fenced()
    stage = _Echo(feed, producer)  # type: ignore[arg-type]
    with pytest.raises(ProducerFenced):
        asyncio.run(stage.run(asyncio.Event()))
    assert producer.sends == 1  # not retried
    assert feed.commits == []  # before the fix: the final flush committed {in-0: 4}


def test_a_flush_that_succeeds_commits_the_position_past_the_marker() -> None:
    class _Acked:
        async def send(self, *args: Any, **kwargs: Any) -> Any:
            return asyncio.sleep(0)

    feed = _Feed(3)
    stopping = asyncio.Event()

    async def scenario() -> None:
        stage = _Echo(feed, _Acked())  # type: ignore[arg-type]
        task = asyncio.create_task(stage.run(stopping))
        while not feed.commits or feed.commits[-1].get(TP) != 4:
            await asyncio.sleep(0.01)
        stopping.set()
        await task

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert feed.commits[-1] == {TP: 4}
