"""The Faust app: two agents, one table. Agents translate and delegate (STYLE.md).

- ``resolve-identity`` reads every source topic, resolves each event to a hub child key
  (``hub.services.resolution``), records the decision and forwards the event, unchanged,
  to ``cin.hub.resolved-events.v1`` under the child key. Its index is rebuilt from
  ``cin.hub.identity-decisions.v1`` before the worker starts, so run one resolver worker.
- ``build-episodes`` derives census-ready service episodes per child (its own table).
- ``sink`` writes every output to the SQL store in batches; writes are idempotent upserts.
- ``process-child`` reads resolved events and staff commands, both keyed by child key, and
  applies them to the child's state in the ``children`` table (a compacted changelog topic,
  from which the table recovers after a restart).

Ordering per input: outputs are sent and acknowledged before the child's state is saved, so a
crash in between makes the redelivered input re-send identical records (same ids, same
bytes) rather than be skipped as processed with its outputs lost. Consumers and SQL sinks
dedupe by record id. Faust flushes its producer before committing source offsets.

Concurrency is 1 per agent: with more, Faust can commit an offset past a message still in
flight (upstream issue #606). Scale with partitions and workers instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust

from hub.config import Settings
from hub.domain.child.state import ChildState
from hub.domain.episodes.state import EpisodeState
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
    sink_topics,
)

APP_PARTITIONS = 6  # == the partitions of the topics the child agent reads (topics.yaml)


def _incoming(event: Any) -> Incoming:
    m = event.message
    return Incoming(m.topic, m.partition, m.offset, (event.key or b"").decode(), event.value)


def build_app(
    settings: Settings, router: Router, resolution: Resolution, app_id: str, store: HubStore
) -> faust.App:
    app = faust.App(
        app_id,
        broker=[f"kafka://{h}" for h in settings.bootstrap.split(",")],
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=APP_PARTITIONS,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        broker_commit_interval=1.0,
        producer_acks=-1,
        datadir=str(settings.state_dir / "faust"),
    )
    raw = {"key_serializer": "raw", "value_serializer": "raw"}
    topics: dict[str, Any] = {}

    async def send(records: list[Send]) -> None:
        """Send and wait until Kafka has every record: only then may the state move on."""
        pending = []
        for topic, key, value in records:
            if topic not in topics:
                topics[topic] = app.topic(topic, **raw)
            pending.append(await topics[topic].send(key=key.encode(), value=value))
        for delivery in pending:
            await delivery

    # bytes keys and values: Faust then reads the changelog raw (it assumes JSON otherwise).
    children = app.Table(
        "children", default=None, partitions=APP_PARTITIONS, key_type=bytes, value_type=bytes
    )

    @app.agent(app.topic(*router.source_topics, **raw), name="resolve-identity", concurrency=1)
    async def resolve_identity(stream: Any) -> None:
        async for event in stream.events():
            await send(identity_step(router, resolution, _incoming(event)))

    child_inputs = app.topic(router.topic("ResolvedEvent"), router.topic("ClaimTask"), **raw)

    @app.agent(child_inputs, name="process-child", concurrency=1)
    async def process_child(stream: Any) -> None:
        async for event in stream.events():
            saved = children.get(event.key)
            state = ChildState.model_validate_json(saved) if saved else ChildState()
            state, records = child_step(router, state, _incoming(event))
            await send(records)  # outputs durable first: a crash now re-sends, never loses
            children[event.key] = state.model_dump_json().encode()

    episodes = app.Table(
        "episodes", default=None, partitions=APP_PARTITIONS, key_type=bytes, value_type=bytes
    )

    @app.agent(
        app.topic(router.topic("ResolvedEvent"), **raw), name="build-episodes", concurrency=1
    )
    async def build_episodes(stream: Any) -> None:
        async for event in stream.events():
            saved = episodes.get(event.key)
            state = EpisodeState.model_validate_json(saved) if saved else EpisodeState()
            state, records = episode_step(router, state, _incoming(event))
            await send(records)
            episodes[event.key] = state.model_dump_json().encode()

    @app.agent(app.topic(*sink_topics(router), **raw), name="sink", concurrency=1)
    async def sink(stream: Any) -> None:
        async for values in stream.take(500, within=1.0):
            await asyncio.to_thread(store.apply_many, sink_records(router, values))

    return app
