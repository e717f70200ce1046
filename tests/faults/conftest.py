"""The fault suite reuses the push intake fixture of the e2e tier (``hub intake serve`` as a
subprocess on the session's real broker), and has a broker of its own that its outage tests
freeze, stop and start again (the session's shared broker is never stopped): one broker for
all of them, started once."""

from collections.abc import Iterator

import pytest

from hub.adapters.broker.local import LocalBroker
from hub.config import Settings
from tests.e2e.test_push_intake import intake  # noqa: F401 - a fixture, found by name
from tests.integration.kafka_fixtures import isolated_settings


@pytest.fixture(scope="session")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalBroker, Settings]]:
    settings = isolated_settings(tmp_path_factory.mktemp("outage-broker"))
    broker = LocalBroker(settings)
    broker.start(timeout_s=120.0)
    try:
        yield broker, settings
    finally:
        broker.stop()
