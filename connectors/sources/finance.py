"""Finance / payments system: ``finance_payments.csv`` (see connectors/FORMATS.md).

Input: UTF-8 CSV with columns ``PaymentRef, ClientRef, CSCRef, ClientName, ClientDOB,
ClientPostcode, PaymentType, Amount, PeriodFrom, PeriodTo, PaymentDate, Payee,
PanelDecisionRef, CostCentre, LastUpdated``; dates ``05-APR-2025`` (upper-case English
month); ``ClientName`` is ``SURNAME, Forename``; ``CSCRef`` is the LA child id when held.
Events: one PaymentMade per row (event date ``PaymentDate``).
Delivery: at least once. Idempotency key: (PaymentRef, LastUpdated, event type).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connectors.base import STATUTORY, SourceRow
from connectors.formats.csv_source import CsvConnector, header
from connectors.formats.dates import ORACLE
from connectors.formats.fields import must, parse_decimal, required, text
from connectors.formats.subject import ChildColumns
from hub.domain.events import Event, PaymentMade

COLUMNS = header(
    "PaymentRef,ClientRef,CSCRef,ClientName,ClientDOB,ClientPostcode,PaymentType,Amount,"
    "PeriodFrom,PeriodTo,PaymentDate,Payee,PanelDecisionRef,CostCentre,LastUpdated"
)
CHILD = ChildColumns(
    own_id="ClientRef",
    own_id_type="FINANCE_CLIENT_REF",
    date_of_birth="ClientDOB",
    postcode="ClientPostcode",
    la_child_id="CSCRef",
)


class FinanceConnector(CsvConnector):
    source_system: ClassVar[str] = "finance"
    columns: ClassVar[tuple[str, ...]] = COLUMNS

    def events(self, row: SourceRow) -> list[Event]:
        cells = row.fields
        ident = ORACLE.identity(cells, "PaymentRef", "PaymentDate", "LastUpdated")
        payment = self.event(
            PaymentMade,
            ident,
            CHILD.subject(cells, ORACLE) | client_name(cells),
            STATUTORY,
            payment_id=ident.record_id,
            payment_kind=required(cells, "PaymentType"),
            amount=must(parse_decimal(cells, "Amount"), "Amount"),
            period_start=ORACLE.day(cells, "PeriodFrom", mandatory=True),
            period_end=ORACLE.day(cells, "PeriodTo", mandatory=True),
            payee=text(cells, "Payee"),
            panel_decision_id=text(cells, "PanelDecisionRef"),
        )
        return [payment]


def client_name(cells: Mapping[str, Any]) -> dict[str, str | None]:
    """'SMITH, John' -> family SMITH, given John (split on the first comma)."""
    name = text(cells, "ClientName")
    if name is None:
        return {}
    family, _, given = name.partition(",")
    return {"family_name": family.strip() or None, "given_name": given.strip() or None}
