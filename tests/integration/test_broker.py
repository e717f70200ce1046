"""The local broker: one process however often it is started, nothing left after stop."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.adapters.broker.config import BrokerPaths
from hub.adapters.broker.local import BrokerError, ExternalClusterError, LocalBroker
from hub.adapters.broker.process import find_broker_pids, read_pid
from hub.adapters.kafka.client import cluster_answers
from hub.adapters.kafka.connection import KafkaTarget
from hub.config import Settings
from tests.integration.conftest import (
    assert_no_broker_left,
    free_port,
    isolated_settings,
    run_cli,
    settings_env,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[LocalBroker]:
    """A broker of the test's own (not started); whatever the test did, none is left after."""
    broker = LocalBroker(isolated_settings(tmp_path / "home"))
    yield broker
    broker.stop()
    assert find_broker_pids(broker.paths.config_file) == []


def test_second_start_says_already_running_and_starts_nothing(
    kafka_broker: KafkaTarget, kafka_settings: Settings, hub_env: dict[str, str | None]
) -> None:
    paths = BrokerPaths.for_settings(kafka_settings)
    pid = read_pid(paths.pid_file)
    assert pid is not None
    assert find_broker_pids(paths.config_file) == [pid]

    result = run_cli(["broker", "start"], hub_env)

    assert result.exit_code == 0, result.output
    assert f"broker already running (pid {pid}) at {kafka_settings.bootstrap}" in result.output
    assert find_broker_pids(paths.config_file) == [pid]
    assert read_pid(paths.pid_file) == pid


def test_status_shows_pid_address_data_dir_and_version(
    kafka_broker: KafkaTarget, kafka_settings: Settings, hub_env: dict[str, str | None]
) -> None:
    paths = BrokerPaths.for_settings(kafka_settings)

    result = run_cli(["broker", "status"], hub_env)

    assert result.exit_code == 0, result.output
    assert "running" in result.output and "not running" not in result.output
    assert str(read_pid(paths.pid_file)) in result.output
    assert kafka_settings.bootstrap in result.output  # the address (kafka_broker may be a
    # KafkaConnection: HUB_TEST_SECURE_KAFKA=1)
    assert str(paths.data_dir) in result.output
    assert "3.9.1" in result.output


def test_stale_pid_file_start_twice_stop_twice(private_broker: LocalBroker) -> None:
    broker = private_broker
    broker.paths.root.mkdir(parents=True)
    broker.paths.pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a broker: stale

    assert broker.status().running is False
    first = broker.start()
    second = broker.start()

    assert not first.already_running and second.already_running
    assert second.pid == first.pid != os.getpid()
    assert find_broker_pids(broker.paths.config_file) == [first.pid]
    assert broker.stop().pid == first.pid
    assert_no_broker_left(broker.settings, first.pid)
    assert broker.stop().pid is None
    assert broker.status().running is False


async def test_restart_reuses_formatted_storage(private_broker: LocalBroker) -> None:
    broker, bootstrap = private_broker, private_broker.settings.bootstrap
    first = broker.start()  # called from a running event loop on purpose: it must cope
    meta = (broker.paths.data_dir / "meta.properties").read_text()
    broker.stop()
    assert not await cluster_answers(bootstrap, timeout_s=2.0)

    second = broker.start()

    assert second.pid != first.pid and not second.already_running
    assert (broker.paths.data_dir / "meta.properties").read_text() == meta
    assert await cluster_answers(bootstrap)


def test_cli_start_and_stop_a_private_broker(private_broker: LocalBroker) -> None:
    settings = private_broker.settings
    env = settings_env(settings)

    started = run_cli(["broker", "start"], env)
    pid = read_pid(BrokerPaths.for_settings(settings).pid_file)
    stopped = run_cli(["broker", "stop"], env)
    again = run_cli(["broker", "stop"], env)

    assert started.exit_code == 0, started.output
    assert f"broker started (pid {pid}) at {settings.bootstrap}" in started.output
    assert stopped.exit_code == 0 and f"broker stopped (pid {pid})" in stopped.output
    assert again.exit_code == 0 and "not running" in again.output
    assert pid is not None
    assert_no_broker_left(settings, pid)


def test_start_failure_shows_the_broker_log_and_leaves_nothing(private_broker: LocalBroker) -> None:
    settings = private_broker.settings.model_copy(update={"broker_heap": "1k"})  # JVM refuses it
    broker = LocalBroker(settings)

    with pytest.raises(BrokerError, match="exited during start-up") as caught:
        broker.start(timeout_s=30.0)

    assert "heap" in str(caught.value).lower()
    assert find_broker_pids(broker.paths.config_file) == []
    assert not broker.paths.pid_file.exists()


def test_start_refuses_a_port_taken_by_another_process(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = isolated_settings(tmp_path / "home", broker_port=port)

        with pytest.raises(BrokerError, match=f"port 127.0.0.1:{port} is already in use"):
            LocalBroker(settings).start()

    assert find_broker_pids(BrokerPaths.for_settings(settings).config_file) == []


def test_external_cluster_start_stop_refuse_and_status_reports_it(tmp_path: Path) -> None:
    unreachable = f"127.0.0.1:{free_port()}"
    settings = isolated_settings(tmp_path / "home", bootstrap_servers=unreachable)
    env = settings_env(settings) | {"KAFKA_BOOTSTRAP_SERVERS": unreachable}

    with pytest.raises(ExternalClusterError, match="KAFKA_BOOTSTRAP_SERVERS"):
        LocalBroker(settings).start()
    start = run_cli(["broker", "start"], env)
    stop = run_cli(["broker", "stop"], env)
    status = run_cli(["broker", "status"], env)

    assert start.exit_code == 2 and "not starting a local broker" in start.output
    assert stop.exit_code == 2 and "not stopping a local broker" in stop.output
    assert status.exit_code == 0
    assert "external" in status.output and "not reachable" in status.output
    assert unreachable in status.output
    assert "Traceback" not in start.output + stop.output + status.output
    assert not BrokerPaths.for_settings(settings).root.exists()
