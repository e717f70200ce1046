"""Base of the hub's outputs that carry child-level detail, and deterministic output ids."""

from __future__ import annotations

import uuid

from pydantic import model_validator

from hub.domain.events.base import Record
from hub.domain.events.common import Consent

# Fixed for ever: changing it would give every past output a new id.
OUTPUT_NAMESPACE = uuid.UUID("0b6a3d52-7c1e-5f0a-8d4b-2e9f61c7a3d0")


def output_id(kind: str, *parts: str) -> str:
    """The same input, for the same purpose, always yields the same id (sinks upsert by it)."""
    return str(uuid.uuid5(OUTPUT_NAMESPACE, "\x1f".join((kind, *parts))))


class ChildDetail(Record):
    """An output about a named child. It can only exist when the source allowed sharing.

    Defence in depth behind ``hub.domain.child.disclosure``: a child-level output built from an
    event whose consent withholds detail fails validation instead of being sent.
    """

    consent: Consent

    @model_validator(mode="after")
    def _consent_allows_detail(self) -> ChildDetail:
        if not self.consent.share_child_detail:
            raise ValueError("child-level output from an event that withholds child detail")
        return self
