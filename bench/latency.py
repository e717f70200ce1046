"""Live latency: events pushed through the HTTP intake at a steady rate while a backlog is
being processed; from the intake's acknowledgement (its 202: the event is durable in Kafka)
to the task row in the SQL store.

    .venv/bin/python bench/latency.py [--rate 50] [--seconds 60] [--backlog-children 2000]
                                      [--backlog same|replay|drained]

1. publish a synthetic authority (the backlog) through the connectors into a fresh namespace;
2. start ``hub worker`` and ``hub intake serve`` (real processes, an API key for
   ``education-sen``). ``--backlog same``: the live worker is the one that processes the
   backlog (a connector's batch just arrived in the live namespace). ``--backlog replay``: the
   live worker serves an empty namespace while a second worker rebuilds the backlog into
   another (a year-end replay on the same machine). ``--backlog drained``: the live worker
   has already worked through the backlog and settled identity when the pushing starts (an
   authority of that many children on a normal day; with ``--rate`` below 1, every push
   meets a resolver that has been idle long enough to settle);
3. push ``SenAssessmentRequested`` events (each a new child, inviting CSC, so each raises a
   SEN participation task) at ``--rate`` per second for ``--seconds``, each request on its own
   schedule (a slow answer never delays the next send);
4. poll the store every 50 ms for the tasks; latency = first seen - 202 received.

``HUB_BENCH_PROFILE_WORKER=FILE`` runs the live worker under cProfile (statistics in FILE).

Prints p50/p95/p99/max, how many tasks never arrived within ``--settle`` seconds, and how
much of the backlog the worker had committed when the pushing started and ended.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from replay_common import broker_settings, prepare, publish, report
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from time_limit import step, time_limit

from hub.adapters.kafka.client import KafkaAdminError, admin_client
from hub.adapters.kafka.consumer_lag import group_lag, group_marks
from hub.domain.child.tasks import task_id_for
from hub.domain.outputs.codes import TaskType
from hub.entrypoints.worker.resolver_stage import SETTLED

SOURCE = "education-sen"
POLL_S = 0.05


def _home(folder: Path, project: Path) -> Path:
    """A private hub home (its own API keys and audit files) using the project's topics,
    schemas and data keys."""
    home = folder / "home"
    home.mkdir(parents=True)
    (home / "topics.yaml").symlink_to(project / "topics.yaml")
    (home / "schemas").symlink_to(project / "schemas")
    # and the project's data keys: the backlog was published (sealed) with them, and a home
    # without them reads every backlog event as CORRUPT_SEAL (a dead letter, no work at all)
    keys = project / ".hub" / "state" / "keys"
    (home / ".hub" / "state").mkdir(parents=True)
    (home / ".hub" / "state" / "keys").symlink_to(keys, target_is_directory=True)
    return home


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _body(i: int) -> dict[str, Any]:
    """A new (synthetic) child each time, inviting CSC: one SEN participation task. Each has
    its own date of birth: with the ten dates of birth an earlier version cycled through,
    the near-identical names made the resolver link hundreds of pushes into a few children,
    whose facts (all on one date) were then derived again at every push."""
    return {
        "source_record_id": f"LAT-{i:06d}",
        "record_version": "1",
        "occurred_at": "2025-10-01T09:00:00Z",
        "subject": {
            "given_name": f"Latency{i:06d}",
            "family_name": "Synthetic-Bench",
            "date_of_birth": (date(2008, 1, 1) + timedelta(days=i)).isoformat(),
            "sex": "FEMALE" if i % 2 else "MALE",
            "postcode": "ZZ99 3AB",
            "other_ids": [{"type": "MIS_PUPIL_ID", "value": f"LATP{i:06d}"}],
        },
        "consent": {"basis": "STATUTORY", "share_child_detail": True},
        "request_date": "2025-10-01",
        "requested_by": "SCHOOL",
        "school_urn": "100001",
        "invites_csc": True,
    }


def _task_id(i: int) -> str:
    return task_id_for(TaskType.SEN_PARTICIPATION, SOURCE, f"LAT-{i:06d}")


async def _push_and_watch(url: str, keys: list[str], database: str, rate: float, seconds: float,
                          settle: float) -> tuple[dict[str, float], dict[str, float], Counter[int]]:
    """Push on schedule; return 202 times and first-seen times by task id, and the other
    answers' status codes."""
    acked: dict[str, float] = {}
    seen: dict[str, float] = {}
    errors: Counter[int] = Counter()
    engine = create_engine(database)
    wanted = {_task_id(i): i for i in range(int(rate * seconds))}
    query = text("SELECT task_id FROM tasks WHERE task_type = :t")

    def poll() -> set[str]:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(query, {"t": TaskType.SEN_PARTICIPATION.value})}

    pushing_done = asyncio.Event()

    async def watch() -> None:
        deadline = None
        while len(seen) < len(wanted):
            try:
                found = await asyncio.to_thread(poll)
            except OperationalError:  # no tasks table before the sink's first write
                found = set()
            now = time.monotonic()
            for task_id in found:
                if task_id in wanted and task_id not in seen:
                    seen[task_id] = now
            if pushing_done.is_set():
                deadline = deadline or now + settle
                if now > deadline:
                    return
            await asyncio.sleep(POLL_S)

    async def send(client: httpx.AsyncClient, i: int) -> None:
        answer = await client.post(f"{url}/events/SenAssessmentRequested", json=_body(i),
                                   headers={"Authorization": f"Bearer {keys[i % len(keys)]}"})
        if answer.status_code == 202:
            acked[_task_id(i)] = time.monotonic()
        else:
            errors[answer.status_code] += 1

    watcher = asyncio.create_task(watch())
    async with httpx.AsyncClient(timeout=30.0) as client:
        began = time.monotonic()
        sends = []
        for i in range(len(wanted)):
            await asyncio.sleep(max(0.0, began + i / rate - time.monotonic()))
            sends.append(asyncio.create_task(send(client, i)))
        await asyncio.gather(*sends)
    pushing_done.set()
    step(f"the tasks of {len(acked)} pushed events to reach the store (up to {settle:.0f} s)")
    await watcher
    engine.dispose()
    return acked, seen, errors


