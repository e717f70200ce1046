"""Turning a source's cell values into typed values, with rejections that name the column."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TypeVar

from connectors.base import reject

T = TypeVar("T")


def text(row: Mapping[str, Any], column: str) -> str | None:
    """The cell, stripped; None when empty."""
    value = row.get(column)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def required(row: Mapping[str, Any], column: str) -> str:
    value = text(row, column)
    if value is None:
        raise reject("MISSING_FIELD", column, "is required")
    return value


@lru_cache(maxsize=65_536)
def _parsed(value: str, fmt: str) -> datetime:
    """``datetime.strptime``, remembered: a file repeats the same dates on many rows, and a
    datetime is immutable. A ValueError is raised each time (never cached)."""
    return datetime.strptime(value, fmt)


def parse_date(row: Mapping[str, Any], column: str, fmt: str) -> date | None:
    value = text(row, column)
    if value is None:
        return None
    try:
        return _parsed(value, fmt).date()
    except ValueError:
        raise reject("INVALID_DATE", column, f"is not a real date in the form {fmt}") from None


def required_date(row: Mapping[str, Any], column: str, fmt: str) -> date:
    value = parse_date(row, column, fmt)
    if value is None:
        raise reject("MISSING_FIELD", column, "is required")
    return value


def parse_timestamp(row: Mapping[str, Any], column: str, fmt: str) -> datetime:
    value = required(row, column)
    try:
        parsed = _parsed(value, fmt)
    except ValueError:
        raise reject("INVALID_DATE", column, f"is not a real time in the form {fmt}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_decimal(row: Mapping[str, Any], column: str) -> Decimal | None:
    value = text(row, column)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise reject("INVALID_VALUE", column, "is not a number") from None


def parse_number(row: Mapping[str, Any], column: str) -> float | None:
    value = parse_decimal(row, column)
    return None if value is None else float(value)


def must(value: T | None, column: str) -> T:
    """A parsed cell that the record cannot do without."""
    if value is None:
        raise reject("MISSING_FIELD", column, "is required")
    return value


def parse_int(row: Mapping[str, Any], column: str) -> int | None:
    value = text(row, column)
    if value is None:
        return None
    if not value.isdecimal():
        raise reject("INVALID_VALUE", column, "is not a whole number")
    return int(value)


def code(row: Mapping[str, Any], column: str, allowed: Mapping[str, str]) -> str | None:
    """A cell mapped through a code table (source code -> hub code)."""
    value = text(row, column)
    if value is None:
        return None
    if value not in allowed:
        raise reject("UNKNOWN_CODE", column, "is not in the code list")
    return allowed[value]


def listed(row: Mapping[str, Any], column: str, separator: str = ";") -> tuple[str, ...]:
    value = text(row, column)
    return tuple(part.strip() for part in value.split(separator) if part.strip()) if value else ()


def flag(row: Mapping[str, Any], column: str) -> bool | None:
    value = code(row, column, {"Y": "Y", "N": "N"})
    return None if value is None else value == "Y"
