"""The intake's server cuts off a client that never finishes its request head."""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hub.entrypoints.web.slow_clients import HeaderTimeoutH11
from tests.integration.kafka_fixtures import free_port


class QuickTimeout(HeaderTimeoutH11):
    header_timeout_s = 0.5


async def _ok(_request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def test_a_trickled_head_is_disconnected_and_a_whole_one_answered():
    port = free_port()
    app = Starlette(routes=[Route("/", _ok)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=QuickTimeout,
                                           log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never the blank line
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), timeout=3.0) == b""  # closed by the server
        writer.close()

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1.0)  # longer than the head timeout: the answered request stays
        assert (await asyncio.wait_for(reader.readuntil(b"ok"), timeout=3.0)).startswith(
            b"HTTP/1.1 200")
        writer.close()
    finally:
        server.should_exit = True
        await serving
