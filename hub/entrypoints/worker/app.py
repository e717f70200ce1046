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
import itertools
from collections.abc import Callable
from typing import Any, TypeVar

import faust

from hub.config import Settings
from hub.domain.child.state import ChildState
from hub.domain.episodes.state import EpisodeState
from hub.logging import get_logger
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

T = TypeVar("T")
log = get_logger(__name__)
APP_PARTITIONS = 6  # == the partitions of the topics the child agent reads (topics.yaml)


def _incoming(event: Any) -> Incoming:
    m = event.message
    key = (event.key or b"").decode("utf-8", errors="backslashreplace")
    return Incoming(m.topic, m.partition, m.offset, key, event.value or b"")


def _guarded(message: Incoming, step: Callable[[], T], on_error: Callable[[], T]) -> T:
    """Run a step; any failure becomes a dead letter naming the error type, never a lost message.

    Faust would otherwise mark the message processed, restart the agent and commit past it.
    Only the exception's type is recorded: its text may quote personal data.
    """
    try:
        return step()
    except Exception as exc:
        log.error("message dead-lettered", location=message.location, error=type(exc).__name__)
        return on_error()


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
        web_enabled=settings.worker_web_port is not None,
        web_port=settings.worker_web_port or 6066,
        web_bind="127.0.0.1",
        broker_commit_interval=1.0,
        producer_acks=-1,
        datadir=str(settings.state_dir / "faust"),
    )
    raw = {"key_serializer": "raw", "value_serializer": "raw"}
    topics: dict[str, Any] = {}

    async def send_once(records: list[Send]) -> None:
        pending = []
        for topic, key, value in records:
            if topic not in topics:
                topics[topic] = app.topic(topic, **raw)
            pending.append(await topics[topic].send(key=key.encode(), value=value))
        for delivery in pending:
            await delivery

    async def send(records: list[Send]) -> None:
        """Send and wait until Kafka has every record: only then may the state move on.

        A failed send is retried with backoff, never skipped (records are idempotent by id).
        """
        for attempt in itertools.count():
            try:
                return await send_once(records)
            except Exception as exc:
                log.error("send failed, retrying", error=type(exc).__name__, attempt=attempt)
                await asyncio.sleep(min(30.0, 0.5 * 2**attempt))

    # bytes keys and values: Faust then reads the changelog raw (it assumes JSON otherwise).
    children = app.Table(
        "children", default=None, partitions=APP_PARTITIONS, key_type=bytes, value_type=bytes
    )

    @app.agent(app.topic(*router.source_topics, **raw), name="resolve-identity", concurrency=1)
    async def resolve_identity(stream: Any) -> None:
        async for event in stream.events():
            message = _incoming(event)
            records = _guarded(
                message,
                lambda m=message: identity_step(router, resolution, m),
                lambda m=message: [router.dead_letter(m, "PROCESSOR_ERROR", "identity step")],
            )
            await send(records)

    child_inputs = app.topic(router.topic("ResolvedEvent"), router.topic("ClaimTask"), **raw)

    @app.agent(child_inputs, name="process-child", concurrency=1)
    async def process_child(stream: Any) -> None:
        async for event in stream.events():
            message = _incoming(event)
            saved = children.get(event.key)

            def step(saved: bytes | None = saved, message: Incoming = message) -> tuple:  # type: ignore[type-arg]
                state = ChildState.model_validate_json(saved) if saved else ChildState()
                return child_step(router, state, message)

            state, records = _guarded(
                message,
                step,
                lambda m=message: (None, [router.dead_letter(m, "PROCESSOR_ERROR", "child step")]),
            )
            await send(records)  # outputs durable first: a crash now re-sends, never loses
            if state is not None:
                children[event.key] = state.model_dump_json().encode()

    episodes = app.Table(
        "episodes", default=None, partitions=APP_PARTITIONS, key_type=bytes, value_type=bytes
    )

    @app.agent(
        app.topic(router.topic("ResolvedEvent"), **raw), name="build-episodes", concurrency=1
    )
    async def build_episodes(stream: Any) -> None:
        async for event in stream.events():
            message = _incoming(event)
            saved = episodes.get(event.key)

            def step(saved: bytes | None = saved, message: Incoming = message) -> tuple:  # type: ignore[type-arg]
                state = EpisodeState.model_validate_json(saved) if saved else EpisodeState()
                return episode_step(router, state, message)

            state, records = _guarded(
                message,
                step,
                lambda m=message: (
                    None,
                    [router.dead_letter(m, "PROCESSOR_ERROR", "episode step")],
                ),
            )
            await send(records)
            if state is not None:
                episodes[event.key] = state.model_dump_json().encode()

    @app.agent(app.topic(*sink_topics(router), **raw), name="sink", concurrency=1)
    async def sink(stream: Any) -> None:
        async for values in stream.take(500, within=1.0):
            await send(await _store(store, router, sink_records(router, values)))

    return app


async def _store(store: HubStore, router: Router, records: list[Any]) -> list[Send]:
    """Write a batch; retry, then record by record. Returns dead letters for what never fits.

    Faust marks a taken batch processed even if this raises, so nothing may escape.
    """
    for attempt in range(5):
        try:
            await asyncio.to_thread(store.apply_many, records)
            return []
        except Exception as exc:
            log.error("store write failed, retrying", error=type(exc).__name__, attempt=attempt)
            await asyncio.sleep(0.5 * 2**attempt)
    letters = []
    for record in records:
        try:
            await asyncio.to_thread(store.apply, record)
        except Exception as exc:
            encoded = router.codec.encode(record)
            where = Incoming("sink", 0, 0, type(record).__name__, encoded)
            letters.append(router.dead_letter(where, "STORE_FAILED", type(exc).__name__))
    return letters
