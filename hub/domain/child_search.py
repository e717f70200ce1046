"""Finding a child by what staff know: a name, a date of birth, an LA child id or a UPN.

A query is compared with what the hub holds for a child (latest name and date of birth, and
every identifier a source system gave). Identifiers match whole, ignoring case and spaces; a
date of birth is ``YYYY-MM-DD`` or ``DD/MM/YYYY``; anything else is a name: every word of it
must start a word of the child's given or family name (so "ada love" finds Ada Lovelace).
Pure rule: the caller looks the child's details up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

SEARCHABLE_IDS = ("LA_CHILD_ID", "UPN", "FORMER_UPN", "NHS_NUMBER")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def as_date(text: str) -> date | None:
    text = text.strip()
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def matches(query: str, names: Iterable[str | None], date_of_birth: date | None,
            identifiers: Iterable[tuple[str, str]]) -> bool:
    """Whether the child with these details is the one ``query`` describes."""
    query = query.strip()
    if not query:
        return False
    wanted = as_date(query)
    if wanted is not None:
        return wanted == date_of_birth
    compact = _compact(query)
    if any(kind in SEARCHABLE_IDS and _compact(value) == compact for kind, value in identifiers):
        return True
    words = [w for name in names if name for w in re.split(r"[\s'-]+", name.lower()) if w]
    return all(any(w.startswith(part) for w in words) for part in query.lower().split())
