"""Deterministic event ids: the same source record, at the same version, is the same event.

Re-publishing a file creates no new facts downstream; a changed record gets a new
``record_version`` and so a new event id for a new version of the same fact.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping

# Fixed for ever: changing it would give every past event a new id.
EVENT_NAMESPACE = uuid.UUID("6f1c8e0a-2d1b-5c8e-9a57-0c1d2e3f4a5b")


def event_id(
    source_system: str, source_record_id: str, record_version: str, event_type: str
) -> str:
    name = "\x1f".join((source_system, source_record_id, record_version, event_type))
    return str(uuid.uuid5(EVENT_NAMESPACE, name))


def content_version(content: Mapping[str, object]) -> str:
    """A version for records whose source keeps no last-modified stamp: a hash of the content."""
    canonical = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:24]
