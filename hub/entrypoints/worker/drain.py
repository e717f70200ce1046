"""``--until-drained``: stop once every consumer group has committed every record of its
inputs (two checks in a row), or give up when the lag has not moved for ``stall_after``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import monotonic

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.consumer_lag import group_lag
from hub.logging import get_logger

log = get_logger(__name__)
CHECK_EVERY = 1.0
"""Seconds between drain checks. A check now costs about 0.3 s of the worker's own connections
(three groups: offsets and ends); checking every 0.5 s would spend half the time asking."""


class DrainWatch:
    def __init__(
        self, bootstrap: KafkaTarget, inputs: dict[str, list[str]], stall_after: float,
        settled: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.bootstrap, self.inputs, self.stall_after = bootstrap, inputs, stall_after
        self.settled = settled or _always
        """False while the resolver has records to settle: not drained yet."""
        self.stalled = False

    async def lag(self) -> int:
        try:
            return sum([await group_lag(self.bootstrap, g, t) for g, t in self.inputs.items()])
        except Exception:  # a passing admin error is "not drained yet", never a crash
            return -1

    async def _settled(self) -> bool:
        try:
            return await self.settled()
        except Exception:  # as for the lag: a passing error is "not drained yet"
            return False

    async def run(self, stopping: asyncio.Event) -> None:
        quiet, last, since = 0, -1, monotonic()
        while not stopping.is_set():
            await asyncio.sleep(CHECK_EVERY)
            lag = await self.lag()
            if lag == 0 and not await self._settled():
                lag = -2  # everything committed, identity still to settle
            if lag != last:
                last, since = lag, monotonic()
            quiet = quiet + 1 if lag == 0 else 0
            if quiet >= 2:
                log.info("drained")
                stopping.set()
            elif lag != 0 and monotonic() - since > self.stall_after:
                log.error("worker stalled", uncommitted=lag, seconds=round(self.stall_after))
                self.stalled = True
                stopping.set()


async def _always() -> bool:
    return True
