"""Connecting to Kafka with aiokafka's admin client, with errors turned into one clear type."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError, for_code
from aiokafka.protocol.metadata import MetadataRequest

from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.ports import EventLogError


class KafkaAdminError(EventLogError):
    """The cluster could not be reached or refused a topic operation."""


class RetriableKafkaAdminError(KafkaAdminError):
    """A failure that passes when the cluster settles: a node down or just restarted (a
    request to it fails, leadership moves), or too few live brokers for a topic's replicas."""


# INVALID_REPLICATION_FACTOR: fewer live brokers than replicas, e.g. one node of three down.
_RETRIABLE_CODES = frozenset({38})


@contextlib.asynccontextmanager
async def admin_client(bootstrap: KafkaTarget, timeout_s: float = 30.0) -> AsyncIterator[Any]:
    """A started admin client; aiokafka errors inside the block become KafkaAdminError."""
    client = AIOKafkaAdminClient(
        **client_kwargs(bootstrap), request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        await client.start()
    except (KafkaError, OSError) as exc:
        await _close_quietly(client)
        reason = type(exc).__name__ if isinstance(exc, KafkaError) else str(exc)
        raise KafkaAdminError(f"cannot reach Kafka at {bootstrap} ({reason})") from None
    try:
        yield client
    except (KafkaError, TimeoutError) as exc:
        retriable = isinstance(exc, TimeoutError) or exc.retriable
        error = RetriableKafkaAdminError if retriable else KafkaAdminError
        raise error(f"Kafka at {bootstrap}: {type(exc).__name__} {exc}") from exc
    finally:
        await _close_quietly(client)


async def cluster_answers(bootstrap: KafkaTarget, timeout_s: float = 5.0) -> bool:
    """True if the cluster answers a metadata request (failures are expected: kept quiet).
    The request names no topic: asking for all of them costs the client time in proportion
    to the cluster's topics, at every readiness probe."""
    with quiet_aiokafka():
        try:
            async with admin_client(bootstrap, timeout_s) as admin:
                await admin._send_request(MetadataRequest([]))  # no public form
        except (KafkaAdminError, OSError):
            return False
    return True


def cluster_answers_now(bootstrap: KafkaTarget, timeout_s: float = 5.0) -> bool:
    """Blocking :func:`cluster_answers`, callable with or without a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(cluster_answers(bootstrap, timeout_s))
    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop runs here: use a fresh one
        return pool.submit(asyncio.run, cluster_answers(bootstrap, timeout_s)).result()


def raise_for_code(code: int, action: str, message: str | None = None) -> None:
    if code == 0:
        return
    kind = for_code(code)
    error = (RetriableKafkaAdminError if kind.retriable or code in _RETRIABLE_CODES
             else KafkaAdminError)
    raise error(f"could not {action}: {kind.__name__}{f' ({message})' if message else ''}")


@contextlib.contextmanager
def quiet_aiokafka() -> Iterator[None]:
    """Silence aiokafka's connection-error logging while failures are expected."""
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


async def _close_quietly(client: AIOKafkaAdminClient) -> None:
    with contextlib.suppress(Exception):
        await client.close()
