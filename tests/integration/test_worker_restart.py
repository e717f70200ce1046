"""Issue 4: SIGKILL the worker mid-stream, restart it, and check nothing is lost or doubled.

Tables recover from their changelog topics; the resolver rebuilds from its decisions. The
guarantee is at least once with deterministic outputs: any record a crash makes the worker
send again is byte-identical to the first copy (same id, same content), and the database,
which upserts by id, holds each contact, flag and task once.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import defaultdict
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.log import read_topic
from hub.adapters.store.sql.store import SqlHubStore
from hub.domain.events import Event
from tests.integration.worker_harness import (
    publish_authority,
    records_in,
    run_worker_until_drained,
    start_worker,
)

pytestmark = pytest.mark.integration


def _wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the worker made no progress in time"
        time.sleep(0.3)


@pytest.mark.timeout(900)
def test_sigkill_mid_stream_loses_nothing_and_doubles_nothing(
    kafka_broker, tmp_path, codec: AvroCodec
):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-restart", children=400))
    source_topics = [s.name for s in authority.specs if ".source." in s.name]
    sources = sum(asyncio.run(records_in(kafka_broker, t)) for t in source_topics)
    timeline = authority.topic("cin.hub.timeline.v1")
    worker = start_worker(authority, tmp_path / "worker.log")
    try:
        _wait_for(lambda: asyncio.run(records_in(kafka_broker, timeline)) > sources // 4, 240)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    progress = asyncio.run(records_in(kafka_broker, timeline))
    assert progress < sources, "killed too late to test a restart mid-stream"
    run_worker_until_drained(authority)
    # the restarted worker went on from the files the killed one kept (docs/worker.md)
    drain_log = Path(authority.database.removeprefix("sqlite:///")).with_name("drain.log")
    restored = [json.loads(line) for line in drain_log.read_text().splitlines()
                if '"state table restored"' in line]
    assert len(restored) == 2 and all(r["kept_copy"] for r in restored), restored

    async def copies(name: str) -> dict[str, list[bytes]]:
        by_id: dict[str, list[bytes]] = defaultdict(list)
        for r in await read_topic(kafka_broker, authority.topic(name)):
            record = codec.decode(r.value)
            by_id[_identity(record)].append(r.value)
        return by_id

    for name in (
        "cin.hub.contacts-and-flags.v1",
        "cin.hub.tasks.v1",
        "cin.hub.timeline.v1",
        "cin.hub.episodes.v1",
        "cin.hub.sen-exchange.v1",
    ):
        by_id = asyncio.run(copies(name))
        assert by_id, name
        different = [i for i, values in by_id.items() if len(set(values)) > 1]
        assert not different, f"{name}: an id was emitted with two different contents"

    resolved = asyncio.run(read_topic(kafka_broker, authority.topic("cin.hub.resolved-events.v1")))
    events = [e for e in map(codec.decode, (r.value for r in resolved)) if isinstance(e, Event)]
    shareable = {e.envelope.event_id for e in events if e.envelope.consent.share_child_detail}
    published = {
        codec.decode(r.value).envelope.event_id
        for topic in source_topics
        for r in asyncio.run(read_topic(kafka_broker, topic))
        if codec.decode(r.value).envelope.consent.share_child_detail
    }
    assert published == shareable, "a source event was never resolved (lost on restart)"
    entries = asyncio.run(copies("cin.hub.timeline.v1"))
    assert {i.split("|")[1] for i in entries} == shareable  # every event processed, once

    store = SqlHubStore(authority.database)
    contacts = asyncio.run(copies("cin.hub.contacts-and-flags.v1"))
    contact_ids = {i for i in contacts if i.startswith("ContactRecordCreated|")}
    keys = {i.split("|")[2] for i in contact_ids}
    stored = {c.contact_id for k in keys for c in store.contacts(k)}
    assert stored == {i.split("|")[1] for i in contact_ids}


def _identity(record: object) -> str:
    """The id under which a record must never appear with two contents."""
    name = type(record).__name__
    for field in ("contact_id", "flag_id", "reply_id", "relay_id", "decision_id", "episode_id"):
        if hasattr(record, field):
            version = getattr(record, "version", "")
            extra = f"|{record.child_key}" if field == "contact_id" else ""  # type: ignore[attr-defined]
            return f"{name}|{getattr(record, field)}{extra}|{version}"
    if name == "TaskChanged":
        return f"{name}|{record.task_id}|{record.version}"  # type: ignore[attr-defined]
    if name == "TimelineEntry":
        return f"{name}|{record.event_id}|{record.child_key}"  # type: ignore[attr-defined]
    raise AssertionError(f"no id rule for {name}: add one so the check can fail")
