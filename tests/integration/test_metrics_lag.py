"""``/metrics`` scraped during a replay: the consumer lag of every worker stage falls to zero.

A synthetic authority's source topics are the backlog. A worker replays them into a fresh
namespace, as ``hub replay`` runs its worker (``HUB_SOURCE_NAMESPACE``), with its endpoint on
(``HUB_WORKER_WEB_PORT``) and its gauges re-read every second; the test scrapes
``GET /metrics`` every half second, as Prometheus would, until every stage's
``hub_consumer_lag`` has stayed at zero for several refreshes.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from hub.adapters.kafka.consumer_lag import records_in
from hub.domain.topic_access import ADMIN, WORKER
from tests.integration.kafka_fixtures import free_port
from tests.integration.worker_harness import HUB, hub_cli, publish_authority

pytestmark = pytest.mark.integration
LAG = re.compile(r'^hub_consumer_lag\{stage="(\w+)"\} ([0-9.e+]+)$', re.MULTILINE)
PROCESSED = re.compile(r'^hub_records_processed_total\{stage="(\w+)"\} ([0-9.e+]+)$', re.MULTILINE)
STAGES = ("resolver", "children", "sink")
REFRESH_S = 1.0  # HUB_WORKER_METRICS_REFRESH_S (default 5 s): a short replay, several reads


async def scrape_until_drained(port: int, worker: subprocess.Popen[bytes], log: Path,
                               limit_s: float = 240.0) -> list[tuple[float, dict[str, int]]]:
    """Each change of the lag gauges, with seconds since the first scrape that had them,
    until every stage has stayed at zero for several refreshes."""
    series: list[tuple[float, dict[str, int]]] = []
    zero_since: float | None = None
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5.0) as client:
        while time.monotonic() - began < limit_s:
            assert worker.poll() is None, log.read_text()[-3000:]
            try:
                text = (await client.get("/metrics")).text
                lags = {stage: int(float(value)) for stage, value in LAG.findall(text)}
            except httpx.TransportError:  # the endpoint is not up yet
                lags = {}
            now = time.monotonic()
            if set(lags) == set(STAGES):
                if not series:
                    began = now
                if not series or series[-1][1] != lags:
                    series.append((round(now - began, 1), lags))
                if any(lags.values()):
                    zero_since = None
                elif zero_since is None:
                    zero_since = now
                elif now - zero_since > 6 * REFRESH_S:  # later refreshes read zero too
                    return series
            await asyncio.sleep(0.5)
    raise AssertionError(f"lag never stayed at zero: {series[-3:]}\n{log.read_text()[-2000:]}")


@pytest.mark.timeout(400)
async def test_metrics_scraped_during_a_replay_show_the_lag_falling_to_zero(kafka_broker,
                                                                          tmp_path):
    source = await publish_authority(tmp_path, kafka_broker, "lag-src", children=80)
    backlog = await records_in(kafka_broker, [s.name for s in source.specs
                                              if ".source." in s.name])
    port = free_port()

    def env_as(user: str) -> dict[str, str]:
        return {**source.env(user), "HUB_TOPIC_NAMESPACE": "lag-replay",
                "HUB_SOURCE_NAMESPACE": source.namespace,
                "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'replay.db'}",
                "HUB_WORKER_WEB_PORT": str(port),
                "HUB_WORKER_METRICS_REFRESH_S": str(REFRESH_S)}

    env = env_as(WORKER)
    hub_cli(env_as(ADMIN), "topics", "apply")  # an operator's command, as `hub replay` does it
    log = tmp_path / "replay-worker.log"
    started = time.monotonic()
    with log.open("ab") as out:
        worker = subprocess.Popen([HUB, "worker"], env=env, stdout=out, stderr=out)
    try:
        series = await scrape_until_drained(port, worker, log)
        async with httpx.AsyncClient(timeout=5.0) as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        processed = {stage: int(float(value)) for stage, value in PROCESSED.findall(text)}
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(f"backlog {backlog} source records; drained in {time.monotonic() - started:.0f} s;"
          f" hub_consumer_lag by stage at each change: {series}")

    resolver = [lags["resolver"] for _, lags in series]
    # the resolver reads only the replayed source topics, which nothing appends to meanwhile:
    # its lag starts above zero (up to the whole backlog) and only ever falls, to zero
    assert 0 < resolver[0] <= backlog
    assert resolver == sorted(resolver, reverse=True), resolver
    assert series[-1][1] == dict.fromkeys(STAGES, 0)
    # drained, not idle: every stage processed records (the later stages' lag rises and falls
    # between refreshes, so a scrape may or may not catch it above zero)
    assert all(processed.get(stage, 0) > 0 for stage in STAGES), processed
    # the start-up restore of each state table: a new namespace, so read whole (and empty)
    for table in ("child-state", "episode-owners"):
        assert f'hub_state_restore_kept{{table="{table}"}} 0.0' in text
        assert f'hub_state_restore_records{{table="{table}"}} 0.0' in text
        assert f'hub_state_restore_seconds{{table="{table}"}}' in text
