"""A reviewer's identity answer, downstream of the resolver: which messages are one, what a
refusal looks like, and what a carried-out review sends (typed in, typed out: the resolver
stage decodes and encodes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hub.domain.commands import ReviewPossibleMatch, SplitChild
from hub.domain.events import Event
from hub.domain.identity.review_result import ReviewResult
from hub.domain.outputs.codes import RejectionCode
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
