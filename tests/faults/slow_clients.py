"""A slow client against a real server: a request head that never ends, a body that never
comes. :func:`beside` runs them in a thread of their own (the test's own loop blocks while
it stops and starts a broker), returning how long the server took to act."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class CutOff:
    head_closed_after_s: float
    body_answer: bytes
    body_answered_after_s: float


async def _head_never_ends(host: str, port: int) -> float:
    reader, writer = await asyncio.open_connection(host, port)
    started = time.monotonic()
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never the blank line
    await writer.drain()
    try:
        assert await asyncio.wait_for(reader.read(), timeout=30.0) == b""
        return time.monotonic() - started
    finally:
        writer.close()


async def _body_never_comes(host: str, port: int, path: str, content_type: str,
                            headers: str) -> tuple[bytes, float]:
    reader, writer = await asyncio.open_connection(host, port)
    started = time.monotonic()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                 f"{headers}Content-Length: 1000\r\n\r\n".encode() + b"a" * 10)  # 990 never sent
    await writer.drain()
    try:
        status = await asyncio.wait_for(reader.readline(), timeout=30.0)
        return status, time.monotonic() - started
    finally:
        writer.close()


async def slow_clients(url: str, path: str, content_type: str, headers: str = "") -> CutOff:
    """``headers``: extra header lines for the POST, each ending ``\\r\\n``."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head, (answer, body_s) = await asyncio.gather(
        _head_never_ends(host, port), _body_never_comes(host, port, path, content_type, headers))
    return CutOff(head, answer, body_s)


async def beside(url: str, path: str, content_type: str, headers: str = "") -> CutOff:
    """:func:`slow_clients` on its own event loop in a worker thread."""
    return await asyncio.to_thread(asyncio.run, slow_clients(url, path, content_type, headers))
