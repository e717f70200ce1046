"""Providers' service-use returns: ``provider_returns/<SLARef>.csv`` (connectors/FORMATS.md).

Input: one SLA's UTF-8 CSV with columns ``LineRef, ProviderName, SLARef, ClientRef,
ClientForename, ClientSurname, ClientDOB, ClientPostcode, ServiceCode, SubTypeCode,
Measure, SessionDate, PeriodEnd, Sessions, Days, HoursPerSession, ProfessionalType,
GroupSession, ConsentToShare, SubmittedOn``; dates dd/mm/yyyy. A directory is read as one
export: every ``*.csv`` in it in name order, each row located by its file and row.
Events: one ServiceUseReturned per row (event date ``SessionDate``; the period ends on
``PeriodEnd``, or on the session date for a single session). Consent follows
hub.domain.consent: EW, TP and DA need ``ConsentToShare`` Y to share child-level detail.
Delivery: at least once. Idempotency key: (LineRef, SubmittedOn, event type).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import MalformedFileError, SourceRow, reject
from connectors.formats.code_lists import service_and_subtype
from connectors.formats.csv_export import check_csv, iter_csv
from connectors.formats.csv_source import CsvConnector, header
from connectors.formats.dates import UK
from connectors.formats.fields import flag, must, parse_int, parse_number, required, text
from connectors.formats.subject import ChildColumns
from hub.domain.consent import service_consent
from hub.domain.events import Event, ServiceUseReturned

COLUMNS = header(
    "LineRef,ProviderName,SLARef,ClientRef,ClientForename,ClientSurname,ClientDOB,"
    "ClientPostcode,ServiceCode,SubTypeCode,Measure,SessionDate,PeriodEnd,Sessions,Days,"
    "HoursPerSession,ProfessionalType,GroupSession,ConsentToShare,SubmittedOn"
)
CHILD = ChildColumns(
    own_id="ClientRef",
    own_id_type="PROVIDER_CLIENT_REF",
    given_name="ClientForename",
    family_name="ClientSurname",
    date_of_birth="ClientDOB",
    postcode="ClientPostcode",
)


class ProviderReturnsConnector(CsvConnector):
    source_system: ClassVar[str] = "provider-returns"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def _files(self, path: Path) -> list[Path]:
        if not path.is_dir():
            return [path]
        files = sorted(path.glob("*.csv"))
        if not files:
            raise MalformedFileError(f"{path.name}: no SLA return (*.csv) in the directory")
        return files

    def check(self, path: Path) -> int:
        return sum(check_csv(file, COLUMNS) for file in self._files(path))

    def rows(self, path: Path) -> Iterator[SourceRow]:
        for file in self._files(path):
            yield from iter_csv(file, COLUMNS)

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        ident = UK.identity(cells, "LineRef", "SessionDate", "SubmittedOn")
        service, subtype = service_and_subtype(cells, "ServiceCode", "SubTypeCode")
        consent = service_consent(service, flag(cells, "ConsentToShare"))
        start = ident.occurred.date()
        returned = self.event(
            ServiceUseReturned,
            ident,
            CHILD.subject(cells, UK),
            consent.model_dump(),
            provider=required(cells, "ProviderName"),
            sla_id=text(cells, "SLARef"),
            service=service,
            subtype=subtype,
            period_start=start,
            period_end=UK.day(cells, "PeriodEnd") or start,
            **_volume(cells),
            hours_per_session=parse_number(cells, "HoursPerSession"),
            professional_type=text(cells, "ProfessionalType"),
            group_session=bool(flag(cells, "GroupSession")),
        )
        return [returned]


def _volume(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Measure S counts sessions, D days or nights."""
    measure = required(cells, "Measure")
    if measure == "S":
        return {"sessions": must(parse_int(cells, "Sessions"), "Sessions")}
    if measure == "D":
        return {"days": must(parse_number(cells, "Days"), "Days")}
    raise reject("UNKNOWN_CODE", "Measure", "is not S (sessions) or D (days)")
