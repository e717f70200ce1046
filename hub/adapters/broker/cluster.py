"""A local multi-node KRaft cluster (``hub broker start --nodes 3``) on 127.0.0.1.

Every node is a combined broker+controller JVM from the same Maven jars as the single-node
broker, with its own folder under ``<state>/cluster/node-N`` and its own two loopback ports.
The three controllers form the quorum, so the cluster keeps working (elects a leader, accepts
writes with ``min.insync.replicas=2``) while any one node is down.

The layout (node ids, ports, folders, cluster id, replication) is recorded in
``<state>/cluster.json``: ``hub broker stop|status`` and every hub command's settings follow
it (bootstrap list, ``HUB_REPLICATION_FACTOR``) until it is deleted with the cluster's data.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.adapters.broker import process as proc
from hub.adapters.broker.config import (
    HOST,
    BrokerConfigError,
    BrokerPaths,
    format_storage,
    java_command,
    write_broker_files,
)
from hub.adapters.broker.fetch import ensure_kafka_jars, require_tool
from hub.adapters.files.private import write_private
from hub.adapters.kafka.client import (
    KafkaAdminError,
    admin_client,
    cluster_answers_now,
    quiet_aiokafka,
)
from hub.config import CLUSTER_FILE, Settings
from hub.logging import get_logger
from hub.ports import BrokerFetchError

log = get_logger(__name__)

PORT_STEP = 10  # node N listens on broker_port + 10*(N-1) and controller_port + 10*(N-1)


class ClusterError(RuntimeError):
    """The local cluster could not be started, stopped or inspected."""


@dataclass(frozen=True)
class Node:
    node_id: int
    broker_port: int
    controller_port: int
    root: Path

    @property
    def paths(self) -> BrokerPaths:
        return BrokerPaths(self.root)

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.broker_port}"

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir


@dataclass(frozen=True)
class ClusterLayout:
    cluster_id: str
    nodes: tuple[Node, ...]
    replication_factor: int
    min_insync_replicas: int

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def voters(self) -> str:
        return ",".join(f"{n.node_id}@{HOST}:{n.controller_port}" for n in self.nodes)

    def node(self, node_id: int) -> Node:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise ClusterError(f"the cluster has no node {node_id}")

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "bootstrap": self.bootstrap,
            "replication_factor": self.replication_factor,
            "min_insync_replicas": self.min_insync_replicas,
            "nodes": [
                {"node_id": n.node_id, "broker_port": n.broker_port,
                 "controller_port": n.controller_port, "root": str(n.root)}
                for n in self.nodes
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClusterLayout:
        nodes = tuple(
            Node(int(n["node_id"]), int(n["broker_port"]), int(n["controller_port"]),
                 Path(n["root"]))
            for n in data["nodes"]
        )
        return cls(str(data["cluster_id"]), nodes, int(data["replication_factor"]),
                   int(data["min_insync_replicas"]))


def layout_file(settings: Settings) -> Path:
    return settings.state_dir / CLUSTER_FILE


def read_layout(settings: Settings) -> ClusterLayout | None:
    """The recorded cluster of this hub home, or None (the single-node broker)."""
    path = layout_file(settings)
    if not path.is_file():
        return None
    return ClusterLayout.from_json(json.loads(path.read_text(encoding="utf-8")))


def new_cluster_id() -> str:
    """What ``StorageTool random-uuid`` prints: a random UUID, URL-safe base64, no padding
    (Kafka avoids ids starting with '-', which a command line would take for an option)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not text.startswith("-"):
            return text


def plan_layout(
    settings: Settings, nodes: int, ports: list[tuple[int, int]] | None = None
) -> ClusterLayout:
    """``nodes`` nodes on loopback; ``ports`` (broker, controller) per node, else spaced by
    ``PORT_STEP`` from the configured broker and controller ports."""
    if nodes < 3:
        raise ClusterError("a cluster needs at least 3 nodes (a quorum that survives one loss)")
    chosen = ports or [
        (settings.broker_port + PORT_STEP * i, settings.controller_port + PORT_STEP * i)
        for i in range(nodes)
    ]
    if len(chosen) != nodes:
        raise ClusterError(f"{len(chosen)} port pairs for {nodes} nodes")
    root = settings.state_dir / "cluster"
    return ClusterLayout(
        cluster_id=new_cluster_id(),
        nodes=tuple(
            Node(i + 1, broker, controller, root / f"node-{i + 1}")
            for i, (broker, controller) in enumerate(chosen)
        ),
        replication_factor=3,
        min_insync_replicas=2,
    )


def node_properties(layout: ClusterLayout, node: Node) -> dict[str, str]:
    """What a cluster node changes in the single node's ``server.properties``."""
    rf, isr = str(layout.replication_factor), str(layout.min_insync_replicas)
    return {
        "node.id": str(node.node_id),
        "controller.quorum.voters": layout.voters,
        "listeners": f"PLAINTEXT://{HOST}:{node.broker_port},CONTROLLER://{HOST}:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{node.bootstrap}",
        "default.replication.factor": rf,
        "min.insync.replicas": isr,
        "offsets.topic.replication.factor": rf,
        "transaction.state.log.replication.factor": rf,
        "transaction.state.log.min.isr": isr,
        "num.replica.fetchers": "1",
        # A restarted node catches up and rejoins the ISR within seconds on loopback.
        "replica.lag.time.max.ms": "10000",
    }


@dataclass(frozen=True)
class NodeState:
    node: Node
    pid: int | None

    @property
    def running(self) -> bool:
        return self.pid is not None


