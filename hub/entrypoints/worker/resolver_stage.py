"""The resolver stage: the hub's one sequencer (docs/worker.md). Each source event is
resolved to a child key and forwarded; staff commands are forwarded to the child's current
key; a reviewer's identity answer is carried out and every affected child rebuilt. When its
inputs are caught up and idle, it settles identity (``Resolution.settle``): the index becomes
the canonical resolution of the records it holds, so the children do not depend on the
order the records arrived in, and every child that changed is rebuilt as after a review."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from aiokafka.errors import ProducerFenced

from hub.adapters.kafka.log import latest_timestamp, read_keys
from hub.adapters.kafka.merged_feed import MergedFeed
from hub.domain.commands import ReviewPossibleMatch, SplitChild
from hub.domain.events import Event
from hub.domain.identity.events import Decision
from hub.domain.identity.resolution import Resolution, SettleInput, Settling
from hub.domain.identity.review import ReviewRejected
from hub.domain.identity.state import ResolverState
from hub.entrypoints.worker.guards import guarded
from hub.entrypoints.worker.stage import Stage, retrying
from hub.logging import get_logger
from hub.ports import LogRecord
from hub.usecases.actor_check import ActorDirectory, unverified_command
from hub.usecases.review_steps import (
    review_command,
    review_outputs,
    review_rejected,
    settle_outputs,
)
from hub.usecases.worker_steps import (
    Forward,
    Incoming,
    Output,
    Router,
    Send,
    identity_step,
)

log = get_logger(__name__)
SETTLE_WHEN_IDLE_S = 1.0
"""Settle identity once the inputs have been caught up with no record for this long."""
SETTLE_AT_LATEST_S = 600.0
"""A settlement is computed beside further resolving, and a record resolved meanwhile
outdates it (it is dropped, and computed again at the next quiet spell). Once identity has
waited this long to be settled, the next settlement is made in place, resolution waiting
for it, so a steady trickle of records cannot keep identity unsettled for ever."""
_SETTLEMENT = Incoming("identity-settlement", 0, -1, "", b"")
UNSETTLED = "unsettled"
"""The mark the resolver commits its input offsets with while it has records to settle; a
stage running in another process (``hub worker --stage``) is not drained until the resolver
has settled and committed every offset again as :data:`SETTLED`."""
SETTLED = "settled"


class ResolverStage(Stage):
    name = "resolver"
    ordered_timestamps = True  # the child stage then sees exactly the resolver's order

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 resolution: Resolution, actors: ActorDirectory) -> None:
        super().__init__(feed, producer)
        self.router, self.resolution, self.actors = router, resolution, actors
        self.settle_when_idle: float | None = SETTLE_WHEN_IDLE_S
        """None: never settle (the index stays in arrival order)."""
        self.settling = False
        self.settle_at_latest = SETTLE_AT_LATEST_S
        self._computing: asyncio.Task[tuple[ResolverState, list[Decision]]] | None = None
        """The canonical resolution of a snapshot, computing in a thread (``_given``)."""
        self._given: SettleInput | None = None
        self._began = time.monotonic()
        self._unsettled_since: float | None = None
        """When the resolver first found records to settle since its last settlement."""
        self._last_computed_s = 0.0
        """How long the last settlement beside resolving took to compute: the next begins
        only after a quiet spell as long (one would likely be outdated before it ended, and
        each dropped computation is a core's worth of work taken from the other stages)."""
        self._took_at = time.monotonic()
        self._remark = True
        """Commit every offset again with the current mark at the next flush: at the first
        (the marks another process left may say otherwise: with settling off, nothing would
        ever clear an old "unsettled") and after each settlement."""

    @property
    def settled(self) -> bool:
        """Nothing resolved since the last settlement (``--until-drained`` waits for it)."""
        return self.settle_when_idle is None or not (
            self.resolution.unsettled or self.settling or self._computing is not None)

    async def run(self, stopping: asyncio.Event) -> None:
        """Stamps continue above every stamp already in the resolver's outputs: a settlement
        sends more than one record per millisecond, so its stamps run ahead of the clock, and
        a resolver restarted (or taken over) soon after must not stamp below them, or the
        children's order and a later rebuild of the decisions would differ."""
        outputs = [self.router.topic("ResolvedEvent"), self.router.topic("IdentityDecisionMade")]
        latest: list[int] = []

        async def read() -> None:
            latest[:] = [await latest_timestamp(self.feed.bootstrap, outputs)]

        await retrying("read the last stamps", read)
        self.continue_stamps_above(latest[0])
        await super().run(stopping)

    def commit_mark(self) -> str:
        return SETTLED if self.settled else UNSETTLED

    async def flush(self) -> None:
        """After the batch: carry out a settlement whose computation has finished, or begin
        one when the inputs are idle. The canonical resolution (most of a settlement's time:
        seconds for a few thousand children, minutes for a region) runs in a thread while
        records go on being resolved; it is carried out only if none was meanwhile
        (``Resolution.settle_from``), else dropped. Past ``settle_at_latest`` it is made in
        place instead, as every settlement was before 2026-12-07: a record arriving then
        waited the whole settlement (5-7 s at 2,000 children, ``bench/latency.py --backlog
        drained``). After one computation, the next begins only once the inputs have been
        quiet for as long as it took."""
        await super().flush()
        now = time.monotonic()
        if not self.resolution.unsettled:
            self._unsettled_since = None
        elif self._unsettled_since is None:
            self._unsettled_since = now
        if self._computing is not None:
            if self._computing.done():
                await self._finish_settling()
        elif (self._unsettled_since is not None
              and now - self._unsettled_since >= self.settle_at_latest):
            if await self._settle_due(self.settle_when_idle):
                await self.settle()
                self._remark = True
        elif await self._settle_due(max(self.settle_when_idle or 0.0, self._last_computed_s)):
            self._given = self.resolution.settle_input()
            self._began = time.monotonic()
            self._computing = asyncio.create_task(asyncio.to_thread(self._given.resolve))
        if self._remark:
            await retrying("commit", lambda: self.feed.mark(self.commit_mark()))
            self._remark = False

    async def _finish_settling(self) -> None:
        computing, given = self._computing, self._given
        self._computing, self._given = None, None
        assert computing is not None and given is not None
        self._last_computed_s = time.monotonic() - self._began
        settling = self.resolution.settle_from(given, computing.result())
        if settling is None:
            log.info("identity settlement outdated by records resolved meanwhile, dropped",
                     seconds=round(time.monotonic() - self._began, 1))
            return
        self.settling = True
        try:
            await self._carry_out(settling, self._began)
        finally:
            self.settling = False
        self._remark = True

    async def _settle_due(self, idle_s: float | None) -> bool:
        """Records to settle, none in hand, the inputs caught up and quiet for ``idle_s``."""
        if self.settle_when_idle is None or idle_s is None:
            return False
        if not self.resolution.unsettled or self._sends:
            return False
        if time.monotonic() - self._took_at < idle_s:
            return False
        return await self.feed.caught_up()

    async def settle(self) -> None:
        """Settle identity in place (resolution waits for it) and carry it downstream."""
        self.settling = True
        began = time.monotonic()
        try:
            settling = await asyncio.to_thread(self.resolution.settle)
            self._last_computed_s = time.monotonic() - began
            await self._carry_out(settling, began)
        finally:
            self.settling = False

    async def _carry_out(self, settling: Settling, began: float) -> None:
        """Carry a settlement downstream: every child whose records changed is reset and
        sent its events again, review tasks raised and cancelled, then the decisions logged
        (last: a crash before they are durable settles again on the next start)."""
        self._unsettled_since = None
        result = settling.result
        if not result.decisions:
            log.info("identity settled", changed=0, seconds=round(time.monotonic() - began, 1))
            return
        resolved = await self._read_back(settling.keys)
        outputs = settle_outputs(settling, resolved, self.resolution.record_id_of,
                                 self.router.codec.encode)
        sends = [self.router.send(_SETTLEMENT, o) for o in outputs]
        first, decisions = sends[: -len(result.decisions)], sends[-len(result.decisions):]
        for batch in (first, decisions):
            await retrying("send", self._sender(batch))
        log.info("identity settled", children=len(result.affected),
                 retired=len(result.retired), reviews_opened=len(settling.opened),
                 reviews_closed=len(settling.closed), events=len(resolved),
                 seconds=round(time.monotonic() - began, 1))

    async def _read_back(self, keys: tuple[str, ...]) -> list[tuple[Event, bytes]]:
        """Every event sent so far under ``keys`` and the keys merged into them, read back
        from the resolved-events topic (retried until the broker answers)."""
        involved = self.resolution.keys_behind(keys)
        found: list[LogRecord] = []

        async def read_back() -> None:
            found[:] = await read_keys(
                self.feed.bootstrap, self.router.topic("ResolvedEvent"), involved)

        await retrying("read back", read_back)
        return self.router.events([r.value for r in found])

    def _sender(self, sends: list[Send]) -> Callable[[], Awaitable[None]]:
        async def send() -> None:
            await self.send_all(sends)
        return send

    async def take(self, message: Incoming) -> list[Send]:
        """Decode the message once, decide what it leads to, encode that once."""
        self._took_at = time.monotonic()
        arrival = guarded(message, lambda: self.router.arrive(message), lambda: None)
        if arrival is None:
            return [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity step")]
        commands = self.router.commands_topic
        refused = unverified_command(self.actors, commands, arrival)
        if refused is not None:  # an unknown actor, or one whose roles do not allow it
            return [self.router.route(refused)]
        command = review_command(commands, arrival)
        if command is None:
            return guarded(
                message,
                lambda: self.router.sends(message, identity_step(self.resolution, arrival)),
                lambda: [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity step")],
            )
        try:
            return self.router.sends(message, await self._review(command, message))
        except (ProducerFenced, AssertionError):
            raise  # the flush before the review found this resolver fenced: stop, not a letter
        except Exception as exc:  # never a crash loop on one command: it is kept, with why
            log.error("review dead-lettered", location=message.location,
                      error=type(exc).__name__)
            return [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity review")]

    async def _review(
        self, command: ReviewPossibleMatch | SplitChild, message: Incoming
    ) -> list[Output]:
        """A reviewer's answer: decide; re-send every affected child's events after a reset;
        then forward an answered possible match to the child now holding its review task.
        Everything sent before is made durable first, so the look back sees it."""
        await self.flush()
        try:
            result = self.resolution.review(command, command.decided_at)
        except ReviewRejected as exc:
            log.info("review refused", command_id=command.command_id, code=exc.code)
            return [review_rejected(command, exc.code, exc.reason)]
        outputs: list[Output] = [*result.decisions]
        if result.affected:
            resolved = await self._read_back(result.affected)
            log.info("review carried out", command_id=command.command_id,
                     children=len(result.affected), events=len(resolved))
            outputs = review_outputs(result, resolved, self.resolution.record_id_of)
        if isinstance(command, ReviewPossibleMatch):
            outputs.append(Forward(self.resolution.current_key(command.child_key),
                                   message.value))
        return outputs
