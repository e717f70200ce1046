"""The resolver computes a settlement beside further resolving: a record arriving meanwhile
is taken at once (not after the settlement, which takes seconds to minutes), the outdated
settlement is dropped and begun again after a quiet spell as long as it took, and past
``settle_at_latest`` a settlement is made in place so identity cannot stay unsettled for
ever."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace
from typing import Any

from aiokafka import TopicPartition

from hub.domain.identity.resolution import Settling
from hub.entrypoints.worker import resolver_stage
from hub.entrypoints.worker.resolver_stage import SETTLED, UNSETTLED, ResolverStage


class _Feed:
    def __init__(self) -> None:
        self.marks: list[str] = []

    async def caught_up(self) -> bool:
        return True

    async def progress(self, done: dict[TopicPartition, int],
                       taking: TopicPartition | None = None) -> dict[TopicPartition, int]:
        return dict(done)

    async def commit(self, offsets: dict[TopicPartition, int], mark: str = "") -> None: ...

    async def mark(self, mark: str) -> None:
        self.marks.append(mark)


class _Given:
    def __init__(self, changes: int, release: threading.Event) -> None:
        self.changes, self.release = changes, release

    def resolve(self) -> Any:  # the costly part, in the stage's thread
        assert self.release.wait(10)
        return ("canonical", self.changes)


class _Resolution:
    """What the stage asks of ``Resolution`` for a settlement (the domain's own is tested in
    ``tests/unit/domain/identity/test_identity_settlement.py``)."""

    def __init__(self) -> None:
        self.unsettled, self.changes = True, 0
        self.release = threading.Event()
        self.carried_out: list[int] = []
        self.in_place = 0

    def resolved_one(self) -> None:  # what ``resolve`` does to them
        self.unsettled, self.changes = True, self.changes + 1

    def settle_input(self) -> _Given:
        return _Given(self.changes, self.release)

    def settle_from(self, given: _Given, canonical: Any) -> Settling | None:
        assert canonical == ("canonical", given.changes)
        if given.changes != self.changes:
            return None
        self.unsettled = False
        self.carried_out.append(given.changes)
        return Settling()

    def settle(self) -> Settling:
        self.in_place += 1
        self.unsettled = False
        return Settling()


def _stage() -> tuple[ResolverStage, _Resolution, _Feed]:
    resolution, feed = _Resolution(), _Feed()
    stage = ResolverStage(feed, None, None, resolution, None)  # type: ignore[arg-type]
    stage.settle_when_idle = 0.0
    return stage, resolution, feed


async def _computed(stage: ResolverStage) -> None:
    assert stage._computing is not None
    await asyncio.wait_for(asyncio.shield(stage._computing), 10)


def test_a_record_resolved_while_a_settlement_computes_outdates_it() -> None:
    async def run() -> None:
        stage, resolution, feed = _stage()
        await stage.flush()  # idle and caught up: the settlement begins, in a thread
        assert stage._computing is not None and not stage.settled
        assert feed.marks == [UNSETTLED]
        await stage.flush()  # still computing: the stage goes on (no wait)
        resolution.resolved_one()  # a record taken meanwhile, resolved at once
        resolution.release.set()
        await _computed(stage)
        await stage.flush()
        assert resolution.carried_out == [] and resolution.unsettled  # dropped
        assert stage._computing is None and not stage.settled
        stage._last_computed_s = 3600.0  # as if it took an hour: not before an hour's quiet
        await stage.flush()
        assert stage._computing is None
        stage._last_computed_s = 0.0
        await stage.flush()  # the next quiet spell: begun again, on the new snapshot
        await _computed(stage)
        await stage.flush()
        assert resolution.carried_out == [1] and stage.settled
        assert feed.marks[-1] == SETTLED and resolution.in_place == 0

    asyncio.run(run())


def test_past_settle_at_latest_the_settlement_is_made_in_place() -> None:
    async def run() -> None:
        stage, resolution, feed = _stage()
        stage.settle_at_latest = 0.0
        await stage.flush()
        assert resolution.in_place == 1 and stage._computing is None and stage.settled
        assert feed.marks == [SETTLED]

    asyncio.run(run())


def test_records_after_a_long_quiet_are_settled_beside_not_in_place(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``settle_at_latest`` counts how long identity has waited, not how long ago the last
    settlement was: the first record of a morning after a quiet night does not pause
    resolution."""
    async def run() -> None:
        stage, resolution, _ = _stage()
        resolution.unsettled = False
        await stage.flush()  # settled: nothing to do
        later = time.monotonic() + 3600.0  # an hour on
        monkeypatch.setattr(resolver_stage, "time", SimpleNamespace(monotonic=lambda: later))
        resolution.resolved_one()
        await stage.flush()
        assert stage._computing is not None and resolution.in_place == 0
        resolution.release.set()
        await _computed(stage)
        await stage.flush()
        assert resolution.carried_out == [1] and stage.settled

    asyncio.run(run())
