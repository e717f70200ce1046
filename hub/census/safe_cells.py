"""Census CSV cells a spreadsheet cannot run: a cell that starts like a formula is quoted.

A performance officer opens ``additional_services.csv`` in a spreadsheet, which treats a cell
starting with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a
formula: ``=HYPERLINK(...)`` or ``=cmd|...`` from a provider's file would run. Such a cell
gets a leading apostrophe (OWASP "CSV injection"), which spreadsheets show as text. A plain
number (``-12.50``) is left alone: it cannot be a formula. Pure: no I/O.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet will show it, never run it."""
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value
