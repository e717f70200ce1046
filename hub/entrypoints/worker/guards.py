"""What stops a failing step or store write from losing a message: dead letters, retries."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from hub.entrypoints.worker.state_table import StateStoreError
from hub.logging import get_logger
from hub.ports import HubStore
from hub.usecases.worker_steps import Incoming, Router, Send

T = TypeVar("T")
log = get_logger(__name__)


def guarded(message: Incoming, step: Callable[[], T], on_error: Callable[[], T]) -> T:
    """Run a step; any failure becomes a dead letter naming the error type, never a lost message.

    An exception escaping a stage would otherwise stop the worker on one bad message.
    Only the exception's type is recorded: its text may quote personal data.
    """
    try:
        return step()
    except StateStoreError:
        raise  # the stage's own file failed, not the message: stop rather than lose state
    except Exception as exc:
        log.error("message dead-lettered", location=message.location, error=type(exc).__name__)
        return on_error()


async def store_batch(store: HubStore, router: Router, records: list[Any]) -> list[Send]:
    """Write a batch; retry, then record by record. Returns dead letters for what never fits.

    The batch's offsets are committed after this returns, so nothing may escape.
    """
    for attempt in range(5):
        try:
            await asyncio.to_thread(store.apply_many, records)
            return []
        except Exception as exc:
            log.error("store write failed, retrying", error=type(exc).__name__, attempt=attempt)
            await asyncio.sleep(0.5 * 2**attempt)
    letters = []
    for record in records:
        try:
            await asyncio.to_thread(store.apply, record)
        except Exception as exc:
            encoded = router.codec.encode(record)
            where = Incoming("sink", 0, 0, type(record).__name__, encoded)
            letters.append(router.dead_letter(where, "STORE_FAILED", type(exc).__name__))
    return letters
