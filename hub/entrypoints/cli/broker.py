"""``hub broker start|stop|status``: the local Kafka broker for development: one node, or a
three-node cluster with ``--nodes 3`` (recorded in ``.hub/state/cluster.json``, which stop and
status then follow).

Exit codes: 0 done (including "already running" and "not running"), 1 failed,
2 refused because ``KAFKA_BOOTSTRAP_SERVERS`` points the hub at another cluster.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hub import bootstrap
from hub.config import Settings, load_settings
from hub.domain.intake_rights import DEFAULT_ALLOWED
from hub.domain.topic_access import users
from hub.entrypoints.cli.app import app
from hub.ports import (
    BrokerError,
    BrokerFetchError,
    BrokerStatus,
    EventLogError,
    ExternalClusterError,
    LocalBrokerControl,
)
from hub.usecases.topic_grants import namespace_grants

T = TypeVar("T")

broker_app = typer.Typer(
    help="Run the local Kafka broker (KRaft, 127.0.0.1; one node or --nodes 3) for development.",
    no_args_is_help=True,
)
app.add_typer(broker_app, name="broker")


def _console(*, stderr: bool = False) -> Console:
    # Built per call so the current stdout and $COLUMNS are honoured (tests swap both).
    return Console(stderr=stderr)


def _run(action: Callable[[], T]) -> T:
    try:
        return action()
    except ExternalClusterError as exc:
        _console(stderr=True).print(f"[yellow]{escape(str(exc))}[/yellow]", soft_wrap=True)
        raise typer.Exit(2) from None
    except BrokerError as exc:
        _console(stderr=True).print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None


SECURE_HELP = "the secured broker: SASL_SSL, SCRAM users per role, ACLs (or HUB_BROKER_SECURE=1)"


def _settings(secure: bool) -> Settings:
    settings = load_settings()
    return settings.model_copy(update={"broker_secure": True}) if secure else settings


@broker_app.command()
def start(
    timeout: float = typer.Option(60.0, help="seconds to wait for the broker to answer"),
    secure: bool = typer.Option(False, "--secure", help=SECURE_HELP),
    nodes: int | None = typer.Option(
        None, "--nodes", min=1,
        help="3 (or more): a KRaft cluster on loopback, replication 3, min in-sync replicas 2; "
        "default: the recorded cluster if there is one, else a single node",
    ),
) -> None:
    """Start the broker (fetching its jars on first use); harmless if it already runs."""
    settings = _settings(secure)
    broker = bootstrap.local_broker(settings)
    recorded = broker.layout()
    if (nodes or 1) > 1 or (nodes is None and recorded is not None):
        _start_cluster(broker, nodes, timeout)
        return
    if recorded is not None:
        raise _refuse_single(settings)
    result = _run(lambda: broker.start(timeout_s=timeout))
    where = settings.bootstrap
    if result.already_running:
        _console().print(f"broker already running (pid {result.pid}) at {where}")
    else:
        _console().print(f"broker started (pid {result.pid}) at {where} in {result.seconds:.1f} s")
    if settings.broker_secure:
        _secure_ready(settings)


def _start_cluster(broker: LocalBrokerControl, nodes: int | None, timeout: float) -> None:
    recorded = broker.layout()
    count = nodes or (len(recorded.nodes) if recorded else 3)
    began = time.monotonic()
    layout, started = _run(lambda: broker.start_cluster(count, timeout_s=max(timeout, 120.0)))
    seconds = time.monotonic() - began
    out = _console()
    if started:
        out.print(f"cluster of {len(layout.nodes)} nodes: started {len(started)} "
                  f"in {seconds:.1f} s")
    else:
        out.print(f"cluster of {len(layout.nodes)} nodes already running")
    out.print(f"bootstrap {layout.bootstrap}; replication factor {layout.replication_factor}, "
              f"min in-sync replicas {layout.min_insync_replicas}")


def _refuse_single(settings: Settings) -> typer.Exit:
    _console(stderr=True).print(
        f"[red]error:[/red] a cluster is recorded in {settings.state_dir / 'cluster.json'}: "
        "stop it and delete that file (and the cluster folder) to run a single node",
        soft_wrap=True)
    return typer.Exit(1)


def _secure_ready(settings: Settings) -> None:
    """Grant the settings' namespace its ACLs and say how clients connect."""
    rows = _run(lambda: _apply_acls(settings))
    out = _console()
    out.print(f"SASL_SSL with SCRAM-SHA-512; {rows} ACL rows for namespace "
              f"{settings.topic_namespace or '(none)'}; every other principal is refused")
    out.print(f"CA certificate: {settings.local_secrets_dir / 'tls' / 'ca.pem'}")
    out.print(f"passwords (0600, one per role): {settings.local_secrets_dir / 'passwords'}")
    out.print("hub commands use them with HUB_BROKER_SECURE=1 set")


