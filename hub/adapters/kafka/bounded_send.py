"""An EventLog for people waiting at a screen (the inbox's staff commands): every record is
sent by a producer of its own, acknowledged within a time limit or discarded.

Each :meth:`append_acked` starts a producer, sends the one record (``acks=all``), waits for
its acknowledgement and stops the producer, all within ``timeout_s`` (4.5 s by default, so a
page can answer within 5 s). When the limit passes, or the broker refuses, the producer is
torn down without flushing: its sender is cancelled and its unsent batch failed, so the
record is **not** delivered later, after the page has said "not sent". (A produce request
already written to the socket before the limit may still have reached the broker; the
command's id makes a resend of it harmless.)

Commands are rare (one per button press), so a producer per record costs a connection and a
metadata request, and nothing is shared: commands sent side by side never queue behind one
another, and a stuck send cannot hold a lock others need. Nothing connects at start-up, so
the inbox serves its pages while the broker is down.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError

from hub.adapters.kafka.connection import KafkaTarget, client_kwargs
from hub.ports import LogRecord

SEND_TIMEOUT_S = 4.5


class EventLogUnavailableError(RuntimeError):
    """The record was not acknowledged in time (or was refused) and was discarded unsent."""


async def discard(producer: AIOKafkaProducer) -> None:
    """Stop ``producer`` without delivering what it still holds (aiokafka 0.14 internals:
    ``stop()`` alone would wait to flush the batch to a broker that may come back)."""
    internals: Any = producer
    sender = internals._sender
    if sender is not None:
        await sender.close()  # cancels the sender task: nothing more goes out
    internals._message_accumulator.fail_all(KafkaTimeoutError("discarded unsent"))
    await producer.stop()


class KafkaBoundedSendLog:
    """``append_acked`` only: one producer per record, acknowledged in time or discarded."""

    def __init__(self, bootstrap: KafkaTarget, *, client_id: str = "cin-hub-inbox",
                 timeout_s: float = SEND_TIMEOUT_S) -> None:
        self.bootstrap, self.client_id, self.timeout_s = bootstrap, client_id, timeout_s

    async def __aenter__(self) -> KafkaBoundedSendLog:
        return self  # connects per record, never at start-up

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        return None

    def _producer(self) -> AIOKafkaProducer:
        request_ms = max(500, int(self.timeout_s * 1000) - 500)
        return AIOKafkaProducer(
            **client_kwargs(self.bootstrap), client_id=self.client_id, acks="all",
            enable_idempotence=True, linger_ms=0, request_timeout_ms=request_ms,
            retry_backoff_ms=100, metadata_max_age_ms=60_000)

    async def append_acked(self, topic: str, key: str, value: bytes) -> None:
        producer = self._producer()
        delivered = False
        try:
            async with asyncio.timeout(self.timeout_s):
                await producer.start()
                delivery = await producer.send(topic, value=value, key=key.encode())
                await delivery
            delivered = True
        except TimeoutError:
            raise EventLogUnavailableError(
                f"not acknowledged within {self.timeout_s:g} s") from None
        except Exception as exc:  # refused or unreachable: not sent, and says which
            raise EventLogUnavailableError(type(exc).__name__) from exc
        finally:
            if delivered:
                await producer.stop()
            else:
                await discard(producer)

    async def append(self, topic: str, key: str, value: bytes) -> None:
        await self.append_acked(topic, key, value)

    async def flush(self) -> None:
        return None  # every append was acknowledged (or refused) before it returned

    async def read_all(self, topic: str) -> list[LogRecord]:
        raise NotImplementedError("the inbox's command log only sends")
