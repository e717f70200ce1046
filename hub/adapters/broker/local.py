"""A real Apache Kafka single-node KRaft broker (combined broker+controller) on 127.0.0.1.

The jars come from Maven Central (:mod:`hub.adapters.broker.fetch`), the files live under
``<state>/broker`` (:mod:`hub.adapters.broker.config`). Start is idempotent: a broker that
already runs for this state dir is reported, never doubled. Stop only signals the pid in our
pid file, and only if that pid really is a ``kafka.Kafka`` JVM started with our config.
"""

from __future__ import annotations

import time

from hub.adapters.broker import process as proc
from hub.adapters.broker.cluster import (
    ClusterError,
    ClusterLayout,
    LocalCluster,
    NodeState,
    read_layout,
)
from hub.adapters.broker.config import (
    HOST,
    BrokerConfigError,
    BrokerPaths,
    format_storage,
    java_command,
    write_broker_files,
)
from hub.adapters.broker.fetch import ensure_kafka_jars, require_tool
from hub.adapters.broker.secure import ensure_material, scram_arguments, secure_properties
from hub.adapters.kafka.client import cluster_answers_now
from hub.config import Settings
from hub.domain.intake_rights import DEFAULT_ALLOWED
from hub.domain.topic_access import users
from hub.logging import get_logger
from hub.ports import (
    BrokerError,
    BrokerFetchError,
    BrokerStatus,
    ExternalClusterError,
    StartResult,
    StopResult,
)

log = get_logger(__name__)


