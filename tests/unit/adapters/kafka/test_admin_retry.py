"""Admin operations retry what a node down causes, and only that, for a bounded time."""

from __future__ import annotations

import asyncio

import pytest

from hub.adapters.kafka import admin
from hub.adapters.kafka.client import KafkaAdminError, RetriableKafkaAdminError, raise_for_code


def test_a_retriable_failure_is_retried_until_it_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin, "_RETRY_PAUSE_S", 0.0)
    calls = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RetriableKafkaAdminError("node down")
        return "done"

    assert asyncio.run(admin.retrying(flaky, "test", retry_s=5.0)) == "done"
    assert len(calls) == 3


def test_a_refusal_is_not_retried() -> None:
    calls = []

    async def refused() -> None:
        calls.append(1)
        raise KafkaAdminError("policy violation")

    with pytest.raises(KafkaAdminError, match="policy violation"):
        asyncio.run(admin.retrying(refused, "test", retry_s=5.0))
    assert len(calls) == 1


def test_retrying_gives_up_saying_how_long_it_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin, "_RETRY_PAUSE_S", 0.0)

    async def down() -> None:
        raise RetriableKafkaAdminError("could not create t: InvalidReplicationFactorError")

    with pytest.raises(KafkaAdminError, match=r"still failing after 0 s") as failed:
        asyncio.run(admin.retrying(down, "test", retry_s=0.0))
    assert not isinstance(failed.value, RetriableKafkaAdminError)


def test_error_codes_say_whether_they_pass() -> None:
    with pytest.raises(RetriableKafkaAdminError):
        raise_for_code(38, "create t")  # InvalidReplicationFactor: too few live brokers
    with pytest.raises(RetriableKafkaAdminError):
        raise_for_code(41, "create t")  # NotController
    with pytest.raises(KafkaAdminError) as refused:
        raise_for_code(40, "create t")  # InvalidConfig
    assert not isinstance(refused.value, RetriableKafkaAdminError)
