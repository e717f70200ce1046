"""Shared fixtures: the repository's schema catalogue and codec."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests assert behaviour, not speed: 2-core CI machines are noisy, so no deadline.
settings.register_profile("cinhub", deadline=None, print_blob=True)
settings.load_profile("cinhub")

from hub.adapters.avro.codec import AvroCodec, load_codec  # noqa: E402 - after the profile

# The real Kafka broker fixtures, shared by tests/integration and tests/e2e.
# ... and a throwaway PostgreSQL server for the SQL store.
pytest_plugins = ["tests.integration.kafka_fixtures", "tests.integration.postgres_fixtures"]

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas" / "avro"


@pytest.fixture(scope="session")
def codec() -> AvroCodec:
    return load_codec(SCHEMAS)
