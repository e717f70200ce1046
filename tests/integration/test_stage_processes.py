"""Issue 14, item 2: the worker's stages as separate processes (``hub worker --stage``).

A synthetic authority is processed twice from the same source topics: once by one worker
process running all three stages, once by three processes (resolver, children, sink) in a
fresh namespace, each running until drained. The children process is SIGKILLed mid-stream
and started again. The census files of the two runs must be byte-identical, and a stage
downstream of the resolver must not stop before the resolver has settled identity (its
committed offsets carry the mark ``unsettled`` until then).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hub.adapters.kafka.client import admin_client
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.consumer_lag import group_lag, group_marks
from hub.domain.topic_access import ADMIN
from tests.integration.worker_harness import (
    census_from_database,
    publish_authority,
    rebuild_namespace,
    run_worker_until_drained,
    start_draining,
)

pytestmark = pytest.mark.integration
STAGES = ("resolver", "children", "sink")


def _wait(proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"{log.name} never drained:\n{log.read_text()[-4000:]}") from None
    assert code == 0, log.read_text()[-4000:]


@pytest.mark.timeout(900)
def test_one_process_per_stage_gives_the_census_of_one_worker(kafka_broker, tmp_path):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-stages", children=150))
    run_worker_until_drained(authority)
    one = census_from_database({**authority.env(ADMIN), "COLUMNS": "200"}, tmp_path / "one")
    assert "cin_census.xml" in one

    split = "it-stages-split"
    # the resolver settles only after 6 s idle: the downstream processes, whose drain checks
    # find every lag 0 long before, must wait for its mark
    env, admin = rebuild_namespace(authority, split, tmp_path / "split.db",
                                   HUB_IDENTITY_SETTLE_IDLE_S="6")
    logs = {s: tmp_path / f"worker-{s}.log" for s in STAGES}
    procs = {s: start_draining(env, logs[s], "--stage", s) for s in STAGES}

    # SIGKILL the children process once it has committed part of its input, then restart it
    deadline = time.monotonic() + 300
    while not asyncio.run(_mid_stream(authority.bootstrap, split)):
        assert time.monotonic() < deadline, logs["children"].read_text()[-3000:]
        assert procs["children"].poll() is None, logs["children"].read_text()[-3000:]
        time.sleep(0.2)
    procs["children"].send_signal(signal.SIGKILL)
    procs["children"].wait()
    procs["children"] = start_draining(env, logs["children"], "--stage", "children")

    for stage in STAGES:
        _wait(procs[stage], logs[stage], timeout=600)
    names = [s.name for s in authority.specs]  # the sources here, the commands in the split
    names += [split + n.removeprefix(authority.namespace) for n in names]
    marks = asyncio.run(group_marks(authority.bootstrap, f"{split}-cin-hub-resolver", names))
    assert marks == {"settled"}, marks
    children_log = logs["children"].read_text()
    assert children_log.count("state restored") == 2  # the restart restored its table
    settled = [line for line in logs["resolver"].read_text().splitlines()
               if "identity settled" in line]
    assert settled and '"children"' in settled[-1], settled  # it moved some children
    assert census_from_database(admin, tmp_path / "split") == one, (
        "one process per stage gave other census files than one worker")


async def _mid_stream(bootstrap: KafkaTarget, namespace: str) -> bool:
    """The children group has committed some of its input and has more to do."""
    async with admin_client(bootstrap) as admin:
        committed = await admin.list_consumer_group_offsets(f"{namespace}-cin-hub")
    started = any(meta.offset > 0 for meta in committed.values())
    resolved = f"{namespace}.cin.hub.resolved-events.v1"
    return started and await group_lag(bootstrap, f"{namespace}-cin-hub", [resolved]) > 0
