"""The child as a source holds them: which columns say what, and the sex code tables.

Identifiers, names and dates of birth pass through as the source holds them (the identity
service judges them); only a value that cannot be read at all rejects the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.formats.dates import DateStyle
from connectors.formats.fields import code, required, text

SEX_MF = {"M": "MALE", "F": "FEMALE", "U": "UNKNOWN"}
SEX_WORDS = {"Male": "MALE", "Female": "FEMALE", "Unknown": "UNKNOWN"}
SEX_CIN = {"1": "MALE", "2": "FEMALE", "0": "UNKNOWN"}  # CIN census gender codes
_NAMED_IDS = ("la_child_id", "yot_id")


@dataclass(frozen=True)
class ChildColumns:
    """Where one source keeps the child; None where it holds no such thing.

    ``own_id`` is the column of the source's own child id (always filled); ``own_id_type``
    is the subject field it fills (``la_child_id``, ``yot_id``) or else the type of the
    typed identifier it becomes in ``other_ids`` (e.g. ``ECAF_ID``).
    """

    own_id: str
    own_id_type: str
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None
    sex: str | None = None
    sex_codes: Mapping[str, str] = field(default_factory=lambda: SEX_MF)
    postcode: str | None = None
    upn: str | None = None
    former_upn: str | None = None
    nhs_number: str | None = None
    la_child_id: str | None = None

    def subject(self, cells: Mapping[str, Any], dates: DateStyle) -> dict[str, Any]:
        own = required(cells, self.own_id)
        found: dict[str, Any] = {
            name: text(cells, column) for name, column in self._text_columns() if column
        }
        if self.own_id_type in _NAMED_IDS:
            found[self.own_id_type] = own
        else:
            found["other_ids"] = [{"type": self.own_id_type, "value": own}]
        if self.date_of_birth:
            found["date_of_birth"] = dates.day(cells, self.date_of_birth)
        found["sex"] = (code(cells, self.sex, self.sex_codes) if self.sex else None) or "UNKNOWN"
        return found

    def _text_columns(self) -> tuple[tuple[str, str | None], ...]:
        return (
            ("given_name", self.given_name),
            ("family_name", self.family_name),
            ("postcode", self.postcode),
            ("upn", self.upn),
            ("former_upn", self.former_upn),
            ("nhs_number", self.nhs_number),
            ("la_child_id", self.la_child_id),
        )
