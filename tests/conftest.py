"""Shared fixtures: the repository's schema catalogue and codec."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.adapters.avro_codec import AvroCodec, load_codec

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas" / "avro"


@pytest.fixture(scope="session")
def codec() -> AvroCodec:
    return load_codec(SCHEMAS)
