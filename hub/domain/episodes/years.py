"""Census years: 1 April to 31 March (report p.44). An episode counts in every year it overlaps.

A census year is named by its two calendar years, ``"2025-26"``: 1 April 2025 to 31 March 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_LABEL = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class CensusYear:
    start_year: int

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """The census reference date, 31 March."""
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @classmethod
    def parse(cls, label: str) -> CensusYear:
        """``"2025-26"`` -> the year starting 1 April 2025; anything else is a ValueError."""
        match = _LABEL.match(label.strip())
        if not match or (int(match["start"]) + 1) % 100 != int(match["end"]):
            raise ValueError(f"census year must look like 2025-26, not {label!r}")
        return cls(int(match["start"]))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> tuple[str, ...]:
        """The twelve ``YYYY-MM`` months of the year, April first."""
        return tuple(
            f"{self.start_year + (m < 4):04d}-{m:02d}" for m in (*range(4, 13), *range(1, 4))
        )


def year_of(day: date) -> CensusYear:
    """The census year ``day`` falls in."""
    return CensusYear(day.year if day.month >= 4 else day.year - 1)


def overlaps(start: date, end: date | None, year: CensusYear) -> bool:
    """Whether an episode from ``start`` to ``end`` (None: still open) overlaps ``year``."""
    return start <= year.end and (end is None or end >= year.start)


@lru_cache(maxsize=1 << 16)
def census_years(start: date, until: date) -> tuple[str, ...]:
    """Labels of every census year from the one holding ``start`` to the one holding ``until``.
    Cached: every version of every episode asks it (over 200,000 times for a 2,000-child
    replay) with far fewer distinct pairs of dates, and the answer depends on the dates alone;
    the cache keeps the last 65,536 pairs."""
    first, last = year_of(start).start_year, year_of(max(start, until)).start_year
    return tuple(CensusYear(y).label for y in range(first, last + 1))
