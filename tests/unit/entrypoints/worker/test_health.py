"""The worker's own small HTTP endpoint on a real socket: liveness, readiness by check,
metrics, and a client that never sends its request line is let go."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from hub.entrypoints.worker import health
from hub.entrypoints.worker.health import serve_health
from tests.integration.kafka_fixtures import free_port


@dataclass
class Counted:
    name: str
    processed: int


async def test_readyz_names_a_failing_check_while_the_worker_stays_alive(monkeypatch):
    monkeypatch.setattr(health, "HEAD_TIMEOUT_S", 0.5)
    broker_up = True

    async def broker() -> bool:
        return broker_up

    async def store() -> bool:
        raise OSError("database is locked")  # a check that fails is "down", never a 500

    port = free_port()
    serving = asyncio.create_task(serve_health(port, [Counted("sink", 7)],
                                               {"broker": broker, "store": store}))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(50):
                try:
                    alive = await client.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert alive.status_code == 200 and alive.json() == {"status": "ok", "sink": 7}
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"broker": "ok", "store": "down"}
            broker_up = False
            assert (await client.get("/readyz")).json()["checks"]["broker"] == "down"
            metrics = await client.get("/metrics")
            assert metrics.status_code == 200 and "text/plain" in metrics.headers["content-type"]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), timeout=3.0) == b""  # silent: let go
        writer.close()
    finally:
        serving.cancel()


async def test_readyz_is_200_when_every_check_passes():
    async def up() -> bool:
        return True

    port = free_port()
    serving = asyncio.create_task(serve_health(port, [], {"broker": up, "store": up}))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(50):
                try:
                    ready = await client.get("/readyz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert ready.status_code == 200
            assert ready.json() == {"status": "ready", "checks": {"broker": "ok", "store": "ok"}}
    finally:
        serving.cancel()
