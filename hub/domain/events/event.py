"""The base of every event: typed with the envelope every event carries."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import model_validator

from hub.domain.events.base import Record
from hub.domain.events.common import Envelope


class Event(Record):
    """A fact that happened, as a department system reported it.

    ``schema_version`` is the version of ``schemas/avro/events/<Name>.v<N>.avsc`` this model
    mirrors; the codec writes that version and reads any older one into it.
    """

    schema_version: ClassVar[int] = 1
    identity_only: ClassVar[bool] = False
    """True for identity evidence: the resolver decides who it is about and forwards nothing."""
    if TYPE_CHECKING:
        # Every concrete event declares ``envelope`` as its first field (the Avro schemas put
        # it first); declared here for the type checker only, so no model's fields change.
        envelope: Envelope

    @model_validator(mode="after")
    def _envelope_names_this_event(self) -> Event:
        envelope = getattr(self, "envelope", None)
        if envelope is not None and envelope.event_type != type(self).__name__:
            raise ValueError(f"envelope.event_type must be {type(self).__name__!r}")
        return self
