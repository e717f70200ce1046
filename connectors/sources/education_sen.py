"""Education MIS, SEN history: ``education_sen.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV (with BOM) with columns ``SenEventId, PupilId, UPN, FormerUPN, Surname,
Forename, DOB, Gender, AddressLine1, Postcode, SchoolURN, EventType, EventDate, RequestedBy,
Outcome, StatementChange, SenServices, LastModified``; dates dd/mm/yyyy.
Events: SenAssessmentRequested, SenAssessmentOutcome or SenStatementChanged per row.
Delivery: at least once. Idempotency key: (SenEventId, LastModified, event type).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.base import STATUTORY, Identity, SourceRow, at_midnight, reject
from connectors.formats.csv_source import CsvConnector
from connectors.formats.fields import listed, required, text
from connectors.sources.education_common import COLUMNS_CHILD, mis_subject, uk_date, uk_timestamp
from hub.domain.events import (
    Event,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
)

COLUMNS = (
    "SenEventId", *COLUMNS_CHILD, "SchoolURN", "EventType", "EventDate", "RequestedBy",
    "Outcome", "StatementChange", "SenServices", "LastModified",
)


class EducationSenConnector(CsvConnector):
    source_system: ClassVar[str] = "education-sen"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        day = uk_date(cells, "EventDate", mandatory=True)
        ident = Identity(
            required(cells, "SenEventId"), required(cells, "LastModified"),
            at_midnight(day), uk_timestamp(cells, "LastModified"),
        )
        kind = required(cells, "EventType")
        build = _BUILDERS.get(kind)
        if build is None:
            raise reject("UNKNOWN_CODE", "EventType", "is not REQUEST, OUTCOME or STATEMENT_CHANGE")
        model, fields = build(cells)
        return [self.event(model, ident, mis_subject(cells), STATUTORY, **fields)]


def _request(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenAssessmentRequested, {
        "request_date": uk_date(cells, "EventDate", mandatory=True),
        "requested_by": required(cells, "RequestedBy"),
        "school_urn": text(cells, "SchoolURN"),
    }


def _outcome(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenAssessmentOutcome, {
        "decision_date": uk_date(cells, "EventDate", mandatory=True),
        "outcome": required(cells, "Outcome"),
        "services": listed(cells, "SenServices"),
    }


def _change(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenStatementChanged, {
        "change_date": uk_date(cells, "EventDate", mandatory=True),
        "change": required(cells, "StatementChange"),
        "services": listed(cells, "SenServices"),
    }


_BUILDERS = {"REQUEST": _request, "OUTCOME": _outcome, "STATEMENT_CHANGE": _change}
