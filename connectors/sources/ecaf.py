"""eCAF database: ``ecaf.json``, one JSON document of CAF records (see connectors/FORMATS.md).

Input: UTF-8 JSON ``{"system", "exportedAt", "recordCount", "records": [...]}``; one record
per CAF with ``cafId``, ``version``, ``lastModified``, ``child``, ``assessment``, ``status``
and ``closure``; ISO dates. A document that is not JSON, lacks ``records`` or whose
``recordCount`` differs from its records is malformed and publishes nothing.
Events: CafCompleted for every record (event date ``assessment.completedDate``) and, for a
CLOSED one, CafClosed as well (event date ``closure.closedDate``). CAF is consent-based:
every event carries explicit consent.
Delivery: at least once. Idempotency key: (cafId, version, event type).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import Connector, SourceRow, reject
from connectors.formats.code_lists import code_set, one_of
from connectors.formats.dates import ISO_Z
from connectors.formats.fields import must, required, text
from connectors.formats.json_export import check_json, iter_json
from connectors.formats.subject import SEX_WORDS, ChildColumns
from hub.domain.consent import EXPLICIT
from hub.domain.events import CafClosed, CafCompleted, Event

CHILD = ChildColumns(
    own_id="child.ecafPersonId",
    own_id_type="ECAF_ID",
    given_name="child.firstName",
    family_name="child.lastName",
    date_of_birth="child.dateOfBirth",
    sex="child.gender",
    sex_codes=SEX_WORDS,
    postcode="child.postcode",
    upn="child.upn",
    nhs_number="child.nhsNumber",
)
NEEDS = code_set(
    "PARENTING_CAPACITY SCHOOL_ATTENDANCE BEHAVIOUR EMOTIONAL_HEALTH PHYSICAL_HEALTH HOUSING"
    " FINANCES DOMESTIC_ABUSE SUBSTANCE_MISUSE YOUNG_CARER SPEECH_LANGUAGE"
)
_NEEDS_FIELD = "assessment.needsIdentified"
_COMPLETED = "assessment.completedDate"
_CLOSED = "closure.closedDate"


class EcafConnector(Connector):
    source_system: ClassVar[str] = "ecaf"
    original_format: ClassVar[str] = "json"

    def check(self, path: Path) -> int:
        return check_json(path, records="records", count="recordCount")

    def rows(self, path: Path) -> Iterator[SourceRow]:
        return iter_json(path, records="records")

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        subject = CHILD.subject(cells, ISO_Z)
        closed = must(one_of(cells, "status", ("OPEN", "CLOSED")), "status") == "CLOSED"
        facts = [_completed(cells), *([_closed(cells)] if closed else [])]
        return [self._caf(cells, subject, *fact) for fact in facts]

    def _caf(
        self,
        cells: Mapping[str, Any],
        subject: dict[str, Any],
        model: type[Event],
        occurred: str,
        fields: dict[str, Any],
    ) -> Event:
        """One CAF event, dated by the ``occurred`` field; both share the record's version."""
        ident = ISO_Z.identity(cells, "cafId", occurred, "version", "lastModified")
        consent = EXPLICIT.model_dump()
        return self.event(model, ident, subject, consent, caf_id=ident.record_id, **fields)


Fact = tuple[type[Event], str, dict[str, Any]]  # event, the field dating it, its fields


def _completed(cells: Mapping[str, Any]) -> Fact:
    return (
        CafCompleted,
        _COMPLETED,
        {
            "completed_date": ISO_Z.day(cells, _COMPLETED, mandatory=True),
            "team": text(cells, "assessment.team"),
            "lead_professional_role": text(cells, "assessment.leadProfessionalRole"),
            "needs": _needs(cells),
        },
    )


def _closed(cells: Mapping[str, Any]) -> Fact:
    return (
        CafClosed,
        _CLOSED,
        {
            "closed_date": ISO_Z.day(cells, _CLOSED, mandatory=True),
            "closure_reason": required(cells, "closure.reason"),
        },
    )


def _needs(cells: Mapping[str, Any]) -> tuple[str, ...]:
    needs = cells.get(_NEEDS_FIELD) or []
    if not isinstance(needs, list) or not all(isinstance(need, str) for need in needs):
        raise reject("INVALID_VALUE", _NEEDS_FIELD, "is not a list of codes")
    if not NEEDS.issuperset(needs):
        raise reject("UNKNOWN_CODE", _NEEDS_FIELD, "holds a code not in the code list")
    return tuple(needs)
