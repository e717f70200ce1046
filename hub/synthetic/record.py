"""What every exporter produces: the rendered row plus who it is about, for the truth files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(slots=True)
class Link:
    """The person as one source record holds them (one row of ``link_records.csv``)."""

    source_id: str
    la_child_id: str = ""
    upn: str = ""
    former_upn: str = ""
    nhs: str = ""
    yot_id: str = ""
    given: str = ""
    family: str = ""
    dob: date | None = None
    sex: str = ""
    postcode: str = ""


@dataclass(slots=True)
class Out:
    source: str
    record_id: str
    event_date: date
    row: str  # one line of the source file, without its line end
    link: Link
    true_id: str
    file_key: str = ""  # which file of a multi-file source (provider returns: the SLA)
    seq: int = 0  # orders a child's same-day records (a referral opened and assessed at once)
    revision: int = 0  # a later version of a record already written (a revised decision)

    @property
    def sort_key(self) -> str:
        return f"{self.event_date.isoformat()}|{self.seq:02d}|{self.record_id}"


def _cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(values: Iterable[str]) -> str:
    """RFC 4180 quoting for one row (the caller adds the line end)."""
    return ",".join(_cell(value) for value in values)


def yn(flag: bool) -> str:
    return "Y" if flag else "N"


def money(pounds: float) -> str:
    return f"{pounds:.2f}"
