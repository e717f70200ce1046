"""The push intake: a department system sends one event; the hub builds its envelope.

The caller sends ``source_record_id``, ``record_version``, ``occurred_at``, ``subject``,
``consent`` and the event's own fields. The hub sets the rest of the envelope: the source
system from the authenticated key, ``recorded_at`` from its clock, and a deterministic event
id, so a retried request gets the same id. Validation is :func:`build_event`, the same rules
file connectors pass. Problems name fields as the caller sent them (``subject.upn``).

Rights: a source system may push only the event types it owns
(:mod:`hub.domain.intake_rights`); anything else is refused before the body is looked at.

Delivery: the event is acknowledged by the log before :meth:`Intake.accept` returns, so an
answer means durable. Each request waits for its own record only (no lock across requests),
and at most ``publish_timeout_s``: then :class:`EventLogUnavailableError` (503, retry later).
A record that timed out may still land later; its deterministic event id makes the retry
harmless. Idempotency key: the event id; a retry publishes the same id again.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.dead_letter import DeadLetter, DeadLetterStage, dead_letter_id
from hub.domain.event_ids import event_id
from hub.domain.events import EVENT_MODELS, Event
from hub.domain.identifier_rights import (
    DEFAULT_IDENTIFIER_RIGHTS,
    IdentifierRights,
    identifier_problems,
)
from hub.domain.intake_rights import DEFAULT_RIGHTS, IntakeRights
from hub.domain.validation import EventRejectedError, Problem, build_event
from hub.usecases.publishing import Publisher

CALLER_ENVELOPE_FIELDS = ("source_record_id", "record_version", "occurred_at", "subject", "consent")
HUB_SET_FIELDS = ("envelope", "event_id", "event_type", "schema_version", "source_system",
                  "recorded_at")
ENGLAND = ZoneInfo("Europe/London")


PUBLISH_TIMEOUT_S = 3.0  # the intake answers 503 within 5 s (auth and validation come first)


class EventLogUnavailableError(RuntimeError):
    """The event was valid but the log did not acknowledge it in time: retry later."""


class UnknownEventTypeError(LookupError):
    """No event model has this name."""


class EventTypeNotAllowedError(PermissionError):
    """The source system may not push this event type: it does not own it."""

    def __init__(self, source_system: str, event_type: str) -> None:
        super().__init__(f"{source_system} may not push {event_type}")
        self.source_system, self.event_type = source_system, event_type


@dataclass(frozen=True)
class Accepted:
    event: Event
    topic: str

    @property
    def event_id(self) -> str:
        return str(self.event.envelope.event_id)


def today_in_england(now: datetime) -> date:
    """The date a local authority is living in at ``now`` (future-date checks use it)."""
    return now.astimezone(ENGLAND).date()


def model_for(event_type: str) -> type[Event]:
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        raise UnknownEventTypeError(event_type) from None


def _event_id(model: type[Event], body: dict[str, Any], source: str) -> str:
    record_id, version = body.get("source_record_id"), body.get("record_version")
    if not (isinstance(record_id, str) and isinstance(version, str)):
        return ""  # validation refuses the body anyway: both fields must be strings
    return event_id(source, record_id, version, model.__name__)


def _envelope(
    model: type[Event], body: dict[str, Any], source: str, now: datetime
) -> dict[str, Any]:
    given = {name: body[name] for name in CALLER_ENVELOPE_FIELDS if name in body}
    return {
        "event_id": _event_id(model, body, source),
        "event_type": model.__name__,
        "schema_version": model.schema_version,
        "source_system": source,
        "recorded_at": now,
        **given,
    }


def _as_sent(problem: Problem) -> Problem:
    field = problem.field.removeprefix("envelope.")
    return Problem(problem.code, field, problem.message)


def build_pushed_event(
    event_type: str, body: dict[str, Any], source_system: str, today: date, now: datetime
) -> Event:
    """The validated event a pushed body states; raises EventRejectedError or UnknownEventType."""
    model = model_for(event_type)
    if set_by_hub := [name for name in HUB_SET_FIELDS if name in body]:
        raise EventRejectedError(
            [Problem("SET_BY_HUB", name, "is set by the hub") for name in set_by_hub]
        )
    own = {k: v for k, v in body.items() if k not in CALLER_ENVELOPE_FIELDS}
    data = {"envelope": _envelope(model, body, source_system, now), **own}
    try:
        return build_event(model, data, today)
    except EventRejectedError as exc:
        raise EventRejectedError([_as_sent(p) for p in exc.problems]) from None


class Intake:
    """Builds, validates and publishes pushed events, each acknowledged on its own.

    Requests do not queue behind one another: each waits for its own record's acknowledgement
    (``Publisher.publish_acked``), bounded by ``publish_timeout_s``.
    """

    def __init__(
        self, publisher: Publisher, rights: IntakeRights = DEFAULT_RIGHTS,
        identifiers: IdentifierRights = DEFAULT_IDENTIFIER_RIGHTS,
        publish_timeout_s: float = PUBLISH_TIMEOUT_S,
    ) -> None:
        self.publisher, self.rights, self.identifiers = publisher, rights, identifiers
        self.publish_timeout_s = publish_timeout_s

    def check_allowed(self, source_system: str, event_type: str) -> None:
        """Raises UnknownEventTypeError, or EventTypeNotAllowedError when the source may not
        push ``event_type``."""
        model_for(event_type)
        if not self.rights.allows(source_system, event_type):
            raise EventTypeNotAllowedError(source_system, event_type)

    async def accept(
        self, event_type: str, body: dict[str, Any], source_system: str, today: date,
        now: datetime,
    ) -> Accepted:
        self.check_allowed(source_system, event_type)
        event = build_pushed_event(event_type, body, source_system, today, now)
        subject = event.envelope.subject
        pushes = self.rights.event_types(source_system)
        if problems := identifier_problems(source_system, subject, self.identifiers, pushes):
            await self._dead_letter(source_system, event_type, body, problems, now)
            raise EventRejectedError(problems)
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                topic = await self.publisher.publish_acked(event)
        except EventRejectedError:  # an example outside a smoke namespace: permanent
            raise
        except Exception as exc:  # validated already, so the log failed: retryable
            raise EventLogUnavailableError(type(exc).__name__) from exc
        return Accepted(event, topic)

    async def _dead_letter(
        self, source_system: str, event_type: str, body: dict[str, Any],
        problems: list[Problem], now: datetime,
    ) -> None:
        """An identity claim beyond the source's rights is kept for operators, not dropped."""
        original = json.dumps(body, sort_keys=True, default=str).encode()
        location = f"POST /events/{event_type}"
        letter = DeadLetter(
            dead_letter_id=dead_letter_id(source_system, location, original),
            stage=DeadLetterStage.INTAKE, source_system=source_system,
            reason_code=problems[0].code,
            reason="; ".join(f"{p.field}: {p.message}" for p in problems),
            location=location, original=original, original_format="json", rejected_at=now,
        )
        try:
            async with asyncio.timeout(self.publish_timeout_s):
                await self.publisher.dead_letter(letter)
                await self.publisher.flush()
        except Exception as exc:  # the log failed: retryable, as for a valid event
            raise EventLogUnavailableError(type(exc).__name__) from exc
