"""Deterministic child keys: ``CH-`` and 12 hex digits of a SHA-256.

The key is derived from the record that created the child (its source system and source id,
or its record id when the source sent none), so replaying the same records in the same order
gives the same keys. In the rare case that the key is taken (the same source record started a
provisional child before), a counter is added to the hash input until it is free.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container

from hub.domain.identity.records import PersonRecord


def child_key(record: PersonRecord, taken: Container[str] = ()) -> str:
    source_id = record.source_id.strip() or record.record_id
    basis = f"{record.source_system.strip().upper()}\x1f{source_id}"
    attempt = 0
    while True:
        salt = f"\x1f{attempt}" if attempt else ""
        key = "CH-" + hashlib.sha256((basis + salt).encode()).hexdigest()[:12]
        if key not in taken:
            return key
        attempt += 1