def _apply_acls(settings: Settings) -> int:
    try:
        return asyncio.run(bootstrap.grant(settings, namespace_grants(settings)))
    except EventLogError as exc:
        raise BrokerError(str(exc)) from None


@broker_app.command()
def stop(
    grace: float = typer.Option(30.0, help="seconds to wait after SIGTERM before SIGKILL"),
    secure: bool = typer.Option(False, "--secure", help=SECURE_HELP),
) -> None:
    """Stop the broker (or every node of the recorded cluster); harmless if not running."""
    broker = bootstrap.local_broker(_settings(secure))
    if broker.layout() is not None:
        pids = _run(lambda: broker.stop_cluster(grace_s=grace))
        _console().print(f"cluster stopped ({len(pids)} nodes were running)" if pids
                         else "cluster not running: nothing to stop")
        return
    result = _run(lambda: broker.stop(grace_s=grace))
    if result.pid is None:
        _console().print("broker not running: nothing to stop")
    else:
        how = "" if result.graceful else " (killed after the grace period)"
        _console().print(f"broker stopped (pid {result.pid}){how}")


@broker_app.command()
def status(secure: bool = typer.Option(False, "--secure", help=SECURE_HELP)) -> None:
    """Show whether the broker runs, its pid, address, data dir and version."""
    settings = _settings(secure)
    broker = bootstrap.local_broker(settings)
    if broker.layout() is not None:
        _console().print(_cluster_table(broker, settings.kafka_version))
        return
    _console().print(_status_table(_run(broker.status)))


def _status_table(status: BrokerStatus) -> Table:
    table = Table(show_header=False, box=None)
    if status.external:
        state = "reachable" if status.running else "[red]not reachable[/red]"
        table.add_row("cluster", f"external (KAFKA_BOOTSTRAP_SERVERS), {state}")
        table.add_row("bootstrap", escape(status.bootstrap))
        return table
    table.add_row("state", "[green]running[/green]" if status.running else "not running")
    table.add_row("pid", str(status.pid) if status.pid is not None else "-")
    table.add_row("bootstrap", status.bootstrap)
    table.add_row("data dir", escape(str(status.data_dir)))
    table.add_row("version", f"Apache Kafka {status.version} (KRaft, single node)")
    return table


def _cluster_table(broker: LocalBrokerControl, version: str) -> Table:
    layout = broker.layout()
    table = Table("node", "state", "pid", "broker", "controller", "data dir", box=None)
    for state in broker.cluster_status():
        node = state.node
        table.add_row(str(node.node_id),
                      "[green]running[/green]" if state.running else "[red]not running[/red]",
                      str(state.pid or "-"), node.bootstrap, str(node.controller_port),
                      escape(str(node.data_dir)))
    if layout is None:  # deleted meanwhile
        return table
    table.caption = (f"Apache Kafka {version} KRaft cluster; replication factor "
                     f"{layout.replication_factor}, min in-sync replicas "
                     f"{layout.min_insync_replicas}; bootstrap {layout.bootstrap}")
    return table


@broker_app.command("secrets")
def cluster_secrets(
    out: Path = typer.Argument(..., help="folder for tls/ and passwords/ (0700)"),
    host: list[str] = typer.Option(..., "--host", help="a broker's host name (repeat)"),
    owner: int | None = typer.Option(None, help="uid to own the files (the brokers' user)"),
) -> None:
    """CA, one certificate per broker and one SCRAM password per role, for a cluster."""
    made = bootstrap.cluster_secrets(out, host, users(DEFAULT_ALLOWED), owner)
    _console().print(f"{len(made)} files in {out} (CA, {len(host)} broker certificates, "
                     f"{len(made) - 2 - len(host)} passwords); existing ones kept")


@broker_app.command()
def fetch() -> None:
    """Fetch the pinned Kafka release from Maven Central into the cache (no-op when cached)."""
    settings = load_settings()
    try:
        lib = bootstrap.fetch_kafka_jars(settings)
    except BrokerFetchError as exc:
        _console(stderr=True).print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    _console().print(f"Apache Kafka {settings.kafka_version} jars ready in {lib}")
