"""The Standard Safeguarding Dataset (Data to Insight): a person's identifiers, as evidence."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class LinkedIdentifierRecorded(Event):
    """Identity evidence only (``identity_only``): the resolver links, nothing else happens."""

    identity_only: ClassVar[bool] = True
    envelope: Envelope
    ssd_table: str
    identifier_type: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
