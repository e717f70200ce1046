"""The consent gate (Caldicott principles, report p.30): what may leave the hub about a child.

Every source event passes :func:`admit` before any rule sees it. An event whose consent allows
child-level detail comes back wrapped as :class:`Shared`, the only form the rules accept. Any
other event comes back as :class:`ConsentLimitedUse` records and nothing else: no child key, no
identifier, no free text; only what lets the service be counted (event type, service, age band,
sex, month, consent basis). Such an event leaves no trace in the child's state either, so it
cannot surface later through a contact, a flag, a task, a timeline entry or an SEN reply.

(Whether a source may send an event at all is ``hub.domain.consent``; this module only
decides what the hub passes on.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from hub.domain.codes import AdditionalService
from hub.domain.event_facts import envelope_of, services_of
from hub.domain.events import Event
from hub.domain.outputs.codes import AgeBand
from hub.domain.outputs.counts import ConsentLimitedUse

_BANDS: tuple[tuple[int, AgeBand], ...] = (
    (18, AgeBand.AGE_18_PLUS),
    (16, AgeBand.AGE_16_17),
    (10, AgeBand.AGE_10_15),
    (5, AgeBand.AGE_5_9),
    (0, AgeBand.AGE_0_4),
)


class ConsentWithheldError(ValueError):
    """Code tried to pass an event to the rules although its consent withholds detail."""


@dataclass(frozen=True, slots=True)
class Shared:
    """A source event whose consent allows sharing child-level detail."""

    event: Event

    def __post_init__(self) -> None:
        if not envelope_of(self.event).consent.share_child_detail:
            raise ConsentWithheldError("consent withholds child detail: use admit()")


def admit(event: Event) -> Shared | tuple[ConsentLimitedUse, ...]:
    """The single gate: the event for the rules, or the only records it may yield."""
    if envelope_of(event).consent.share_child_detail:
        return Shared(event)
    return limited_uses(event)


def limited_uses(event: Event) -> tuple[ConsentLimitedUse, ...]:
    """One record per service the event is about (one with no service when it names none)."""
    services: tuple[AdditionalService | None, ...] = services_of(event) or (None,)
    return tuple(_use(event, service) for service in services)


def _use(event: Event, service: AdditionalService | None) -> ConsentLimitedUse:
    envelope = envelope_of(event)
    when = envelope.occurred_at
    return ConsentLimitedUse(
        use_id=_one_way(envelope.event_id, service),
        event_type=type(event).__name__,
        service=service,
        age_band=age_band(envelope.subject.date_of_birth, when.date()),
        sex=envelope.subject.sex,
        census_month=f"{when.year:04d}-{when.month:02d}",
        consent_basis=envelope.consent.basis,
    )


def _one_way(event_id: str, service: AdditionalService | None) -> str:
    """Stable for a redelivery, useless for finding the event: a truncated SHA-256."""
    material = f"cinhub-consent-limited\x1f{event_id}\x1f{service or '-'}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def age_band(date_of_birth: date | None, on: date) -> AgeBand:
    """Age in whole years on ``on``, banded; UNKNOWN without a date of birth or if it is later."""
    if date_of_birth is None or date_of_birth > on:
        return AgeBand.UNKNOWN
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    years = on.year - date_of_birth.year - before_birthday
    return next(band for floor, band in _BANDS if years >= floor)
