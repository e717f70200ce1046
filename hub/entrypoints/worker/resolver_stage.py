"""The resolver stage: the hub's one sequencer (docs/worker.md). Each source event is
resolved to a child key and forwarded; staff commands are forwarded to the child's current
key; a reviewer's identity answer is carried out and every affected child rebuilt."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from hub.adapters.kafka.log import read_keys
from hub.adapters.kafka.merged_feed import MergedFeed
from hub.domain.commands import ReviewPossibleMatch, SplitChild
from hub.domain.identity.resolution import Resolution
from hub.domain.identity.review import ReviewRejected
from hub.entrypoints.worker.guards import guarded
from hub.entrypoints.worker.stage import Stage, retrying
from hub.logging import get_logger
from hub.ports import LogRecord
from hub.usecases.actor_check import ActorDirectory, unverified_command
from hub.usecases.review_steps import review_command, review_rejected, review_sends
from hub.usecases.worker_steps import Incoming, Router, Send, identity_step

log = get_logger(__name__)


class ResolverStage(Stage):
    name = "resolver"
    ordered_timestamps = True  # the child stage then sees exactly the resolver's order

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 resolution: Resolution, actors: ActorDirectory) -> None:
        super().__init__(feed, producer)
        self.router, self.resolution, self.actors = router, resolution, actors

    async def take(self, message: Incoming) -> list[Send]:
        refused = unverified_command(self.router, self.actors, message)
        if refused is not None:  # an unknown actor, or one whose roles do not allow it
            return refused
        command = review_command(self.router, message)
        if command is None:
            return guarded(
                message,
                lambda: identity_step(self.router, self.resolution, message),
                lambda: [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity step")],
            )
        try:
            return await self._review(command, message)
        except Exception as exc:  # never a crash loop on one command: it is kept, with why
            log.error("review dead-lettered", location=message.location,
                      error=type(exc).__name__)
            return [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity review")]

    async def _review(
        self, command: ReviewPossibleMatch | SplitChild, message: Incoming
    ) -> list[Send]:
        """A reviewer's answer: decide; re-send every affected child's events after a reset;
        then forward an answered possible match to the child now holding its review task.
        Everything sent before is made durable first, so the look back sees it."""
        await self.flush()
        try:
            result = self.resolution.review(command, command.decided_at)
        except ReviewRejected as exc:
            log.info("review refused", command_id=command.command_id, code=exc.code)
            return review_rejected(self.router, command, exc.code, exc.reason)
        sends = [self.router.route(d) for d in result.decisions]
        if result.affected:
            involved = self.resolution.keys_behind(result.affected)
            found: list[LogRecord] = []

            async def read_back() -> None:
                found[:] = await read_keys(
                    self.feed.bootstrap, self.router.topic("ResolvedEvent"), involved)

            await retrying("read back", read_back)
            log.info("review carried out", command_id=command.command_id,
                     children=len(result.affected), events=len(found))
            sends = review_sends(self.router, result, [(r.key, r.value) for r in found],
                                 self.resolution.record_id_of)
        if isinstance(command, ReviewPossibleMatch):
            key = self.resolution.current_key(command.child_key)
            sends.append((self.router.topic("ResolvedEvent"), key, message.value))
        return sends
