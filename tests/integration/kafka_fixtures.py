"""A real Kafka broker for the integration and e2e tiers, in a private state dir on its own ports.

Loaded for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``, so the broker is
started once per session (lazily, only when a test asks for ``kafka_broker``) and shared by
``tests/integration`` and ``tests/e2e``.

The broker jars are reused from the project's cache (``.hub/cache``, or ``$HUB_CACHE_DIR``), so
only the first run on a machine downloads them. The ports are free ones the OS picks, so a
developer's own broker (19092), and another test session, never meet this one.

``HUB_TEST_SECURE_KAFKA=1`` makes the session broker the secured one (SASL_SSL, SCRAM users per
role, ACLs): ``kafka_broker`` then yields the admin's :class:`KafkaConnection` instead of an
address, and the worker harness publishes as each source and runs the worker as ``worker``.
``secure_broker`` is a secured broker for the security tests whatever the switch says.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner, Result

from hub.adapters.broker.config import BrokerPaths
from hub.adapters.broker.local import LocalBroker
from hub.adapters.broker.process import find_broker_pids, is_alive
from hub.adapters.kafka.connection import KafkaTarget, connection_env
from hub.config import KafkaConnection, Settings
from hub.entrypoints.cli import app
from hub.entrypoints.cli import broker as _broker_cli  # noqa: F401 (adds `hub broker`)
from hub.entrypoints.cli import topics as _topics_cli  # noqa: F401 (adds `hub topics`)

REPO = Path(__file__).resolve().parents[2]
SECURE = os.environ.get("HUB_TEST_SECURE_KAFKA") == "1"
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def broker_ports() -> tuple[int, int]:
    """Two free ports picked by the OS: two test sessions at once never share a broker (with
    fixed preferred ports both could see them free, and one would stop the other's broker)."""
    return free_port(), free_port()


def isolated_settings(home: Path, **overrides: object) -> Settings:
    """Settings for a private hub home: own state and ports, shared jar cache."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "topics.yaml", home / "topics.yaml")
    if not (home / "schemas").exists():  # the CLI's codec reads <home>/schemas
        (home / "schemas").symlink_to(REPO / "schemas")
    broker_port, controller_port = broker_ports()
    cache = Path(os.environ.get("HUB_CACHE_DIR") or REPO / ".hub" / "cache")
    values: dict[str, object] = {
        "home": home,
        "broker_port": broker_port,
        "controller_port": controller_port,
        "internal_port": free_port(),
        "cache_home": cache,
    }
    return Settings.model_validate(values | overrides)


def settings_env(settings: Settings) -> dict[str, str | None]:
    """Environment that makes ``load_settings()`` (and so the CLI) see ``settings``."""
    return {
        "HUB_HOME": str(settings.home),
        "HUB_BROKER_PORT": str(settings.broker_port),
        "HUB_CONTROLLER_PORT": str(settings.controller_port),
        "HUB_INTERNAL_PORT": str(settings.broker_internal_port),
        "HUB_BROKER_SECURE": "1" if settings.broker_secure else None,
        "HUB_KAFKA_SECURITY_PROTOCOL": None,
        "HUB_KAFKA_USER": None,
        "HUB_KAFKA_PASSWORD_FILE": None,
        "HUB_KAFKA_CA_FILE": None,
        "HUB_CACHE_DIR": str(settings.cache_dir),
        "HUB_CONFIG": str(settings.home / "hub.toml"),
        "KAFKA_BOOTSTRAP_SERVERS": None,
        "HUB_BOOTSTRAP_SERVERS": None,
        "HUB_TOPIC_NAMESPACE": None,
        "COLUMNS": "200",
    }


def run_cli(args: list[str], env: dict[str, str | None]) -> Result:
    """Run ``hub <args>`` in-process, as a user would type it."""
    result = CliRunner().invoke(app, args, env=env)
    # The CLI bound structlog to CliRunner's stderr, closed now: later log lines would fail.
    structlog.reset_defaults()
    return result


def assert_no_broker_left(settings: Settings, pid: int) -> None:
    paths = BrokerPaths.for_settings(settings)
    assert not is_alive(pid), f"broker pid {pid} is still running"
    assert not Path(f"/proc/{pid}").exists(), f"/proc/{pid} still exists"
    assert find_broker_pids(paths.config_file) == []
    assert not paths.pid_file.exists()


def as_role(target: KafkaTarget, user: str) -> KafkaTarget:
    """The same cluster as ``user`` (its generated password file beside the admin's); a plain
    address (an unsecured broker) stays as it is."""
    if not isinstance(target, KafkaConnection) or target.security.password_file is None:
        return target
    security = target.security.model_copy(update={
        "user": user, "password_file": target.security.password_file.with_name(user),
    })
    return target.model_copy(update={"security": security})


def kafka_env(target: KafkaTarget) -> dict[str, str]:
    """Environment that makes a ``hub`` command connect to ``target``: its address, or on a
    secured broker the address and the connection's credentials (``HUB_KAFKA_*``)."""
    if isinstance(target, KafkaConnection):
        return connection_env(target)
    return {"KAFKA_BOOTSTRAP_SERVERS": target}


@pytest.fixture(scope="session")
def kafka_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return isolated_settings(tmp_path_factory.mktemp("hub-home"), broker_secure=SECURE)


def _running(settings: Settings) -> Iterator[KafkaTarget]:
    broker = LocalBroker(settings)
    started = broker.start(timeout_s=120.0)
    try:
        yield settings.kafka if settings.broker_secure else settings.bootstrap
    finally:
        broker.stop()
        assert_no_broker_left(settings, started.pid)


@pytest.fixture(scope="session")
def kafka_broker(kafka_settings: Settings) -> Iterator[KafkaTarget]:
    """A real single-node KRaft broker, stopped after the session: its address, or with
    ``HUB_TEST_SECURE_KAFKA=1`` the admin's connection to the secured broker."""
    yield from _running(kafka_settings)


@pytest.fixture(scope="session")
def secure_settings(
    kafka_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    if SECURE:
        return kafka_settings
    return isolated_settings(tmp_path_factory.mktemp("secure-home"), broker_secure=True)


@pytest.fixture(scope="session")
def secure_broker(secure_settings: Settings) -> Iterator[KafkaConnection]:
    """The admin's connection to a secured broker (SASL_SSL, per-role SCRAM users, ACLs)."""
    if SECURE:
        broker = LocalBroker(secure_settings)
        broker.start(timeout_s=120.0)  # the session broker: already running, stopped by it
        yield secure_settings.kafka
        return
    for target in _running(secure_settings):
        assert isinstance(target, KafkaConnection)
        yield target


@pytest.fixture
def hub_env(kafka_settings: Settings) -> dict[str, str | None]:
    """Env for CliRunner.invoke(env=...) pointing the CLI at the session broker's home."""
    return settings_env(kafka_settings)


@pytest.fixture
def topic_namespace() -> str:
    """A unique topic-name prefix per test, so tests never see each other's topics."""
    return f"test-{uuid.uuid4().hex[:12]}"
