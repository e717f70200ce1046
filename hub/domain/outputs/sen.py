"""The SEN exchange with Education (report p.34): CSC's side of steps 3, 6 and 9."""

from __future__ import annotations

from datetime import date

from hub.domain.events.base import Record, Timestamp
from hub.domain.outputs.base import ChildDetail
from hub.domain.outputs.codes import CscStatus, Participation


class SenExchangeReplied(ChildDetail):
    """Step 3a: whether the child was known to CSC, and their status now."""

    reply_id: str
    request_record_id: str
    in_reply_to_event_id: str
    child_key: str
    known_to_csc: bool
    csc_status: CscStatus
    participation: Participation
    replied_at: Timestamp
    corrects_reply_id: str | None = None
    """A correction (v2): the reply this one replaces after a late, earlier event."""


class SenParticipationDecided(Record):
    """Step 3b: whether CSC will take part in the assessment."""

    decision_id: str
    command_id: str
    request_record_id: str
    child_key: str
    will_participate: bool
    decided_by: str
    decided_at: Timestamp


class CscStatusRelayed(ChildDetail):
    """Step 9: the child's CSC status changed while an SEN request or statement is active."""

    relay_id: str
    child_key: str
    request_record_id: str | None = None
    csc_status: CscStatus
    effective_date: date
    source_event_id: str
