"""The resolver stage: the hub's one sequencer (docs/worker.md). Each source event is
resolved to a child key and forwarded; staff commands are forwarded to the child's current
key; a reviewer's identity answer is carried out and every affected child rebuilt."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from hub.adapters.kafka_log import read_keys
from hub.adapters.merged_feed import MergedFeed
from hub.domain.identity.review import ReviewRejected
from hub.domain.outputs.commands import ReviewPossibleMatch, SplitChild
from hub.entrypoints.worker.guards import guarded
from hub.entrypoints.worker.stage import Stage
from hub.logging import get_logger
from hub.services.resolution import Resolution
from hub.services.review_steps import review_command, review_rejected, review_sends
from hub.services.worker_steps import Incoming, Router, Send, identity_step

log = get_logger(__name__)


class ResolverStage(Stage):
    name = "resolver"
    ordered_timestamps = True  # the child stage then sees exactly the resolver's order

    def __init__(self, feed: MergedFeed, producer: AIOKafkaProducer, router: Router,
                 resolution: Resolution) -> None:
        super().__init__(feed, producer)
        self.router, self.resolution = router, resolution

    async def take(self, message: Incoming) -> list[Send]:
        command = review_command(self.router, message)
        if command is not None:
            sends = await self._review(command)
            if isinstance(command, ReviewPossibleMatch) and not _refused(sends, self.router):
                # the child that now holds the review task closes it, after its rebuild
                key = self.resolution.current_key(command.child_key)
                sends.append((self.router.topic("ResolvedEvent"), key, message.value))
            return sends
        return guarded(
            message,
            lambda: identity_step(self.router, self.resolution, message),
            lambda: [self.router.dead_letter(message, "PROCESSOR_ERROR", "identity step")],
        )

    async def _review(self, command: ReviewPossibleMatch | SplitChild) -> list[Send]:
        """A reviewer's answer: decide, then re-send every affected child's events after a
        reset. Everything sent before is made durable first, so the look back sees it."""
        await self.flush()
        try:
            result = self.resolution.review(command, command.decided_at)
        except ReviewRejected as exc:
            log.info("review refused", command_id=command.command_id, code=exc.code)
            return review_rejected(self.router, command, exc.code, exc.reason)
        if not result.affected:
            return [self.router.route(d) for d in result.decisions]
        involved = self.resolution.keys_behind(result.affected)
        resolved = await read_keys(self.feed.bootstrap, self.router.topic("ResolvedEvent"),
                                   involved)
        log.info("review carried out", command_id=command.command_id,
                 children=len(result.affected), events=len(resolved))
        return review_sends(self.router, result, [(r.key, r.value) for r in resolved],
                            self.resolution.record_id_of)


def _refused(sends: list[Send], router: Router) -> bool:
    return any(topic == router.topic("CommandRejected") for topic, _, _ in sends)