def _start(args: list[str], env: dict[str, str], log: Path,
           profile: Path | None = None) -> subprocess.Popen[bytes]:
    """``profile``: run the process under cProfile, its statistics written there when it stops."""
    under = ["-m", "cProfile", "-o", str(profile)] if profile else []
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, *under, "-m", "hub", *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait_restored(logs: list[Path], limit_s: float = 300.0) -> None:
    """Until every worker has restored its state tables and started its stages."""
    step(f"the workers to restore their state ({', '.join(map(str, logs))})")
    deadline = time.monotonic() + limit_s
    while not all("state restored" in log.read_text(errors="replace") for log in logs):
        if time.monotonic() > deadline:
            raise TimeoutError(f"a worker did not start within {limit_s:.0f} s: {logs}")
        time.sleep(0.5)


def _wait_ready(url: str, limit_s: float = 120.0) -> None:
    step(f"the intake at {url} to answer /readyz")
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the intake at {url} was not ready within {limit_s:.0f} s")


def _committed(bootstrap: str, namespace: str, topics: list[str], total: int) -> float | None:
    """Share of the backlog the resolver has committed; None before its group exists."""
    try:
        left = asyncio.run(group_lag(bootstrap, f"{namespace}-cin-hub-resolver", topics))
    except KafkaAdminError:
        return None
    return round(1 - left / total, 3)


def _lag(bootstrap: str, group: str) -> int | None:
    """Records left for ``group`` on the topics it has committed offsets for (None: none)."""
    async def lag() -> int | None:
        async with admin_client(bootstrap) as admin:
            topics = {tp.topic for tp in await admin.list_consumer_group_offsets(group)}
        return await group_lag(bootstrap, group, topics) if topics else None

    return asyncio.run(lag())


