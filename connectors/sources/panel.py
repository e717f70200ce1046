"""Resource panel decisions: ``panel.xml`` (see connectors/FORMATS.md).

Input: one UTF-8 XML document ``<PanelDecisions count="N">`` holding ``<Decision id version
lastModified>`` elements with ``PanelDate``, ``Outcome``, the ``Child`` and its ``Lines``
(itemised, coded, costed services); ISO dates. Malformed or truncated XML, or a ``count``
that differs from the decisions, publishes nothing (connectors/formats/xml_export.py).
Events: one PanelDecisionMade per decision (event date ``PanelDate``) with its ServiceLines.
Delivery: at least once. Idempotency key: (Decision/@id, Decision/@version, event type).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

from connectors.base import STATUTORY, Connector, SourceRow
from connectors.formats.code_lists import service_and_subtype
from connectors.formats.dates import ISO_Z
from connectors.formats.fields import parse_decimal, parse_number, required, text
from connectors.formats.subject import SEX_MF, ChildColumns
from connectors.formats.xml_export import check_xml, flatten, iter_xml
from hub.domain.events import Event, PanelDecisionMade

CHILD = ChildColumns(
    own_id="Child/@panelChildRef",
    own_id_type="PANEL_CHILD_REF",
    given_name="Child/Forename",
    family_name="Child/Surname",
    date_of_birth="Child/DateOfBirth",
    sex="Child/Sex",
    sex_codes=SEX_MF,
    postcode="Child/Postcode",
    upn="Child/@upn",
    nhs_number="Child/@nhsNumber",
    la_child_id="Child/@cscId",
)


class PanelConnector(Connector):
    source_system: ClassVar[str] = "panel"
    original_format: ClassVar[str] = "xml"

    def check(self, path: Path) -> int:
        return check_xml(path, root="PanelDecisions", record="Decision", count="count")

    def rows(self, path: Path) -> Iterator[SourceRow]:
        return iter_xml(
            path, root="PanelDecisions", record="Decision", count="count", fields=_fields
        )

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        ident = ISO_Z.identity(cells, "@id", "PanelDate", "@version", "@lastModified")
        decision = self.event(
            PanelDecisionMade,
            ident,
            CHILD.subject(cells, ISO_Z),
            STATUTORY,
            decision_id=ident.record_id,
            decision_date=ident.occurred.date(),
            decision=required(cells, "Outcome"),
            lines=[_line(_at(n), line) for n, line in enumerate(cells["Lines"])],
        )
        return [decision]


def _fields(decision: Element) -> dict[str, Any]:
    """The decision and its child; the lines as a list, each named ``Line[n]/...``."""
    lines = decision.iterfind("Lines/Line")
    listed = [flatten(line, _at(n)) for n, line in enumerate(lines)]
    return flatten(decision, skip=("Lines",)) | {"Lines": listed}


def _at(index: int) -> str:
    return f"Line[{index + 1}]/"


def _line(at: str, cells: Mapping[str, Any]) -> dict[str, Any]:
    service, subtype = service_and_subtype(cells, f"{at}@service", f"{at}@subType")
    return {
        "line_id": required(cells, f"{at}@no"),
        "service": service,
        "subtype": subtype,
        "provider": text(cells, f"{at}@provider"),
        "volume_measure": required(cells, f"{at}@measure"),
        "quantity": parse_number(cells, f"{at}@quantity"),
        "amount": parse_decimal(cells, f"{at}@amount"),
        "frequency": required(cells, f"{at}@frequency"),
        "planned_start": ISO_Z.day(cells, f"{at}@plannedStart", mandatory=True),
        "planned_end": ISO_Z.day(cells, f"{at}@plannedEnd"),
    }
