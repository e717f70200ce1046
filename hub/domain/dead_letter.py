"""Dead letters: input the hub could not accept, with the reason and the original bytes.

Errors are data (STYLE.md): nothing is dropped and nothing crashes the worker. A reason names
fields and rules, never field values, so it is safe to show and to count.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from hub.domain.events.base import Record, Timestamp


class DeadLetterStage(StrEnum):
    CONNECTOR = "CONNECTOR"
    INTAKE = "INTAKE"
    PROCESSOR = "PROCESSOR"


class DeadLetter(Record):
    dead_letter_id: str
    stage: DeadLetterStage
    source_system: str
    reason_code: str
    reason: str
    location: str | None = None
    original: bytes
    original_format: str
    rejected_at: Timestamp


def dead_letter_id(source_system: str, location: str | None, original: bytes) -> str:
    """Same input at the same place -> same id, so re-running a file adds no new dead letters."""
    digest = hashlib.sha256(original).hexdigest()[:16]
    return f"{source_system}:{location or '-'}:{digest}"
