"""Base classes for events: frozen, typed, and exactly as the Avro schemas describe them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict


def _to_utc_millis(value: datetime) -> datetime:
    """Avro timestamp-millis keeps milliseconds in UTC; normalise so round trips are exact."""
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


Timestamp = Annotated[AwareDatetime, AfterValidator(_to_utc_millis)]


class Record(BaseModel):
    """A value object mirroring one Avro record."""

    model_config = ConfigDict(frozen=True, extra="forbid")
