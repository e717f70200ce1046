"""What one connected file left behind: the receipt the census sign-off pack reconciles.

Every ``hub connect`` (and every source ``hub demo`` publishes) appends one receipt per file
to the namespace's receipt log (``.hub/state/intake/<namespace>.jsonl``, 0600): the source,
the file's name, a SHA-256 of its bytes, rows read, rows published and rows dead-lettered by
reason code. Counts and codes only: never a row, a value or a reason's text, so a receipt
holds no personal data.

The same file connected twice (same source, name and digest) is one delivery: the latest
receipt wins. A file of the same name with other bytes is another delivery and keeps its
own row. Pure: no clock, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ReceiptError(ValueError):
    """A receipt line that is not a receipt (the message names the field, never a value)."""


@dataclass(frozen=True, slots=True)
class IntakeReceipt:
    source: str
    file: str  # the file's (or folder's) name, no directory
    digest: str  # SHA-256 of the bytes read
    rows_read: int
    rows_published: int
    dead_letters: Mapping[str, int] = field(default_factory=dict)  # reason code -> rows
    events_published: int = 0
    events_already_held: int = 0

    @property
    def rows_dead_lettered(self) -> int:
        return sum(self.dead_letters.values())

    @property
    def reconciled(self) -> bool:
        """Rows read = rows published + rows dead-lettered."""
        return self.rows_read == self.rows_published + self.rows_dead_lettered

    def to_json(self) -> str:
        body = {
            "source": self.source, "file": self.file, "digest": self.digest,
            "rows_read": self.rows_read, "rows_published": self.rows_published,
            "dead_letters": dict(sorted(self.dead_letters.items())),
            "events_published": self.events_published,
            "events_already_held": self.events_already_held,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _int(body: Mapping[str, Any], key: str) -> int:
    value = body.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReceiptError(f"receipt field {key} is not a count")
    return value


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ReceiptError(f"receipt field {key} is missing")
    return value


def parse(line: str) -> IntakeReceipt:
    try:
        body = json.loads(line)
    except json.JSONDecodeError:
        raise ReceiptError("receipt line is not JSON") from None
    if not isinstance(body, dict):
        raise ReceiptError("receipt line is not an object")
    letters = body.get("dead_letters", {})
    if not isinstance(letters, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in letters.items()
    ):
        raise ReceiptError("receipt field dead_letters is not counts by reason")
    return IntakeReceipt(
        source=_text(body, "source"), file=_text(body, "file"), digest=_text(body, "digest"),
        rows_read=_int(body, "rows_read"), rows_published=_int(body, "rows_published"),
        dead_letters=dict(sorted(letters.items())),
        events_published=_int(body, "events_published"),
        events_already_held=_int(body, "events_already_held"),
    )


def deliveries(receipts: Iterable[IntakeReceipt]) -> list[IntakeReceipt]:
    """One receipt per delivery (source, file, digest), the latest appended; by source, file."""
    latest: dict[tuple[str, str, str], IntakeReceipt] = {}
    for receipt in receipts:
        latest[(receipt.source, receipt.file, receipt.digest)] = receipt
    return [latest[k] for k in sorted(latest)]
