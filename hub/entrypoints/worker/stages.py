"""The worker's three stages. Each translates and delegates (STYLE.md): decode the message
once (``Router.arrive``), call the typed steps in ``hub.usecases.worker_steps``, encode what
they return once (``Router.sends``).

- ``ResolverStage`` (``resolver_stage``) reads every source topic and the staff command
  topic and resolves each event to a child key: the hub's one sequencer (docs/worker.md).
- :class:`ChildStage` reads resolved events and forwarded commands, keyed by child, and
  applies each to the child's state and to the child's episode state, on event time: each
  child's facts are kept in order and a late one re-derives the child
  (``hub.usecases.event_time``). Two state tables, each on its compacted changelog: per
  child one record (state, episodes, facts), and the owners of episode and task ids.
- :class:`SinkStage` writes every output record to the SQL store (idempotent upserts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar, cast

from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import read_topics
from hub.adapters.kafka.merged_feed import MergedFeed
from hub.domain.adoption import adopt_moved, receivers
from hub.domain.child.event_time import FactLog
from hub.domain.child.state import ChildState
from hub.domain.child.task_ownership import owner_key, take_over_tasks
from hub.domain.emitted_versions import Held, held_of
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.outputs import ChildReset
from hub.domain.outputs.tasks import TaskChanged
from hub.domain.replays import Replays
from hub.entrypoints.worker.guards import guarded, store_batch
from hub.entrypoints.worker.stage import Stage, retrying
from hub.entrypoints.worker.state_table import StateBytes, StateTable, in_memory
from hub.logging import get_logger
from hub.ports import HubStore, LogRecord
from hub.usecases.event_time import (
    fact_reader,
    next_log,
    ordered_child_step,
    ordered_episode_step,
    place_step,
)
from hub.usecases.worker_steps import Arrived, Incoming, Refused, Router, Send, sink_record

log = get_logger(__name__)
S = TypeVar("S")


def _held(raw: bytes) -> Held:
    version, key, *sent = raw.decode().split("|", 2)
    return (int(version), key, sent[0]) if sent else (int(version), key)


def _dump_held(held: Held) -> bytes:
    return "|".join(str(part) for part in held).encode()


class ChildRecord(NamedTuple):
    """Everything the stage keeps for one child, written as one changelog record."""

    child: ChildState | None = None
    episodes: EpisodeState | None = None
    facts: FactLog | None = None


_PART_SEP = b"\x1e"  # never in JSON text (a control character is always escaped there)


def _dump_record(record: ChildRecord) -> bytes:
    return _PART_SEP.join(b"" if part is None else part.model_dump_json().encode()
                          for part in record)


def _load_record(raw: bytes) -> ChildRecord:
    child, episodes, facts = raw.split(_PART_SEP)
    return ChildRecord(
        ChildState.model_validate_json(child) if child else None,
        EpisodeState.model_validate_json(episodes) if episodes else None,
        FactLog.model_validate_json(facts) if facts else None,
    )


class ChildPart(Generic[S]):
    """One part (``ChildRecord`` field) of every child's record, read and written by key."""

    def __init__(self, table: StateTable[ChildRecord], field: str) -> None:
        self.table, self.field = table, field

    @property
    def topic(self) -> str:
        return self.table.topic

    def get(self, key: str) -> S | None:
        record = self.table.get(key)
        return None if record is None else cast(S | None, getattr(record, self.field))

    def set(self, key: str, value: S) -> None:
        record = self.table.get(key) or ChildRecord()
        changed: dict[str, Any] = {self.field: value}
        self.table.set(key, record._replace(**changed))


