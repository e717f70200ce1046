"""What may still flow when consent withholds child detail: a countable use, nothing more."""

from __future__ import annotations

import re

from pydantic import field_validator

from hub.domain.codes import AdditionalService
from hub.domain.events.base import Record
from hub.domain.events.common import ConsentBasis, Sex
from hub.domain.outputs.codes import AgeBand

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ConsentLimitedUse(Record):
    """No child key, no identifier, no free text: a service can be counted (p.30), no more."""

    use_id: str
    event_type: str
    service: AdditionalService | None = None
    age_band: AgeBand
    sex: Sex
    census_month: str
    consent_basis: ConsentBasis

    @field_validator("census_month")
    @classmethod
    def _year_month(cls, value: str) -> str:
        if not _MONTH.match(value):
            raise ValueError("census_month must be YYYY-MM")
        return value
