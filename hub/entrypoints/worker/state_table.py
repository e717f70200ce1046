"""Per-child state kept in memory and backed by a compacted changelog topic.

The worker's replacement for a Faust table: ``get``/``set`` by child key; the states changed
since the last flush go to the changelog (latest value per key) when the stage flushes, after
the outputs they led to are durable; on start-up the table is restored by reading its
changelog from the beginning (the latest record per key wins).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import read_topic
from hub.usecases.worker_steps import Send

S = TypeVar("S")


class StateTable(Generic[S]):
    def __init__(
        self, topic: str, load: Callable[[bytes], S], dump: Callable[[S], bytes]
    ) -> None:
        self.topic = topic
        self._load = load
        self._dump = dump
        self._raw: dict[str, bytes] = {}
        self._live: dict[str, S] = {}
        self._dirty: set[str] = set()

    async def restore(self, bootstrap: KafkaTarget) -> int:
        for record in await read_topic(bootstrap, self.topic):
            key = record.key
            if record.value is None:
                self._raw.pop(key, None)
            else:
                self._raw[key] = record.value
        return len(self._raw)

    def get(self, key: str) -> S | None:
        if key in self._live:
            return self._live[key]
        raw = self._raw.get(key)
        if raw is None:
            return None
        state = self._live[key] = self._load(raw)
        return state

    def set(self, key: str, state: S) -> None:
        self._live[key] = state
        self._dirty.add(key)

    def __len__(self) -> int:
        return len(self._raw.keys() | self._live.keys())

    def changelog(self) -> list[Send]:
        """The changed states, to send. Every state goes back to its compact bytes form, so
        memory holds parsed objects only for the children of one batch."""
        sends = [(self.topic, key, self._dump(self._live[key])) for key in sorted(self._dirty)]
        self._raw.update({key: value for _, key, value in sends})
        self._live.clear()
        self._dirty.clear()
        return sends
