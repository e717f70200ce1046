"""The audit trail's record and port: who did what, about which child, when, from where.

Kept apart from application logs, in its own store (``hub.adapters.audit_sqlite``), and
queried with ``hub audit``. A record holds no personal data: the actor is a staff user id or
an API key id (``key:<key id>``), the action a fixed name (``intake.push``,
``inbox.sign-in``, ``inbox.child-view``), the child the hub's pseudonymous child key (or
none), the outcome a short code (``202``, ``refused``), and the client's network address.

Any part of the hub that audits takes an :class:`AuditLog` (built in the composition root)
and calls ``record(actor, action, child_key, address, at)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    child_key: str | None
    address: str | None
    outcome: str = ""


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None
    child_key: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 1000


def audit_problem(actor: str, action: str, outcome: str) -> str | None:
    """Why these names may not be audited as given (free text could carry personal data)."""
    for label, value in (("actor", actor), ("action", action)):
        if not _NAME.match(value):
            return f"audit {label} must be an id or a fixed name (letters, digits, ._:@/-)"
    if outcome and not _NAME.match(outcome):
        return "audit outcome must be a short code"
    return None


class AuditLog(Protocol):
    """An append-only audit trail, queried by actor, action, child and time."""

    def record(self, actor: str, action: str, child_key: str | None, address: str | None,
               at: datetime, *, outcome: str = "") -> None:
        """Append one record; raises ValueError for names that are not ids or fixed names."""

    def query(self, where: AuditQuery) -> list[AuditRecord]:
        """Matching records, oldest first, at most ``where.limit``."""
