"""The resolver's identity index, rebuilt at start from every identity decision made so far."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hub.domain.identity.resolution import Resolution
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.ports import LogRecord
from hub.usecases.worker_steps import Router

ReadWholeTopic = Callable[[str], Awaitable[list[LogRecord] | None]]
"""Every record of a topic, or None when the topic does not exist (``bootstrap.topic_reader``)."""


async def rebuild_resolution(router: Router, read_whole_topic: ReadWholeTopic) -> Resolution:
    """A fresh index that has learnt every logged decision, in the order they were decided."""
    resolution = Resolution()
    found = await read_whole_topic(router.topic("IdentityDecisionMade"))
    if found is not None:
        in_order = sorted(found, key=lambda r: (r.timestamp, r.partition, r.offset))
        records = [router.codec.decode(r.value) for r in in_order]  # as they were decided
        resolution.rebuild(r for r in records if isinstance(r, IdentityDecisionMade))
    return resolution
