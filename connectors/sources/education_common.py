"""What both Education MIS exports share: the pupil columns and the dd/mm/yyyy dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal, overload

from connectors.formats.dates import UK
from connectors.formats.subject import SEX_MF, ChildColumns

COLUMNS_CHILD = (
    "PupilId",
    "UPN",
    "FormerUPN",
    "Surname",
    "Forename",
    "DOB",
    "Gender",
    "AddressLine1",
    "Postcode",
)
UK_DATE = UK.date_format
UK_TIMESTAMP = UK.timestamp_format

MIS_PUPIL = ChildColumns(
    own_id="PupilId",
    own_id_type="MIS_PUPIL_ID",
    given_name="Forename",
    family_name="Surname",
    date_of_birth="DOB",
    sex="Gender",
    sex_codes=SEX_MF,
    postcode="Postcode",
    upn="UPN",
    former_upn="FormerUPN",
)


@overload
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: Literal[True]) -> date: ...
@overload
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: bool = False) -> date | None: ...
def uk_date(cells: Mapping[str, Any], column: str, *, mandatory: bool = False) -> date | None:
    return UK.day(cells, column, mandatory=mandatory)


def uk_timestamp(cells: Mapping[str, Any], column: str) -> datetime:
    return UK.stamp(cells, column)


def mis_subject(cells: Mapping[str, Any]) -> dict[str, Any]:
    """The pupil as the MIS holds them; the MIS pupil id is the source's own id."""
    return MIS_PUPIL.subject(cells, UK)
