"""The web inbox with its broker stopped under load, then started again (a real broker).

The fault suite's own broker (``own_broker``, tests/faults/conftest.py: the session's shared
broker is never stopped) is first frozen (SIGSTOP: it accepts connections and answers
nothing, the case that used to hang) and then stopped, while ``hub inbox serve`` runs against
it as a subprocess and a practitioner presses "claim" on several tasks at once:

- while the broker is frozen or down every press is answered within 5 s with a 503 page in
  the Design System's words ("Not sent: try again", ``Retry-After``), the presses do not
  queue behind each other, and the inbox's other pages still answer;
- ``/healthz`` stays 200 (alive) while ``/readyz`` is 503 naming the broker;
- a command answered "not sent" is never delivered later: after the frozen broker thaws,
  and after the stopped one is started, the commands topic holds only the commands the
  inbox said were sent;
- when the broker is back, ``/readyz`` returns to 200 and commands are sent again with no
  restart of the inbox;
- meanwhile a client that never finishes its request head is cut off after about 10 s, and
  one that never sends its form body is answered (refused) after about 10 s.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.broker.local import LocalBroker
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.log import read_topic
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.adapters.store.sql.store import SqlHubStore
from hub.config import Settings
from hub.topics_spec import load_topic_specs
from tests.contract import store_records as r
from tests.e2e.test_push_intake import HUB, hub_env, wait_until_healthy
from tests.faults.slow_clients import beside
from tests.integration.kafka_fixtures import REPO, free_port

pytestmark = pytest.mark.integration
NAMESPACE = "inbox-outage"
COMMANDS = f"{NAMESPACE}.cin.hub.commands.v1"
TEAM, USER = "SEN Liaison", "pat.jones"
TASKS = [f"task-outage-{n}" for n in range(6)]


@dataclass
class Served:
    url: str
    password: str
    log_file: Path


@pytest.fixture
async def inbox(own_broker: tuple[LocalBroker, Settings], tmp_path: Path
                ) -> AsyncIterator[Served]:
    _, settings = own_broker
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    await apply_topics(settings.bootstrap, load_topic_specs(home / "topics.yaml", NAMESPACE))
    async with serving(home, settings.bootstrap, tmp_path) as served:
        yield served


@asynccontextmanager
async def serving(home: Path, bootstrap: str, tmp_path: Path) -> AsyncIterator[Served]:
    """``hub inbox serve`` on a SQLite store holding TASKS, with one practitioner."""
    state = home / ".hub" / "state"
    database = f"sqlite:///{state / 'hub.db'}"
    store = SqlHubStore(database)
    store.apply_many([r.task(task_id, team=TEAM) for task_id in TASKS])
    store.close()
    password = SqliteStaffUsers(state / "inbox_users.db").add(
        USER, TEAM, r.T0, role="practitioner")
    env = hub_env(home, bootstrap, NAMESPACE) | {"HUB_DATABASE_URL": database}
    port, log_file = free_port(), tmp_path / "inbox.log"
    with log_file.open("wb") as sink:
        server = subprocess.Popen(
            [str(HUB), "inbox", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_until_healthy(url, server, log_file)
        yield Served(url, password, log_file)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, password: str) -> str:
    token = csrf_of((await client.get("/sign-in")).text)
    signed = await client.post("/sign-in", data={"csrf": token, "user": USER,
                                                 "password": password})
    assert signed.status_code == 303, signed.text
    return csrf_of((await client.get("/")).text)


async def claim(client: httpx.AsyncClient, token: str, task_id: str
                ) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = await client.post(f"/tasks/{task_id}/claim", data={"csrf": token})
    return answer, time.monotonic() - started


async def sent_commands(settings: Settings, codec: AvroCodec) -> list[str]:
    return sorted(codec.decode(rec.value).task_id  # type: ignore[attr-defined]
                  for rec in await read_topic(settings.bootstrap, COMMANDS))


async def outage(client: httpx.AsyncClient, token: str, tasks: list[str], how: str) -> None:
    """Claims pressed at once while the broker is ``how``: each a quick 503, none queued."""
    started = time.monotonic()
    answers = await asyncio.gather(*(claim(client, token, t) for t in tasks))
    wall = time.monotonic() - started
    for answer, took in answers:
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"].isdigit()
        assert "Not sent: try again" in answer.text
        assert 'class="govuk-' in answer.text
        assert took < 5.0, f"503 took {took:.2f} s: {[round(t, 2) for _, t in answers]}"
    assert wall < 7.0, f"{len(tasks)} claims at once took {wall:.2f} s: they queued"
    assert (await client.get("/")).status_code == 200  # the queue still shows
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"broker": "down", "store": "ok"}
    print(f"broker {how}: 503 latencies max {max(t for _, t in answers):.2f} s, "
          f"wall {wall:.2f} s")


async def test_broker_frozen_then_stopped_under_inbox_load_then_back(
    inbox: Served, own_broker: tuple[LocalBroker, Settings], codec: AvroCodec
) -> None:
    broker, settings = own_broker
    slow = asyncio.create_task(beside(inbox.url, "/sign-in",
                                            "application/x-www-form-urlencoded"))
    async with httpx.AsyncClient(base_url=inbox.url, timeout=30.0) as client:
        token = await sign_in(client, inbox.password)
        before, took = await claim(client, token, TASKS[0])
        assert before.status_code == 303, before.text
        assert (await client.get("/readyz")).status_code == 200
        print(f"claim with the broker up: {took:.2f} s")

        pid = broker.status().pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # frozen: connections open, nothing answered
        try:
            await outage(client, token, TASKS[1:3], "frozen")
        finally:
            os.kill(pid, signal.SIGCONT)
        await asyncio.sleep(3.0)  # time for any late delivery to land, were there one
        assert await sent_commands(settings, codec) == [TASKS[0]]  # "not sent" stayed unsent

        broker.stop()
        try:
            await outage(client, token, TASKS[3:5], "stopped")
        finally:
            broker.start(timeout_s=120.0)

        for _ in range(120):  # resumes by itself: no restart of the inbox
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.5)
        assert await sent_commands(settings, codec) == [TASKS[0]]  # "not sent" stayed unsent

        after, _ = await claim(client, token, TASKS[5])
        assert after.status_code == 303, after.text
    assert await sent_commands(settings, codec) == sorted([TASKS[0], TASKS[5]])
    cut = await slow
    print(f"slow clients: head cut off after {cut.head_closed_after_s:.1f} s, body answered "
          f"{cut.body_answer.strip()!r} after {cut.body_answered_after_s:.1f} s")
    assert 9.0 < cut.head_closed_after_s < 15.0
    assert cut.body_answer.startswith(b"HTTP/1.1 403") and 9.0 < cut.body_answered_after_s < 15.0


async def test_the_inbox_starts_and_answers_with_no_broker_at_all(tmp_path: Path) -> None:
    """Nothing listens where the broker should be: the inbox still starts, signs in, shows
    the queue, and a claim is answered 503 "not sent" at once; /readyz names the broker."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    async with serving(home, f"127.0.0.1:{free_port()}", tmp_path) as served, \
            httpx.AsyncClient(base_url=served.url, timeout=30.0) as client:
        token = await sign_in(client, served.password)
        await outage(client, token, TASKS[:2], "absent")
