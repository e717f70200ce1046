"""The Kafka fixtures live in ``tests/integration/kafka_fixtures.py``, a plugin that
``tests/conftest.py`` loads for the whole suite, so the e2e tier shares the same broker.

Only plain helpers are re-exported here, for modules that still import them from this
conftest; fixtures are not, so nothing is registered twice. Import from ``kafka_fixtures``.
"""

from __future__ import annotations

from tests.integration.kafka_fixtures import (
    REPO,
    assert_no_broker_left,
    free_port,
    isolated_settings,
    run_cli,
    settings_env,
)

__all__ = [
    "REPO", "assert_no_broker_left", "free_port", "isolated_settings", "run_cli", "settings_env",
]