def _wait_drained(bootstrap: str, namespace: str, topics: list[str], total: int, log: Path,
                  limit_s: float = 1200.0) -> None:
    """Until the live worker has committed the whole backlog, settled identity (its
    resolver's commits then carry the mark ``settled``), and its children stage and sink
    have nothing left either."""
    step(f"the live worker to work through the backlog and settle (its log: {log})")
    deadline = time.monotonic() + limit_s
    resolver, children, sink = (f"{namespace}-cin-hub{g}" for g in ("-resolver", "", "-sink"))
    while (_committed(bootstrap, namespace, topics, total) != 1.0
           or asyncio.run(group_marks(bootstrap, resolver, topics)) != {SETTLED}
           or _lag(bootstrap, children) != 0 or _lag(bootstrap, sink) != 0):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the live worker did not drain and settle the backlog in "
                               f"{limit_s:.0f} s")
        time.sleep(1.0)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(rate: float, seconds: float, backlog_children: int, mode: str, seed: int,
         settle: float) -> dict[str, Any]:
    settings = broker_settings()
    folder = Path(tempfile.mkdtemp(prefix="cinhub-latency-"))
    home = _home(folder, settings.home)
    published = asyncio.run(publish(settings, folder, backlog_children, seed))
    backlog_env = prepare(published, f"{published.namespace}-replay") if mode == "replay" else {}
    live_ns = f"{published.namespace}-live" if mode == "replay" else published.namespace
    database = f"sqlite:///{folder / 'live.db'}"
    env = {**os.environ, "HUB_HOME": str(home), "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap,
           "HUB_TOPIC_NAMESPACE": live_ns, "HUB_DATABASE_URL": database}
    env.pop("HUB_SOURCE_NAMESPACE", None)
    step("`hub topics apply` and `hub intake add-key` for the live namespace")
    subprocess.run([sys.executable, "-m", "hub", "topics", "apply"], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    # The intake allows each key 20 events/s (burst 500): the rate is spread over enough keys,
    # as it would be over several sending systems.
    keys = [
        subprocess.run([sys.executable, "-m", "hub", "intake", "add-key", SOURCE], env=env,
                       check=True, capture_output=True, text=True, timeout=120).stdout.split()[0]
        for _ in range(max(1, math.ceil(rate / 15)))
    ]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    profile = os.environ.get("HUB_BENCH_PROFILE_WORKER")
    processes = [_start(["worker"], env, folder / "live-worker.log",
                        Path(profile) if profile else None)]
    if mode == "replay":
        processes.append(_start(["worker"], backlog_env, folder / "backlog-worker.log"))
    processes.append(_start(["intake", "serve", "--port", str(port)], env, folder / "intake.log"))
    backlog_ns = backlog_env.get("HUB_TOPIC_NAMESPACE", live_ns)
    try:
        _wait_ready(url)
        _wait_restored([folder / "live-worker.log"]
                       + ([folder / "backlog-worker.log"] if mode == "replay" else []))
        if mode == "drained":
            _wait_drained(settings.bootstrap, live_ns, published.source_topics,
                          published.events, folder / "live-worker.log")
        before = _committed(settings.bootstrap, backlog_ns, published.source_topics,
                            published.events)
        step(f"pushing {rate:.0f} events/s for {seconds:.0f} s through {url}")
        acked, seen, errors = asyncio.run(
            _push_and_watch(url, keys, database, rate, seconds, settle))
        after = _committed(settings.bootstrap, backlog_ns, published.source_topics,
                           published.events)
    finally:
        for process in processes:
            _stop(process)
    latencies = [seen[t] - acked[t] for t in acked if t in seen]
    start = min(acked.values(), default=0.0)
    windows: dict[int, list[float]] = {}
    for t in acked:
        if t in seen:
            windows.setdefault(int((acked[t] - start) // 10) * 10, []).append(seen[t] - acked[t])
    if not latencies:  # still report what the intake answered (its 202s, 503s, 500s)
        print(f"no task reached the store within --settle; logs in {folder}", file=sys.stderr)
    return {
        "rate_per_s": rate, "seconds": seconds, "backlog": mode,
        "backlog_children": backlog_children, "backlog_source_events": published.events,
        "backlog_committed_share_at_start": before, "backlog_committed_share_at_end": after,
        "pushed": int(rate * seconds), "acknowledged": len(acked),
        "refused_by_status": dict(errors),
        "tasks_seen": len(latencies), "tasks_missing": len(acked) - len(latencies),
        "latency_s": {
            "p50": round(statistics.median(latencies), 3),
            "p95": round(_percentile(latencies, 0.95), 3),
            "p99": round(_percentile(latencies, 0.99), 3),
            "max": round(max(latencies), 3),
            "poll_resolution": POLL_S,
        } if latencies else None,
        "p50_by_10s_of_pushing": {f"{w}-{w + 10}s": round(statistics.median(v), 2)
                                  for w, v in sorted(windows.items())},
        "folder": str(folder),
    }


if __name__ == "__main__":
    with time_limit("latency", 1800):
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--rate", type=float, default=50.0)
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--backlog-children", type=int, default=2000)
        parser.add_argument("--backlog", choices=("same", "replay", "drained"), default="same")
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--settle", type=float, default=300.0,
                            help="seconds to wait for the last tasks after pushing ends")
        args = parser.parse_args()
        report(main(args.rate, args.seconds, args.backlog_children, args.backlog, args.seed,
                    args.settle))
