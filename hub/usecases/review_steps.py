"""A reviewer's identity answer, downstream of the resolver: which messages are one, what a
refusal looks like, and what a carried-out review sends (typed in, typed out: the resolver
stage decodes and encodes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from hub.domain.child.tasks import task_id_for
from hub.domain.commands import CancelTask, PossibleMatchRaised, ReviewPossibleMatch, SplitChild
from hub.domain.events import Event
from hub.domain.identity.resolution import Settling
from hub.domain.identity.review_result import ReviewResult
from hub.domain.outputs.base import output_id
from hub.domain.outputs.codes import RejectionCode, TaskType
from hub.domain.outputs.tasks import CommandRejected
from hub.usecases.worker_steps import Arrival, Arrived, Forward, Output

REVIEW_COMMANDS = (ReviewPossibleMatch, SplitChild)


def review_command(
    commands_topic: str, arrival: Arrival
) -> ReviewPossibleMatch | SplitChild | None:
    """The reviewer's answer a message carries, if it is one (they need the resolver's index
    and a look back at the resolved events, so the resolver handles them apart)."""
    if not isinstance(arrival, Arrived) or arrival.message.topic != commands_topic:
        return None
    record = arrival.record
    return record if isinstance(record, REVIEW_COMMANDS) else None


def review_rejected(
    command: ReviewPossibleMatch | SplitChild, code: str, reason: str
) -> CommandRejected:
    return CommandRejected(
        command_id=command.command_id, command_type=type(command).__name__,
        child_key=command.child_key, target_id=command.child_key,
        reason_code=RejectionCode(code), reason=reason, rejected_at=command.decided_at,
    )


def replay_order(event: Event) -> tuple[datetime, datetime, str]:
    """The order a child's events are sent again after a review: as recorded, and when two
    were recorded at one time (one export's rows share it), in the order they happened, so a
    case's closure never comes before its opening; the event id only settles exact ties."""
    envelope = event.envelope
    return (envelope.recorded_at, envelope.occurred_at, envelope.event_id)


def review_outputs(
    result: ReviewResult, resolved: list[tuple[Event, bytes]],
    record_id_of: Callable[[Event], str],
) -> list[Output]:
    """A carried-out review, downstream: its decisions; then, per affected key, a
    ``ChildReset`` followed by every event that now belongs to that key, in ``replay_order``,
    forwarded as its original bytes. ``resolved``: (event, original bytes) read back from the
    resolved-events topic under every key involved (``Router.events``); an event seen under
    several keys is sent once."""
    events: dict[str, tuple[Event, bytes]] = {}
    for event, value in resolved:
        events.setdefault(event.envelope.event_id, (event, value))
    ordered = sorted(events.values(), key=lambda ev: replay_order(ev[0]))
    outputs: list[Output] = [*result.decisions]
    for reset in result.resets():
        outputs.append(reset)
        owned = set(result.records_of.get(reset.child_key, ()))
        if reset.into_key is None:
            outputs += [
                Forward(reset.child_key, value)
                for event, value in ordered
                if record_id_of(event) in owned
            ]
    return outputs


SETTLED_BY = "cin-hub"
"""Who a settlement's task changes are by: the hub itself, not a member of staff."""
NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def settle_outputs(
    settling: Settling, resolved: list[tuple[Event, bytes]],
    record_id_of: Callable[[Event], str], encode: Callable[[CancelTask], bytes],
) -> list[Output]:
    """A settlement, downstream: per affected key a ``ChildReset`` and the events it now
    holds (as for a review); a review task for each review it opened, and each review task it
    closed cancelled (sent to the child holding it, ``encode`` making the bytes); then its
    decision records, last, so a crash before they are durable makes the next start settle
    again and send the same records. ``resolved``: the events of every key it names, which
    also date it (the latest time recorded among them: the same facts give the same times)."""
    at = max((event.envelope.recorded_at for event, _ in resolved), default=NO_TIME)
    result = replace(settling.result, at=at)
    outputs = [o for o in review_outputs(result, resolved, record_id_of)
               if o not in result.decisions]
    for opened in settling.opened:
        outputs.append(PossibleMatchRaised(
            command_id=opened.decision_id, child_key=opened.child_key,
            candidate_key=opened.candidate_key, score=opened.score,
            record_ref=opened.record_ref, raised_at=at,
        ))
    for closed in settling.closed:
        pair = sorted((closed.child_key, closed.candidate_key))
        cancel = CancelTask(
            command_id=output_id("settled-review", closed.decision_id), child_key=closed.route_key,
            task_id=task_id_for(TaskType.POSSIBLE_MATCH_REVIEW, *pair), by=SETTLED_BY,
            reason="no longer a possible match: the records' resolution, which does not "
                   "depend on the order they arrived in, settled it",
            sent_at=at,
        )
        outputs.append(Forward(closed.route_key, encode(cancel)))
    return [*outputs, *result.decisions]
