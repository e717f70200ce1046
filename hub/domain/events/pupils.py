"""Pupil-level School Census data: who is on which school's roll (identity evidence only)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from hub.domain.events.common import Envelope
from hub.domain.events.event import Event


class PupilOnRoll(Event):
    """Identity evidence: the resolver links the pupil's UPN to a child, and nothing more
    happens (``identity_only``): no contact, flag, task, timeline entry or episode."""

    identity_only: ClassVar[bool] = True
    envelope: Envelope
    school_laestab: str | None = None
    school_urn: str | None = None
    entry_date: date | None = None
    leaving_date: date | None = None
    sen_provision: str | None = None
