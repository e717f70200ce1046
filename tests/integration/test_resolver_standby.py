"""Issue 14, item 2: the resolver stays one sequencer, with a warm standby that takes over
within seconds when it dies (``hub worker --stage resolver --lease``, run twice).

On the real broker:

- the lease (``hub.adapters.kafka.lease``) has one holder; a member joining later does not
  take it away; when the holder leaves, the waiting member gets it;
- a synthetic authority is rebuilt by two leased resolver processes, a children process and
  a sink process; the holding resolver is SIGKILLed mid-stream; the standby takes over
  within seconds, with an index it had already built from the decision log, and the census
  files are byte-identical to those of one undisturbed worker.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.consumer_lag import records_in
from hub.adapters.kafka.lease import SESSION_TIMEOUT_MS, KafkaLease
from hub.domain.topic_access import ADMIN
from hub.topics_spec import TopicSpec
from tests.integration.worker_harness import (
    census_from_database,
    publish_authority,
    rebuild_namespace,
    run_worker_until_drained,
    start_draining,
)

pytestmark = pytest.mark.integration
TAKEOVER_LIMIT_S = 20.0
"""The standby must be resolving within this long after the holder is killed: the dead
holder's session (6 s) and the takeover itself."""


async def _lease_topic(bootstrap: KafkaTarget, name: str) -> None:
    await apply_topics(bootstrap, [TopicSpec(
        name=name, partitions=1, replication_factor=1, key="-", value=("-",), flow="-")])


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
        return True
    except TimeoutError:
        return False


@pytest.mark.timeout(120)
def test_the_lease_has_one_holder_and_a_later_member_does_not_take_it(kafka_broker):
    async def scenario() -> None:
        topic = "it-lease-only-cin-hub-resolver-lease"
        await _lease_topic(kafka_broker, topic)
        first, second = KafkaLease(kafka_broker, topic, topic), KafkaLease(kafka_broker, topic,
                                                                           topic)
        try:
            await first.join()
            assert await _wait(first.held, 30), "the first member never got the lease"
            await second.join()
            # the second member's join makes the group rebalance: the holder must keep it
            assert not await _wait(second.held, SESSION_TIMEOUT_MS / 1000 + 4)
            assert first.held.is_set() and not first.lost.is_set()
            began = time.monotonic()
            await first.release()
            assert await _wait(second.held, 15), "the waiting member never got the lease"
            assert time.monotonic() - began < 10
        finally:
            await first.release()
            await second.release()

    asyncio.run(scenario())


def _events(log: Path, name: str) -> list[dict[str, object]]:
    found = []
    for line in log.read_text().splitlines():
        if line.startswith("{") and f'"{name}"' in line:
            found.append(json.loads(line))
    return found


async def _committed(bootstrap: KafkaTarget, group: str) -> int:
    async with admin_client(bootstrap) as admin:
        offsets = await admin.list_consumer_group_offsets(group)
    return sum(max(0, meta.offset) for meta in offsets.values())


def _until(what: str, check, limit_s: float, logs: list[Path]) -> float:  # type: ignore[no-untyped-def]
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > limit_s:
            tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2500:]}" for p in logs)
            raise AssertionError(f"{what}: not within {limit_s:.0f} s\n{tails}")
        time.sleep(0.05)
    return time.monotonic() - began


@pytest.mark.timeout(900)
def test_a_standby_resolver_takes_over_when_the_holder_is_killed(kafka_broker, tmp_path):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-standby",
                                              children=600))
    run_worker_until_drained(authority)
    one = census_from_database({**authority.env(ADMIN), "COLUMNS": "200"}, tmp_path / "one")
    sources = [s.name for s in authority.specs if ".cin.source." in s.name]
    total = asyncio.run(records_in(authority.bootstrap, sources))

    ha = "it-standby-ha"
    env, admin = rebuild_namespace(authority, ha, tmp_path / "ha.db")
    logs = {n: tmp_path / f"{n}.log" for n in ("holder", "standby", "children", "sink")}
    procs = {"holder": start_draining(env, logs["holder"], "--stage", "resolver", "--lease")}
    _until("the first resolver holds the lease",
           lambda: _events(logs["holder"], "resolver taken over"), 60, [logs["holder"]])
    procs["standby"] = start_draining(env, logs["standby"], "--stage", "resolver", "--lease")
    procs["children"] = start_draining(env, logs["children"], "--stage", "children")
    procs["sink"] = start_draining(env, logs["sink"], "--stage", "sink")

    group = f"{ha}-cin-hub-resolver"
    _until("the holder is a third of the way through",
           lambda: total / 3 < asyncio.run(_committed(authority.bootstrap, group)) < total,
           120, list(logs.values()))
    procs["holder"].send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    procs["holder"].wait()
    assert asyncio.run(_committed(authority.bootstrap, group)) < total  # killed mid-stream
    took = _until("the standby takes over",
                  lambda: _events(logs["standby"], "resolver taken over"),
                  TAKEOVER_LIMIT_S, list(logs.values()))
    assert took <= TAKEOVER_LIMIT_S and time.monotonic() - killed_at <= TAKEOVER_LIMIT_S + 1
    takeover = _events(logs["standby"], "resolver taken over")[0]
    # its index was warm: built from the decision log before it held the lease
    assert int(str(takeover["decisions"])) > 100, takeover
    print(f"standby resolving {took:.1f} s after the kill; takeover {takeover}")

    for name in ("standby", "children", "sink"):
        try:
            code = procs[name].wait(timeout=600)
        except subprocess.TimeoutExpired:
            procs[name].kill()
            raise AssertionError(logs[name].read_text()[-3000:]) from None
        assert code == 0, logs[name].read_text()[-3000:]
    assert census_from_database(admin, tmp_path / "ha") == one, (
        "the rebuild with a resolver killed and taken over gave other census files")
