"""Base classes for events: frozen, typed, and exactly as the Avro schemas describe them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, model_validator


def _to_utc_millis(value: datetime) -> datetime:
    """Avro timestamp-millis keeps milliseconds in UTC; normalise so round trips are exact."""
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


Timestamp = Annotated[AwareDatetime, AfterValidator(_to_utc_millis)]


class Record(BaseModel):
    """A value object mirroring one Avro record."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Record):
    """A fact that happened, as a department system reported it.

    ``schema_version`` is the version of ``schemas/avro/events/<Name>.v<N>.avsc`` this model
    mirrors; the codec writes that version and reads any older one into it.
    """

    schema_version: ClassVar[int] = 1
    identity_only: ClassVar[bool] = False
    """True for identity evidence: the resolver decides who it is about and forwards nothing."""

    @model_validator(mode="after")
    def _envelope_names_this_event(self) -> Event:
        envelope = getattr(self, "envelope", None)
        if envelope is not None and envelope.event_type != type(self).__name__:
            raise ValueError(f"envelope.event_type must be {type(self).__name__!r}")
        return self
