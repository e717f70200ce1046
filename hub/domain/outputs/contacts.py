"""Contacts and flags: what CSC records when a key notification arrives (report pp.14, 34-37)."""

from __future__ import annotations

from datetime import date

from hub.domain.events.base import Record
from hub.domain.outputs.base import ChildDetail
from hub.domain.outputs.codes import ContactType, ContactWithdrawReason, FlagClearReason, FlagCode


class ContactRecordCreated(ChildDetail):
    """A child not known to CSC: the hub creates a Contact record of the notification's type."""

    contact_id: str
    child_key: str
    contact_type: ContactType
    source_system: str
    source_event_id: str
    contact_date: date
    summary: str


class ContactWithdrawn(Record):
    """A Contact the hub sent no longer follows from the child's facts: a visible correction,
    never a silent delete (CSC may already have screened it). The notification's flags, if
    it raises any now, are sent as ``FlagRaised`` beside it."""

    contact_id: str
    child_key: str
    contact_type: ContactType
    source_event_id: str
    reason: ContactWithdrawReason
    withdrawn_by_event_id: str
    withdrawn_on: date
    replaced_by_flag_id: str | None = None
    """The flag the notification raises instead (none when it only adds to a flag already up)."""


class FlagRaised(ChildDetail):
    """A child already known to CSC (or with a hub Contact): a flag is added to their record."""

    flag_id: str
    child_key: str
    flag: FlagCode
    raised_by_event_id: str
    source_system: str
    raised_on: date
    expires_on: date | None = None
    summary: str


class FlagCleared(Record):
    """A flag no longer applies: a later event resolved it, or its expiry date passed."""

    flag_id: str
    child_key: str
    flag: FlagCode
    reason: FlagClearReason
    cleared_by_event_id: str | None = None
    cleared_on: date
