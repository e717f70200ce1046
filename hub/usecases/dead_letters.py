"""Who may see a dead letter's original values, and the audit record of every showing.

A dead letter keeps the rejected original, personal data included. Its reason (field and rule,
never a value) is anyone's to read; the original only for a staff directory user holding
``data_officer`` or ``admin``, and every showing, with or without values, is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.domain.dead_letter import DeadLetter
from hub.domain.staff_roles import ADMIN, DATA_OFFICER
from hub.usecases.actor_check import ActorDirectory

VALUE_ROLES = frozenset({DATA_OFFICER, ADMIN})


class NotAuthorisedError(PermissionError):
    """The named operator may not see dead-letter values."""


@dataclass(frozen=True)
class Showing:
    """One line of the audit trail: who looked at which letter, when, and whether values."""

    by: str
    dead_letter_id: str
    values: bool
    at: datetime

    def as_json(self) -> dict[str, object]:
        return {"event": "dead letter shown", "by": self.by,
                "dead_letter_id": self.dead_letter_id, "values": self.values,
                "at": self.at.isoformat()}


def may_see_values(directory: ActorDirectory, by: str | None) -> None:
    roles = directory.roles_of(by) if by else None
    if roles is None or not roles & VALUE_ROLES:
        raise NotAuthorisedError(
            "dead-letter values are for a staff directory user with the data_officer or "
            "admin role (--by USER)")


def described(letter: DeadLetter) -> dict[str, str]:
    """What anyone may see: no value from the original."""
    return {
        "id": letter.dead_letter_id, "stage": letter.stage.value, "source": letter.source_system,
        "reason_code": letter.reason_code, "reason": letter.reason,
        "location": letter.location or "-", "format": letter.original_format,
        "bytes": str(len(letter.original)), "rejected_at": letter.rejected_at.isoformat(),
    }
