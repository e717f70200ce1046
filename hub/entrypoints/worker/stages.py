"""The worker's three stages. Each translates and delegates (STYLE.md): decode, call the
step in ``hub.services.worker_steps``, return what to send.

- :class:`ResolverStage` reads every source topic and the staff command topic and resolves
  each event to a child key; it is the hub's one sequencer (see docs/worker.md).
- :class:`ChildStage` reads resolved events and forwarded commands, keyed by child, and
  applies each to the child's state and to the child's episode state (two state tables,
  each on its compacted changelog).
- :class:`SinkStage` writes every output record to the SQL store (idempotent upserts).
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaProducer

from hub.adapters.merged_feed import MergedFeed
from hub.domain.child.state import ChildState
from hub.domain.episodes.state import EpisodeState
from hub.entrypoints.worker.guards import guarded, store_batch
from hub.entrypoints.worker.stage import Stage, retrying
from hub.entrypoints.worker.state_table import StateTable
from hub.ports import HubStore
from hub.services.resolution import Resolution
from hub.services.worker_steps import (
    Incoming,
    Router,
    Send,
    child_step,
    episode_step,
    identity_step,
    sink_records,
)


class ResolverStage(Stage):
    name = "resolver"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 resolution: Resolution) -> None:
        super().__init__(feed, producer)
        self.router, self.resolution = router, resolution

    def take(self, message: Incoming) -> list[Send]:
        return guarded(
            message,
            lambda: identity_step(self.router, self.resolution, message),
            lambda: [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity step")],
        )


def child_table(topic: str) -> StateTable[ChildState]:
    return StateTable(topic, ChildState.model_validate_json, lambda s: s.model_dump_json().encode())


def episode_table(topic: str) -> StateTable[EpisodeState]:
    return StateTable(
        topic, EpisodeState.model_validate_json, lambda s: s.model_dump_json().encode()
    )


class ChildStage(Stage):
    name = "children"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 children: StateTable[ChildState], episodes: StateTable[EpisodeState]) -> None:
        super().__init__(feed, producer)
        self.router, self.children, self.episodes = router, children, episodes

    def take(self, message: Incoming) -> list[Send]:
        dead = [self.router.dead_letter(message, "PROCESSOR_ERROR", "child step")]
        child, sends = guarded(
            message,
            lambda: child_step(self.router, self.children.get(message.key) or ChildState(),
                               message),
            lambda: (None, dead),
        )
        if child is not None:
            self.children.set(message.key, child)
        episodes, more = guarded(
            message,
            lambda: episode_step(self.router, self.episodes.get(message.key) or EpisodeState(),
                                 message),
            lambda: (None, [] if child is None else dead),  # one dead letter per message
        )
        if episodes is not None:
            self.episodes.set(message.key, episodes)
        return [*sends, *more]

    async def after_outputs(self) -> None:
        """The states move on only once the outputs they led to are durable."""
        changes = [*self.children.changelog(), *self.episodes.changelog()]
        if changes:
            await retrying("changelog", lambda: self.send_all(changes))


class SinkStage(Stage):
    name = "sink"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 store: HubStore) -> None:
        super().__init__(feed, producer)
        self.router, self.store = router, store
        self._pending: list[bytes] = []

    def take(self, message: Incoming) -> list[Send]:
        self._pending.append(message.value)
        return []

    async def after_outputs(self) -> None:
        """Write the batch; a record that never fits becomes a dead letter, sent before the
        inputs are committed."""
        values, self._pending = self._pending, []
        if values:
            records: list[Any] = sink_records(self.router, values)
            letters = await store_batch(self.store, self.router, records)
            if letters:
                    await retrying("send", lambda: self.send_all(letters))
