"""The synthetic authority in the formats authorities already produce (connectors/FORMATS.md,
"Standard formats"): ``hub demo-data --formats standard``.

Written beside the hub-format exports, from them and from the same population:
- ``cin_census.xml``: the CSC system's status changes, as the hub's census builder writes the
  CIN census for the year (what the case system would submit to the DfE);
- ``ssda903/header.csv`` and ``ssda903/episodes.csv``: each looked-after period of the CSC
  export as a ``C2`` episode, and each short-break payment naming a CSC child as a ``V3`` or
  ``V4`` episode over the period it pays for;
- ``ssd/``: the case system's Standard Safeguarding Dataset extract for early help and EHCPs
  (``hub.synthetic.ssd_extract``, ``case_ids``): the eCAF and Education SEN exports' facts, each
  person named by the case system's person id (the LA child id when CSC knows the child);
- ``pupil_roll.csv``: every child of the population on a school's roll (the Education
  service's pupil-level School Census data), with their true identifiers.
Then ``csc_status_changes.csv``, ``ecaf.json`` and ``education_sen.csv`` are removed: an
authority on standard formats has no such files (their facts are in the census and the SSD).
Same arguments, same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

from connectors.sources.csc import CscConnector
from connectors.sources.finance import FinanceConnector
from connectors.sources.ssda903 import TABLES
from hub.census.cin import build_cin_census
from hub.domain.episodes.years import CensusYear as CensusPeriod
from hub.domain.events import CscStatusChanged, PaymentMade
from hub.domain.events.csc import CscChange
from hub.domain.events.finance import PaymentKind
from hub.synthetic.calendar import CensusYear
from hub.synthetic.export_rows import read_events as _events
from hub.synthetic.export_rows import write_csv as _write
from hub.synthetic.population import Population
from hub.synthetic.ssd_extract import case_system_ids, write_ssd

PUPIL_COLUMNS = ("URN", "UPN", "FormerUPN", "Surname", "Forename", "DOB", "Sex", "PostCode",
                 "EntryDate", "LeavingDate")
LA_CODE = "938"
_SEX = {"MALE": "M", "FEMALE": "F"}
_SHORT_BREAKS = {PaymentKind.SHORT_BREAK_V3: "V3", PaymentKind.SHORT_BREAK_V4: "V4"}
FILES = {"cin-census": "cin_census.xml", "pupil-roll": "pupil_roll.csv", "ssda903": "ssda903",
         "ssd": "ssd"}
REPLACED = ("csc_status_changes.csv", "ecaf.json", "education_sen.csv")


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _looked_after(csc: list[CscStatusChanged]) -> list[list[str]]:
    """One C2 episode per looked-after period of the CSC export."""
    by_child: dict[str, list[CscStatusChanged]] = defaultdict(list)
    for e in csc:
        if e.change in (CscChange.LOOKED_AFTER_STARTED, CscChange.LOOKED_AFTER_ENDED):
            by_child[e.envelope.subject.la_child_id or ""].append(e)
    rows = []
    for child, changes in sorted(by_child.items()):
        start: date | None = None
        for e in sorted(changes, key=lambda c: (c.effective_date, c.change.value)):
            if e.change is CscChange.LOOKED_AFTER_STARTED and start is None:
                start = e.effective_date
            elif e.change is CscChange.LOOKED_AFTER_ENDED and start is not None:
                rows.append(_episode(child, start, "C2", e.effective_date))
                start = None
        if start is not None:
            rows.append(_episode(child, start, "C2", None))
    return rows


def _episode(child: str, start: date, status: str, end: date | None) -> list[str]:
    place, ceased = ("U1", "E4A") if status == "C2" else ("T4", "E3")
    return [child, _uk(start), "S", status, "N1" if status == "C2" else "N2", place, "PR1",
            _uk(end), ceased if end else "", "", "", "", ""]


def _short_breaks(payments: Iterable[PaymentMade]) -> list[list[str]]:
    return [
        _episode(p.envelope.subject.la_child_id or "", p.period_start,
                 _SHORT_BREAKS[p.payment_kind], p.period_end)
        for p in payments
        if p.payment_kind in _SHORT_BREAKS and p.envelope.subject.la_child_id
    ]


def _header(csc: list[CscStatusChanged], children: set[str]) -> list[list[str]]:
    latest: dict[str, CscStatusChanged] = {}
    for e in sorted(csc, key=lambda c: c.envelope.recorded_at):
        child = e.envelope.subject.la_child_id or ""
        if child in children:
            latest[child] = e
    return [
        [child, _SEX.get(e.envelope.subject.sex, "U"),
         _uk(e.envelope.subject.date_of_birth), e.ethnicity or "NOBT",
         e.envelope.subject.upn or "", "", ""]
        for child, e in sorted(latest.items())
    ]


def _ssda903(outdir: Path, csc: list[CscStatusChanged], today: date) -> int:
    finance = outdir / "finance_payments.csv"
    payments = [e for e in _events(FinanceConnector(today), finance) if isinstance(e, PaymentMade)]
    episodes, seen = [], set()
    for row in sorted(_looked_after(csc) + _short_breaks(payments)):
        if (row[0], row[1]) not in seen:  # one episode per child and start date
            seen.add((row[0], row[1]))
            episodes.append(row)
    known = {e.envelope.subject.la_child_id or "" for e in csc}
    episodes = [row for row in episodes if row[0] in known]
    _write(outdir / "ssda903" / "header.csv", TABLES["Header"],
           _header(csc, {row[0] for row in episodes}))
    return _write(outdir / "ssda903" / "episodes.csv", TABLES["Episodes"], episodes)


def _pupils(children: int, seed: int, year: CensusYear) -> Iterator[list[str]]:
    for family in Population(children, year, seed).families():
        for child in family:
            if not child.upn:
                continue
            entry = date(child.dob.year + 5, 9, 1)
            yield [child.school_urn, child.upn, child.former_upn, child.family, child.given,
                   child.dob.isoformat(), child.sex, child.postcode_on(year.start),
                   entry.isoformat() if entry <= year.end else "", ""]


def write_standard(outdir: Path, children: int, seed: int, year: CensusYear) -> dict[str, int]:
    """Write the standard-format files into ``outdir`` (beside ``generate``'s exports)."""
    today = year.end
    csc_path = outdir / "csc_status_changes.csv"
    csc = [e for e in _events(CscConnector(today), csc_path) if isinstance(e, CscStatusChanged)]
    period = CensusPeriod.parse(f"{year.start.year}-{year.end.year % 100:02d}")
    stamp = datetime.combine(year.end, time(23, 0), tzinfo=UTC)
    xml = build_cin_census(csc, period, la_code=LA_CODE, produced_at=stamp)
    (outdir / FILES["cin-census"]).write_bytes(xml)
    ssd = write_ssd(outdir, today, case_ids=case_system_ids(outdir, seed))
    counts = {
        "cin-census": xml.count(b"<Child>"),
        "ssda903": _ssda903(outdir, csc, today),
        "pupil-roll": _write(outdir / FILES["pupil-roll"], PUPIL_COLUMNS,
                             _pupils(children, seed, year)),
        "ssd": sum(ssd.values()),
    }
    for name in REPLACED:
        (outdir / name).unlink()
    return counts
