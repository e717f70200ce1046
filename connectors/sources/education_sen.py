"""Education MIS, SEN history: ``education_sen.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV (with BOM) with columns ``SenEventId, PupilId, UPN, FormerUPN, Surname,
Forename, DOB, Gender, AddressLine1, Postcode, SchoolURN, EventType, EventDate, RequestedBy,
Outcome, StatementChange, SenServices, LastModified``; dates dd/mm/yyyy.
Events: SenAssessmentRequested, SenAssessmentOutcome or SenStatementChanged per row.
``EventType`` IN_FORCE is the go-live load: an EHC plan already in force on day one, dated
when it was issued (``EventDate``), with the services it names; it is sent as the plan's
issue (SenAssessmentOutcome EHC_PLAN_ISSUED), so the first census after go-live carries it.
Outcome codes may use the Children and Families Act 2014 names (EHC_PLAN_ISSUED,
NO_EHC_PLAN) or the 2008 names they replaced (STATEMENT_ISSUED, NO_STATEMENT).
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
from hub.domain.events.education import SenOutcome

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
            raise reject("UNKNOWN_CODE", "EventType",
                         "is not REQUEST, OUTCOME, IN_FORCE or STATEMENT_CHANGE")
        model, fields = build(cells)
        return [self.event(model, ident, mis_subject(cells), STATUTORY, **fields)]


def _request(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenAssessmentRequested, {
        "request_date": uk_date(cells, "EventDate", mandatory=True),
        "requested_by": required(cells, "RequestedBy"),
        "school_urn": text(cells, "SchoolURN"),
    }


# EHC plan names (2014) -> the wire code (the report's 2008 "statement" names are kept).
OUTCOME_ALIASES = {"EHC_PLAN_ISSUED": "STATEMENT_ISSUED", "NO_EHC_PLAN": "NO_STATEMENT"}


def _outcome(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    code = required(cells, "Outcome")
    return SenAssessmentOutcome, {
        "decision_date": uk_date(cells, "EventDate", mandatory=True),
        "outcome": OUTCOME_ALIASES.get(code, code),
        "services": listed(cells, "SenServices"),
    }


def _in_force(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenAssessmentOutcome, {
        "decision_date": uk_date(cells, "EventDate", mandatory=True),
        "outcome": SenOutcome.EHC_PLAN_ISSUED,
        "services": listed(cells, "SenServices"),
    }


def _change(cells: Mapping[str, Any]) -> tuple[type[Event], dict[str, Any]]:
    return SenStatementChanged, {
        "change_date": uk_date(cells, "EventDate", mandatory=True),
        "change": required(cells, "StatementChange"),
        "services": listed(cells, "SenServices"),
    }


_BUILDERS = {
    "REQUEST": _request,
    "OUTCOME": _outcome,
    "IN_FORCE": _in_force,
    "STATEMENT_CHANGE": _change,
    "EHC_PLAN_CHANGE": _change,  # the 2014 name of STATEMENT_CHANGE
}