@dataclass
class ChildTables:
    """The stage's state: per child one record (its ``ChildState``, ``EpisodeState`` and
    facts in event-time order) on one compacted changelog, so a crash can never restore one
    part of a child ahead of another (a single Kafka record is written whole or not at all);
    and per episode or task id the last (version, child key) that emitted it."""

    record: StateTable[ChildRecord]
    owners: StateTable[Held]

    def __post_init__(self) -> None:
        self.children: ChildPart[ChildState] = ChildPart(self.record, "child")
        self.episodes: ChildPart[EpisodeState] = ChildPart(self.record, "episodes")
        self.facts: ChildPart[FactLog] = ChildPart(self.record, "facts")

    @classmethod
    def named(cls, topic: Callable[[str], str],
              stored: Callable[[str], StateBytes] = in_memory) -> ChildTables:
        """``stored``: where each table keeps its bytes, given its changelog topic (the
        worker's: a file kept across restarts)."""
        return cls(
            StateTable(topic("child-state"), _load_record, _dump_record, stored,
                       name="child-state"),
            StateTable(topic("episode-owners"), _held, _dump_held, stored,
                       name="episode-owners"),
        )

    def close(self) -> None:
        for table in self.all:
            table.close()

    @property
    def all(self) -> tuple[StateTable[Any], ...]:
        return (self.record, self.owners)

    async def adopt_legacy(self, bootstrap: KafkaTarget, topic: Callable[[str], str]) -> int:
        """A worker upgraded in place from the three separate changelogs (before 2026-12-07:
        ``children``, ``episodes``, ``facts``): their latest values become each child's
        record, written to the new changelog at the first flush. Returns the children taken
        over (0 when there were none)."""
        names = {topic(old): part for old, part in _LEGACY.items()}
        latest: dict[str, dict[str, bytes | None]] = {}
        for found in await read_topics(bootstrap, names):
            latest.setdefault(found.key, {})[names[found.topic]] = found.value
        for key, parts in latest.items():
            raw = [parts.get(part) or b"" for part in ChildRecord._fields]
            self.record.set(key, _load_record(_PART_SEP.join(raw)))
        return len(latest)


_LEGACY = {"children": "child", "episodes": "episodes", "facts": "facts"}


class ChildStage(Stage):
    """Per child: the child processor and the episode builder, on two state tables (each
    child's record: its state, its episode state and its facts in event-time order; and
    which child last emitted each episode and task id)."""

    name = "children"

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 tables: ChildTables,
                 write_state: Callable[[list[Send]], Awaitable[list[LogRecord] | None]]
                 | None = None) -> None:
        super().__init__(feed, producer)
        self.router, self.t = router, tables
        self.write_state = write_state or self.send_all
        """How a batch's state changelogs are written: in one transaction, returning the
        records as written (the worker), or plainly (tests without a broker)."""
        self.read_fact = fact_reader(router)
        self.replays = Replays()
        """The rules' runs of recent rebuilds, reused by the next late fact of the same child
        (``hub.domain.replays``)."""

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
            child, outputs = ordered_child_step(state, arrival, key, placed, log,
                                                replays=self.replays)
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
                                         placed, self.t.owners.get, replays=self.replays),
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
            self.t.owners.set(episode.episode_id,
                              held_of(episode, episode.version, episode.child_key))
        for task in outputs:
            if isinstance(task, TaskChanged):
                self.t.owners.set(owner_key(task.task_id),
                                  held_of(task, task.version, task.child_key))
        return [*sends, *self.router.sends(message, emitted)]

    def _task_owner(self, task_id: str) -> Held | None:
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
        """The states move on only once the outputs they led to are durable: the owners of
        the episode and task ids emitted and each changed child's record (its state,
        episodes and facts together), all in one transaction (``write_state``). A worker
        killed meanwhile restores the whole batch's state or none of it, and the restart
        redoes the batch on that: byte for byte what it sent the first time."""
        t = self.t
        states = [*t.owners.changelog(), *t.record.changelog()]
        if not states:
            return
        written: list[LogRecord] | None = None

        async def write() -> None:
            nonlocal written
            written = await self.write_state(states)

        await retrying("changelog", write)
        if written is not None:  # committed in Kafka: each table's local copy keeps them
            for table in t.all:
                table.written(written)


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
