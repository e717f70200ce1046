"""Ports: what the application needs from the outside world, as Protocols.

Every port has a real adapter and, where a test needs speed, an in-memory fake; both pass
the same contract tests (``tests/contract``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LogRecord:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes


class EventLog(Protocol):
    """An append-only, partitioned log of keyed records (Kafka in production)."""

    async def append(self, topic: str, key: str, value: bytes) -> None:
        """Queue a record; it is durable once :meth:`flush` returns."""

    async def flush(self) -> None:
        """Wait until every appended record is acknowledged by the log."""

    async def read_all(self, topic: str) -> list[LogRecord]:
        """Every record in ``topic`` from the beginning to its current end, per-key in order."""