class LocalBroker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.paths = BrokerPaths.for_settings(settings)

    def start(self, timeout_s: float = 60.0) -> StartResult:
        self._require_local("starting")
        began = time.monotonic()
        if (layout := read_layout(self.settings)) is not None:  # the recorded cluster instead
            try:
                layout, started = LocalCluster(self.settings).start(len(layout.nodes), timeout_s)
            except ClusterError as exc:
                raise BrokerError(str(exc)) from exc
            first = LocalCluster(self.settings).pid(layout.nodes[0])
            return StartResult(first or 0, not started, time.monotonic() - began)
        with proc.file_lock(self.paths.lock_file):
            pid = self._running_pid()
            if pid is not None:
                self._wait_ready(pid, timeout_s)
                return StartResult(pid, already_running=True, seconds=time.monotonic() - began)
            self._check_ports_free()
            pid = self._launch()
            try:
                self._wait_ready(pid, timeout_s)
            except BrokerError:
                proc.terminate(pid, grace_s=10.0)
                self.paths.pid_file.unlink(missing_ok=True)
                raise
        seconds = time.monotonic() - began
        log.debug("broker started", pid=pid, bootstrap=self.settings.bootstrap, seconds=seconds)
        return StartResult(pid, already_running=False, seconds=seconds)

    def layout(self) -> ClusterLayout | None:
        """The recorded local cluster (``start_cluster``), or None: a single node."""
        return read_layout(self.settings)

    def start_cluster(
        self, nodes: int, timeout_s: float = 120.0
    ) -> tuple[ClusterLayout, list[int]]:
        """Start the recorded cluster's missing nodes, or plan and start a new one."""
        self._require_local("starting")
        try:
            return LocalCluster(self.settings).start(nodes, timeout_s)
        except ClusterError as exc:
            raise BrokerError(str(exc)) from exc

    def stop_cluster(self, grace_s: float = 30.0) -> list[int]:
        """Stop every node of the recorded cluster; the pids that were running."""
        self._require_local("stopping")
        try:
            return LocalCluster(self.settings).stop(grace_s)
        except ClusterError as exc:
            raise BrokerError(str(exc)) from exc

    def cluster_status(self) -> list[NodeState]:
        return LocalCluster(self.settings).status()

    def stop(self, grace_s: float = 30.0) -> StopResult:
        self._require_local("stopping")
        with proc.file_lock(self.paths.lock_file):
            pid = self._running_pid()
            if pid is None:
                self.paths.pid_file.unlink(missing_ok=True)
                return StopResult(pid=None)
            graceful = proc.terminate(pid, grace_s)
            if proc.is_alive(pid):
                raise BrokerError(f"broker pid {pid} is still alive after SIGKILL")
            self.paths.pid_file.unlink(missing_ok=True)
        log.debug("broker stopped", pid=pid, graceful=graceful)
        return StopResult(pid=pid, graceful=graceful)

    def status(self) -> BrokerStatus:
        if not self.settings.uses_local_broker:
            reachable = cluster_answers_now(self.settings.kafka, timeout_s=5.0)
            return BrokerStatus(reachable, None, self.settings.bootstrap, None, None, external=True)
        pid = proc.read_pid(self.paths.pid_file)
        if pid is None or not proc.is_broker_process(pid, self.paths.config_file):
            found = proc.find_broker_pids(self.paths.config_file)
            pid = found[0] if found else None
        return BrokerStatus(
            running=pid is not None,
            pid=pid,
            bootstrap=self.settings.bootstrap,
            data_dir=self.paths.data_dir,
            version=self.settings.kafka_version,
        )

    def _require_local(self, action: str) -> None:
        if not self.settings.uses_local_broker:
            raise ExternalClusterError(
                f"not {action} a local broker: the hub is configured for the cluster at "
                f"{self.settings.bootstrap} (KAFKA_BOOTSTRAP_SERVERS); manage that cluster itself"
            )

    def _running_pid(self) -> int | None:
        """The pid of our live broker; a stale pid file is removed, a lost one rewritten."""
        pid = proc.read_pid(self.paths.pid_file)
        if pid is not None and proc.is_broker_process(pid, self.paths.config_file):
            return pid
        if self.paths.pid_file.exists():
            log.warning("removing stale broker pid file", pid=pid)
            self.paths.pid_file.unlink()
        found = proc.find_broker_pids(self.paths.config_file)
        if not found:
            return None
        self.paths.pid_file.write_text(f"{found[0]}\n", encoding="utf-8")
        return found[0]

    def _check_ports_free(self) -> None:
        ports = [self.settings.broker_port, self.settings.controller_port]
        if self.settings.broker_secure:
            ports.append(self.settings.broker_internal_port)
        for port in ports:
            if proc.port_open(HOST, port):
                raise BrokerError(
                    f"port {HOST}:{port} is already in use by another process; "
                    "set HUB_BROKER_PORT / HUB_CONTROLLER_PORT to free ports"
                )

    def _launch(self) -> int:
        try:
            java = require_tool("java")
            with proc.file_lock(self.settings.cache_dir / ".lock"):
                lib_dir = ensure_kafka_jars(self.settings.cache_dir, self.settings.kafka_version)
            overrides, secret_args = self._security()
            write_broker_files(self.settings, self.paths, overrides)
            format_storage(java, lib_dir, self.paths, secret_args)
        except (BrokerFetchError, BrokerConfigError) as exc:
            raise BrokerError(str(exc)) from exc
        command = [
            *java_command(java, lib_dir, self.paths, self.settings.broker_heap),
            "kafka.Kafka",
            str(self.paths.config_file),
        ]
        pid = proc.spawn_detached(command, cwd=self.paths.root, output=self.paths.console_log)
        self.paths.pid_file.write_text(f"{pid}\n", encoding="utf-8")
        return pid

    def _security(self) -> tuple[dict[str, str], list[str]]:
        """The secured broker's extra properties and its SCRAM users' format arguments."""
        if not self.settings.broker_secure:
            return {}, []
        material, passwords = ensure_material(self.settings, users(DEFAULT_ALLOWED))
        return secure_properties(self.settings, material.tls), scram_arguments(passwords)

    def _wait_ready(self, pid: int, timeout_s: float) -> None:
        """Return once the port accepts connections and a metadata request succeeds."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not proc.is_alive(pid):
                raise BrokerError(f"the broker (pid {pid}) exited during start-up\n{self._logs()}")
            if proc.port_open(HOST, self.settings.broker_port) and cluster_answers_now(
                self.settings.kafka
            ):
                return
            time.sleep(0.5)
        raise BrokerError(f"the broker did not answer within {timeout_s:.0f} s\n{self._logs()}")

    def _logs(self) -> str:
        return (
            f"--- {self.paths.console_log} ---\n{proc.tail(self.paths.console_log, 10)}\n"
            f"--- {self.paths.server_log} ---\n{proc.tail(self.paths.server_log, 20)}"
        )
