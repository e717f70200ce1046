"""Dates as authorities' standard extracts write them: ISO ``yyyy-mm-dd`` (SQL Server exports
add a time, ``2024-05-01 00:00:00.000``) or ``dd/mm/yyyy``. Any other form is an
``INVALID_DATE`` rejection naming the column, never the value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from connectors.base import reject
from connectors.formats.fields import text

_TIME = re.compile(r"[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$")
_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def extract_day(cells: Mapping[str, Any], column: str) -> date | None:
    value = text(cells, column)
    if value is None:
        return None
    value = _TIME.sub("", value)
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise reject("INVALID_DATE", column, "is not a date as yyyy-mm-dd or dd/mm/yyyy")
