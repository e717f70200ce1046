"""Ports: what the application needs from the outside world, as Protocols.

Every port has a real adapter and, where a test needs speed, an in-memory fake; both pass
the same contract tests (``tests/contract``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class ApiKeyInfo:
    """What may be shown about a key: never its secret, nor its hash."""

    key_id: str
    source_system: str
    created_at: datetime
    revoked: bool


class ApiKeyStore(Protocol):
    """Per-source API keys ``<key_id>.<secret>``; only a salted hash of the secret is kept."""

    def add(self, source_system: str, now: datetime) -> str:
        """Mint a key for ``source_system``; the full key is returned once and never again."""

    def authenticate(self, presented: str) -> str | None:
        """The source system of a valid, unrevoked key; ``None`` for anything else."""

    def list_keys(self) -> list[ApiKeyInfo]:
        """Every key, oldest first."""

    def revoke(self, key_id: str) -> bool:
        """Stop a key from authenticating; ``False`` when no such key exists."""
