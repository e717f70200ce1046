"""Data minimisation at the door: an event whose consent is WITHHELD travels without the
child's name, date of birth and postcode. Pure.

The service still counts (consent-limited use) and the identifiers a source holds of right
still link it, but nothing that describes the child as a person is published, so it cannot
sit in a source topic for ever.
"""

from __future__ import annotations

from typing import TypeVar

from hub.domain.events import Event
from hub.domain.events.common import ConsentBasis

E = TypeVar("E", bound=Event)
PERSONAL_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode")


def minimised(event: E) -> E:
    """``event`` itself when consent allows, else a copy without the personal fields."""
    envelope = event.envelope
    if envelope.consent.basis is not ConsentBasis.WITHHELD:
        return event
    subject = envelope.subject.model_copy(update=dict.fromkeys(PERSONAL_FIELDS))
    return event.model_copy(update={"envelope": envelope.model_copy(update={"subject": subject})})
