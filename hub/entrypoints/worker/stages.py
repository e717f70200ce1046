"""The worker's three stages. Each translates and delegates (STYLE.md): decode the message
once (``Router.arrive``), call the typed steps in ``hub.usecases.worker_steps``, encode what
they return once (``Router.sends``).

- ``ResolverStage`` (``resolver_stage``) reads every source topic and the staff command
  topic and resolves each event to a child key: the hub's one sequencer (docs/worker.md).
- :class:`ChildStage` reads resolved events and forwarded commands, keyed by child, and
  applies each to the child's state and to the child's episode state, on event time: each
  child's facts are kept in order and a late one re-derives the child
  (``hub.usecases.event_time``). Four state tables, each on its compacted changelog.
- :class:`SinkStage` writes every output record to the SQL store (idempotent upserts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from hub.adapters.kafka.merged_feed import MergedFeed
from hub.domain.adoption import adopt_moved, receivers
from hub.domain.child.event_time import FactLog
from hub.domain.child.state import ChildState
from hub.domain.child.task_ownership import owner_key, take_over_tasks
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.outputs import ChildReset
from hub.domain.outputs.tasks import TaskChanged
from hub.entrypoints.worker.guards import guarded, store_batch
from hub.entrypoints.worker.stage import Stage, retrying
from hub.entrypoints.worker.state_table import StateTable
from hub.logging import get_logger
from hub.ports import HubStore
from hub.usecases.event_time import (
    fact_reader,
    next_log,
    ordered_child_step,
    ordered_episode_step,
    place_step,
)
from hub.usecases.worker_steps import Arrived, Incoming, Refused, Router, Send, sink_record

log = get_logger(__name__)


def _json(state: Any) -> bytes:
    return state.model_dump_json().encode()  # type: ignore[no-any-return]


def _held(raw: bytes) -> tuple[int, str]:
    version, key = raw.decode().split("|", 1)
    return int(version), key


@dataclass
class ChildTables:
    children: StateTable[ChildState]
    episodes: StateTable[EpisodeState]
    owners: StateTable[tuple[int, str]]
    facts: StateTable[FactLog]

    @classmethod
    def named(cls, topic: Callable[[str], str]) -> ChildTables:
        return cls(
            StateTable(topic("children"), ChildState.model_validate_json, _json),
            StateTable(topic("episodes"), EpisodeState.model_validate_json, _json),
            StateTable(topic("episode-owners"), _held, lambda h: f"{h[0]}|{h[1]}".encode()),
            StateTable(topic("facts"), FactLog.model_validate_json, _json),
        )

    @property
    def all(self) -> tuple[StateTable[Any], ...]:
        return (self.children, self.episodes, self.owners, self.facts)


class ChildStage(Stage):
    """Per child: the child processor and the episode builder, on four state tables (the
    child's state, its episode state, which child last emitted each episode id, and the
    child's facts in event-time order)."""

    name = "children"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 tables: ChildTables) -> None:
        super().__init__(feed, producer)
        self.router, self.t = router, tables
        self.read_fact = fact_reader(router)

    async def take(self, message: Incoming) -> list[Send]:
        """Decode the message once, run the steps on it, encode what they produced once."""
        arrival = guarded(message, lambda: self.router.arrive(message), lambda: None)
        if arrival is None:
            return [self._dead(message)]
        key = message.key
        children, episodes, log = self.t.children, self.t.episodes, self.t.facts.get(key)
        placed = guarded(message, lambda: place_step(arrival, log, self.read_fact), lambda: None)

        def child_step() -> tuple[ChildState | None, list[BaseModel | Refused], list[Send]]:
            state = children.get(key) or ChildState()
            child, outputs = ordered_child_step(state, arrival, key, placed, log)
            if child is not None:
                child, outputs = take_over_tasks(child, key, outputs, self._task_owner)
            return child, outputs, self.router.sends(message, outputs)

        child, outputs, sends = guarded(message, child_step,
                                        lambda: (None, [], [self._dead(message)]))
        if child is not None:
            children.set(key, child)
        state, emitted = guarded(
            message,
            lambda: ordered_episode_step(episodes.get(key) or EpisodeState(), arrival, key,
                                         placed, self.t.owners.get),
            lambda: (None, []),
        )
        if state is None and child is not None:
            sends = [*sends, self._dead(message)]  # one dead letter per message
        if state is not None:
            episodes.set(key, state)
        is_reset = isinstance(arrival, Arrived) and isinstance(arrival.record, ChildReset)
        if (kept := next_log(placed, child, is_reset)) is not None:
            self.t.facts.set(key, kept)
        if is_reset:
            emitted += self._adopt(key, outputs, emitted)
        for episode in emitted:
            self.t.owners.set(episode.episode_id, (episode.version, episode.child_key))
        for task in outputs:
            if isinstance(task, TaskChanged):
                self.t.owners.set(owner_key(task.task_id), (task.version, task.child_key))
        return [*sends, *self.router.sends(message, emitted)]

    def _task_owner(self, task_id: str) -> tuple[int, str] | None:
        return self.t.owners.get(owner_key(task_id))

    def _dead(self, message: Incoming) -> Send:
        return self.router.dead_letter(message, "PROCESSOR_ERROR", "child step")

    def _adopt(
        self, key: str, outputs: list[BaseModel | Refused], emitted: list[ServiceEpisode]
    ) -> list[ServiceEpisode]:
        """A merged-away child moves its open tasks and episodes to the survivor: the
        survivor's states learn them here (``hub.domain.adoption``; this worker holds every
        child), so staff commands and later versions continue from what the sink holds."""
        to = receivers(key, outputs, emitted)
        adopted = adopt_moved(
            key, outputs, emitted,
            {k: s for k in to.children if (s := self.t.children.get(k)) is not None},
            {k: e for k in to.episodes if (e := self.t.episodes.get(k)) is not None},
        )
        for child_key, child in adopted.children.items():
            self.t.children.set(child_key, child)
        for child_key, state in adopted.episodes.items():
            self.t.episodes.set(child_key, state)
        return adopted.again

    async def after_outputs(self) -> None:
        """The states move on only once the outputs they led to are durable; the facts last.

        The four changelogs are not written atomically: a worker killed meanwhile leaves
        some at the batch's new states, some at the old, and the restart redoes the batch on
        what it restores. The facts log says whether an event was seen already (the episode
        builder then derives nothing from it again), so it must never be restored ahead of
        the other tables: it is sent only once their records are acknowledged. Restored
        behind them, the redo derives again what the other tables already hold: the same
        content, though an episode's version number may advance (a known difference, see
        docs/worker.md; tests/unit/entrypoints/worker/test_changelog_crash.py)."""
        t = self.t
        states = [c for table in (t.children, t.episodes, t.owners) for c in table.changelog()]
        if states:
            await retrying("changelog", lambda: self.send_all(states))
        facts = t.facts.changelog()
        if facts:
            await retrying("changelog", lambda: self.send_all(facts))


class SinkStage(Stage):
    name = "sink"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 store: HubStore) -> None:
        super().__init__(feed, producer)
        self.router, self.store = router, store
        self._pending: list[BaseModel] = []

    async def take(self, message: Incoming) -> list[Send]:
        if (record := sink_record(self.router.arrive(message, remember=False))) is not None:
            self._pending.append(record)
        return []

    async def after_outputs(self) -> None:
        """Write the batch; a record that never fits becomes a dead letter, sent before the
        inputs are committed."""
        records, self._pending = self._pending, []
        if records:
            letters = await store_batch(self.store, self.router, records)
            if letters:
                    await retrying("send", lambda: self.send_all(letters))
