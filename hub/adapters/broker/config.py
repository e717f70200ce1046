"""Files of the local single-node KRaft broker: layout, server.properties, log4j, storage format."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hub.adapters.files.private import private_dir, tighten_tree, write_private
from hub.config import Settings

HOST = "127.0.0.1"
TOOL_TIMEOUT_S = 120


class BrokerConfigError(RuntimeError):
    """The broker's files could not be prepared."""


@dataclass(frozen=True)
class BrokerPaths:
    root: Path

    @classmethod
    def for_settings(cls, settings: Settings) -> BrokerPaths:
        return cls(settings.state_dir / ("broker-secure" if settings.broker_secure else "broker"))

    @property
    def config_file(self) -> Path:
        return self.root / "server.properties"

    @property
    def log4j_file(self) -> Path:
        return self.root / "log4j.properties"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def server_log(self) -> Path:
        return self.logs_dir / "server.log"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "kafka.out"

    @property
    def pid_file(self) -> Path:
        return self.root / "broker.pid"

    @property
    def lock_file(self) -> Path:
        return self.root / ".lock"


def server_properties(settings: Settings, paths: BrokerPaths) -> dict[str, str]:
    broker, controller = settings.broker_port, settings.controller_port
    return {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{HOST}:{controller}",
        "listeners": f"PLAINTEXT://{HOST}:{broker},CONTROLLER://{HOST}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{broker}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(paths.data_dir),
        "num.partitions": "1",
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        # 50 offsets partitions (the default) make a fresh 2-core broker slow to seat the
        # first group coordinator; 6 is plenty for one node.
        "offsets.topic.num.partitions": "6",
        "transaction.state.log.num.partitions": "6",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "min.insync.replicas": "1",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "2",
        "log.cleaner.dedupe.buffer.size": str(8 * 1024 * 1024),
    }


def log4j_properties(paths: BrokerPaths) -> dict[str, str]:
    return {
        "log4j.rootLogger": "WARN, file",
        "log4j.appender.file": "org.apache.log4j.RollingFileAppender",
        "log4j.appender.file.File": str(paths.server_log),
        "log4j.appender.file.MaxFileSize": "10MB",
        "log4j.appender.file.MaxBackupIndex": "2",
        "log4j.appender.file.layout": "org.apache.log4j.PatternLayout",
        "log4j.appender.file.layout.ConversionPattern": "[%d] %p %m (%c)%n",
        # One INFO line a start ("Kafka Server started") makes the log tail useful.
        "log4j.logger.kafka.server.KafkaRaftServer": "INFO",
    }


def write_properties(path: Path, values: dict[str, str]) -> None:
    header = "# Written by `hub broker start`; edits are overwritten on the next start.\n"
    body = "".join(f"{key}={value}\n" for key, value in values.items())
    write_private(path, header + body)


def write_broker_files(
    settings: Settings, paths: BrokerPaths, overrides: dict[str, str] | None = None
) -> None:
    """The broker's folders (0700: its data holds personal data) and property files; what an
    older hub left readable by others is tightened."""
    tighten_tree(paths.root)
    private_dir(paths.root)
    private_dir(paths.logs_dir)
    private_dir(paths.data_dir)
    properties = server_properties(settings, paths) | (overrides or {})
    write_properties(paths.config_file, properties)
    write_properties(paths.log4j_file, log4j_properties(paths))


def java_command(java: str, lib_dir: Path, paths: BrokerPaths, heap: str) -> list[str]:
    """``java`` with our classpath and logging; the main class and its arguments follow."""
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{paths.log4j_file}",
        f"-Dkafka.logs.dir={paths.logs_dir}",
        "-cp",
        f"{lib_dir}/*",
    ]


def format_storage(
    java: str,
    lib_dir: Path,
    paths: BrokerPaths,
    secret_args: Sequence[str] = (),
    cluster_id: str | None = None,
) -> bool:
    """Format the KRaft log dir once. Returns False if it was already formatted.

    ``secret_args`` (SCRAM credentials) reach the tool through a 0600 argument file, deleted
    afterwards, so no password shows in a process listing. The nodes of one cluster share
    ``cluster_id``; a single node gets a fresh one."""
    if (paths.data_dir / "meta.properties").is_file():
        return False
    tool = [*java_command(java, lib_dir, paths, "256m"), "kafka.tools.StorageTool"]
    if cluster_id is None:
        cluster_id = _run_tool([*tool, "random-uuid"]).strip().splitlines()[-1]
    format_args = ["format", "-t", cluster_id, "-c", str(paths.config_file), *secret_args]
    if not secret_args:
        _run_tool([*tool, *format_args])
        return True
    argfile = paths.root / ".format-args"
    write_private(argfile, "".join(f"{arg}\n" for arg in tool[1:] + format_args))
    try:
        _run_tool([java, f"@{argfile}"])
    finally:
        argfile.unlink(missing_ok=True)
    return True


def _run_tool(command: list[str]) -> str:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BrokerConfigError(f"kafka StorageTool did not finish in {TOOL_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])
        raise BrokerConfigError(f"kafka StorageTool failed (exit {done.returncode}):\n{tail}")
    return done.stdout
