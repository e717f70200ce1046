"""Working days: Monday to Friday, except the bank holidays a local authority configures."""

from __future__ import annotations

from datetime import date, timedelta

SATURDAY = 5
_DAY = timedelta(days=1)


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += _DAY
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def last_day_of(start: date, days: int) -> date:
    """The last school day of a ``days``-day absence that begins on ``start``.

    A 3-day exclusion starting on a Friday covers Friday, Monday and Tuesday.
    """
    first = start if is_working_day(start) else add_working_days(start, 1)
    return add_working_days(first, max(days, 1) - 1)
