"""The resolver's identity index, rebuilt at start from every identity decision made so far."""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from pydantic import BaseModel

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
        found.sort(key=lambda r: (r.timestamp, r.partition, r.offset), reverse=True)
        with _no_cycle_collection():
            resolution.rebuild(r for r in _decoded(router, found)
                               if isinstance(r, IdentityDecisionMade))
    return resolution


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the index is built, and what it built set
    aside from later collections (``gc.freeze``). Building allocates millions of objects
    that all live on, so each full collection meanwhile walked everything built so far, and
    every later one in the worker would walk the whole index again; the index makes no
    reference cycles to collect (its objects are freed by reference counting when a record
    leaves it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _decoded(router: Router, newest_first: list[LogRecord]) -> Iterator[BaseModel]:
    """Each record decoded as it is applied, in the order decided, and let go of at once:
    the raw and the decoded decisions are never all in memory together (at 21,000 children
    both lists took more memory than the index they built)."""
    while newest_first:
        yield router.codec.decode(newest_first.pop().value)