class LocalCluster:
    """Start, stop and inspect the recorded local cluster (or plan one on first start)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock_file = settings.state_dir / "cluster" / ".lock"

    def layout(self) -> ClusterLayout | None:
        return read_layout(self.settings)

    def start(
        self, nodes: int = 3, timeout_s: float = 120.0,
        ports: list[tuple[int, int]] | None = None,
    ) -> tuple[ClusterLayout, list[int]]:
        """Start every node that is not running (all of them the first time); return the
        layout and the pids started. Waits until every node answers and all are registered."""
        if self.settings.broker_secure:
            raise ClusterError("the local cluster runs without TLS/SASL; drop --secure")
        with proc.file_lock(self.lock_file):
            layout = self.layout()
            if layout is None:
                layout = plan_layout(self.settings, nodes, ports)
                write_private(layout_file(self.settings),
                              json.dumps(layout.to_json(), indent=2) + "\n")
            elif len(layout.nodes) != nodes:
                raise ClusterError(
                    f"{layout_file(self.settings)} records {len(layout.nodes)} nodes, not {nodes}: "
                    "stop the cluster and delete that file and the cluster folder to change it"
                )
            pids = {n.node_id: self.pid(n) for n in layout.nodes}
            started = {n.node_id: self._launch(layout, n)
                       for n in layout.nodes if pids[n.node_id] is None}
            pids.update(started)
            self._wait_ready(layout, pids, timeout_s)
        log.debug("cluster started", nodes=len(layout.nodes), started=list(started.values()))
        return layout, list(started.values())

    def stop(self, grace_s: float = 30.0) -> list[int]:
        """SIGTERM every node at once (a node stopping alone waits on the others' quorum),
        SIGKILL what is left after ``grace_s``. Returns the pids that were running."""
        layout = self.layout()
        if layout is None:
            return []
        with proc.file_lock(self.lock_file):
            pids = [pid for n in layout.nodes if (pid := self.pid(n)) is not None]
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + grace_s
            for pid in pids:
                if not proc.wait_until_gone(pid, max(0.0, deadline - time.monotonic())):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    proc.wait_until_gone(pid, 10.0)
                if proc.is_alive(pid):
                    raise ClusterError(f"broker pid {pid} is still alive after SIGKILL")
            for node in layout.nodes:
                node.paths.pid_file.unlink(missing_ok=True)
        return pids

    def status(self) -> list[NodeState]:
        layout = self.layout()
        return [] if layout is None else [NodeState(n, self.pid(n)) for n in layout.nodes]

    def pid(self, node: Node) -> int | None:
        """The live broker process of ``node``, if any."""
        pid = proc.read_pid(node.paths.pid_file)
        if pid is not None and proc.is_broker_process(pid, node.paths.config_file):
            return pid
        found = proc.find_broker_pids(node.paths.config_file)
        return found[0] if found else None

    def _launch(self, layout: ClusterLayout, node: Node) -> int:
        for port in (node.broker_port, node.controller_port):
            if proc.port_open(HOST, port):
                raise ClusterError(f"port {HOST}:{port} (node {node.node_id}) is already in use")
        try:
            java = require_tool("java")
            with proc.file_lock(self.settings.cache_dir / ".lock"):
                lib_dir = ensure_kafka_jars(self.settings.cache_dir, self.settings.kafka_version)
            write_broker_files(self.settings, node.paths, node_properties(layout, node))
            format_storage(java, lib_dir, node.paths, cluster_id=layout.cluster_id)
        except (BrokerFetchError, BrokerConfigError) as exc:
            raise ClusterError(str(exc)) from exc
        command = [
            *java_command(java, lib_dir, node.paths, self.settings.broker_heap),
            "kafka.Kafka",
            str(node.paths.config_file),
        ]
        pid = proc.spawn_detached(command, cwd=node.root, output=node.paths.console_log)
        node.paths.pid_file.write_text(f"{pid}\n", encoding="utf-8")
        return pid

    def _wait_ready(
        self, layout: ClusterLayout, pids: dict[int, int | None], timeout_s: float
    ) -> None:
        """Every node answers a metadata request, and the cluster lists all of them (a topic
        with replication factor 3 cannot be created before the third broker registers)."""
        deadline = time.monotonic() + timeout_s
        waiting = list(layout.nodes)
        while True:
            for node in list(waiting):
                pid = pids[node.node_id]
                if pid is None or not proc.is_alive(pid):
                    raise ClusterError(
                        f"node {node.node_id} exited during start-up\n"
                        f"{proc.tail(node.paths.server_log, 20)}"
                    )
                if cluster_answers_now(node.bootstrap) and (
                    registered_brokers(node.bootstrap) >= len(layout.nodes)
                ):
                    waiting.remove(node)
            if not waiting:
                return
            if time.monotonic() >= deadline:
                names = ", ".join(str(n.node_id) for n in waiting)
                raise ClusterError(
                    f"waited {timeout_s:.0f} s for nodes {names} to answer with all "
                    f"{len(layout.nodes)} brokers registered"
                )
            time.sleep(0.5)


def registered_brokers(bootstrap: str) -> int:
    """How many brokers the node at ``bootstrap`` lists in its metadata (0 if it fails)."""

    async def count() -> int:
        with quiet_aiokafka():
            try:
                async with admin_client(bootstrap, 5.0) as admin:
                    return len((await admin.describe_cluster())["brokers"])
            except (KafkaAdminError, OSError):  # not ready yet
                return 0

    return asyncio.run(count())
