"""The census year and date helpers (1 April to 31 March)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class CensusYear:
    start: date
    end: date

    @classmethod
    def parse(cls, label: str) -> CensusYear:
        """'2025-26' -> 1 April 2025 to 31 March 2026."""
        match = _YEAR.match(label)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"census year must look like 2025-26, not {label!r}")
        first = int(match[1])
        return cls(date(first, 4, 1), date(first + 1, 3, 31))

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.end.year % 100:02d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def day(self, rng: random.Random, lo: date | None = None, hi: date | None = None) -> date:
        """A uniformly random date in [lo, hi], both clipped to the year."""
        first = max(lo or self.start, self.start)
        last = min(hi or self.end, self.end)
        if last <= first:
            return first if first <= self.end else self.end
        return first + timedelta(days=rng.randint(0, (last - first).days))

    def clip(self, day: date) -> date:
        return min(max(day, self.start), self.end)

    def stamp(self, rng: random.Random, day: date, max_lag_days: int = 20) -> datetime:
        """A last-modified time on or after ``day`` (office hours), never after the year end."""
        lag = min(rng.randint(0, max_lag_days), max((self.end - day).days, 0))
        clock = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        return datetime.combine(day + timedelta(days=lag), clock)


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def dmy(day: date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def dmy_time(moment: datetime) -> str:
    return f"{dmy(moment.date())} {moment:%H:%M:%S}"


def oracle(day: date | None) -> str:
    """Finance style: 05-APR-2025."""
    return "" if day is None else f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def oracle_time(moment: datetime) -> str:
    return f"{oracle(moment.date())} {moment:%H:%M:%S}"


def iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def iso_z(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"
