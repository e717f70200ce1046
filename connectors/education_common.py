"""What both Education MIS exports share: the pupil columns and the dd/mm/yyyy dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal, overload

from connectors.fields import code, parse_date, parse_timestamp, required, required_date, text

COLUMNS_CHILD = (
    "PupilId", "UPN", "FormerUPN", "Surname", "Forename", "DOB", "Gender", "AddressLine1",
    "Postcode",
)
UK_DATE = "%d/%m/%Y"
UK_TIMESTAMP = "%d/%m/%Y %H:%M:%S"
SEX_MF = {"M": "MALE", "F": "FEMALE", "U": "UNKNOWN"}


@overload
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: Literal[True]) -> date: ...
@overload
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: bool = False) -> date | None: ...
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: bool = False) -> date | None:
    if mandatory:
        return required_date(cells, column, UK_DATE)
    return parse_date(cells, column, UK_DATE)


def uk_timestamp(cells: Mapping[str, Any], column: str) -> datetime:
    return parse_timestamp(cells, column, UK_TIMESTAMP)


def mis_subject(cells: Mapping[str, Any]) -> dict[str, Any]:
    """The pupil as the MIS holds them; the MIS pupil id is the source's own id."""
    return {
        "upn": text(cells, "UPN"),
        "former_upn": text(cells, "FormerUPN"),
        "other_ids": [{"type": "MIS_PUPIL_ID", "value": required(cells, "PupilId")}],
        "given_name": text(cells, "Forename"),
        "family_name": text(cells, "Surname"),
        "date_of_birth": uk_date(cells, "DOB"),
        "sex": code(cells, "Gender", SEX_MF) or "UNKNOWN",
        "postcode": text(cells, "Postcode"),
    }
