"""How each department system writes dates and times (connectors/FORMATS.md, "Date formats").

A :class:`DateStyle` reads one system's dates and last-modified stamps exactly; any other
form is an ``INVALID_DATE`` rejection naming the column. Stamps without a zone are taken
as UTC, as :func:`connectors.formats.fields.parse_timestamp` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, overload

from connectors.base import Identity, at_midnight, reject
from connectors.formats.fields import parse_date, parse_timestamp, required, required_date, text
from hub.domain.validation import EventRejectedError

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NUMBER = {name: f"{number:02d}" for number, name in enumerate(_MONTHS, start=1)}
_ORACLE_MONTH = re.compile(r"^(\d{2})-([A-Z]{3})-")


def _as_written(value: str) -> str:
    return value


def _numeric_month(value: str) -> str:
    """'05-APR-2025' -> '05-04-2025', without relying on the process locale.

    Only an upper-case English month is translated; anything else is left to fail the format.
    """
    return _ORACLE_MONTH.sub(lambda m: f"{m[1]}-{_MONTH_NUMBER.get(m[2], m[2])}-", value, count=1)


@dataclass(frozen=True)
class DateStyle:
    date_format: str
    timestamp_format: str
    translate: Callable[[str], str] = _as_written
    written: str = ""  # how the source writes dates, when the formats above are translated

    def _cell(self, cells: Mapping[str, Any], column: str) -> dict[str, str | None]:
        value = text(cells, column)
        return {column: None if value is None else self.translate(value)}

    @overload
    def day(self, cells: Mapping[str, Any], column: str, *, mandatory: Literal[True]) -> date: ...
    @overload
    def day(
        self, cells: Mapping[str, Any], column: str, *, mandatory: bool = False
    ) -> date | None: ...
    def day(self, cells: Mapping[str, Any], column: str, *, mandatory: bool = False) -> date | None:
        cell = self._cell(cells, column)
        with self._as_the_source_writes_it(column):
            if mandatory:
                return required_date(cell, column, self.date_format)
            return parse_date(cell, column, self.date_format)

    def stamp(self, cells: Mapping[str, Any], column: str) -> datetime:
        with self._as_the_source_writes_it(column):
            return parse_timestamp(self._cell(cells, column), column, self.timestamp_format)

    @contextmanager
    def _as_the_source_writes_it(self, column: str) -> Iterator[None]:
        """A rejection names the form the source writes, not the translated one."""
        try:
            yield
        except EventRejectedError as exc:
            if exc.code != "INVALID_DATE" or not self.written:
                raise
            raise reject(
                "INVALID_DATE", column, f"is not a real date in the form {self.written}"
            ) from None

    def identity(
        self,
        cells: Mapping[str, Any],
        record: str,
        occurred: str,
        version: str,
        recorded: str | None = None,
    ) -> Identity:
        """Record id, version, event date and when it was recorded (``recorded`` or ``version``)."""
        return Identity(
            required(cells, record),
            required(cells, version),
            at_midnight(self.day(cells, occurred, mandatory=True)),
            self.stamp(cells, recorded or version),
        )


UK = DateStyle("%d/%m/%Y", "%d/%m/%Y %H:%M:%S")  # education, yot, register, providers
ORACLE = DateStyle(  # finance: 05-APR-2025
    "%d-%m-%Y", "%d-%m-%Y %H:%M:%S", _numeric_month, "dd-MON-yyyy[ HH:MM:SS]"
)
CSC_ISO = DateStyle("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")  # csc: local stamps without a zone
ISO_Z = DateStyle("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ")  # ecaf, panel: UTC stamps
