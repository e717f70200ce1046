"""A real, throwaway PostgreSQL server for the store's contract and integration tests.

Loaded for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``; the server starts
once per session, lazily, only when a test asks for it. It runs from the distribution's own
binaries (``initdb`` and ``pg_ctl`` from the Debian package ``postgresql``, found under
``/usr/lib/postgresql/<version>/bin``, or in ``$HUB_PG_BIN``) with its data in a fresh temp dir,
on a free 127.0.0.1 port, without a Unix socket, trusting local TCP connections, and is stopped
(and its dir removed) at the end of the session. PostgreSQL refuses to run as root: as root
the server runs as the ``postgres`` user the Debian package creates (``runuser``).

No binaries, or root without a ``postgres`` user: the tests that need the server are skipped
with the reason, or fail when ``HUB_REQUIRE_POSTGRES=1`` (for CI, so a missing install step
cannot pass unnoticed). ``HUB_TEST_POSTGRES_URL`` (a server where the user may create
databases) is used instead of starting one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.integration.kafka_fixtures import free_port

USER = "hub"


@dataclass(frozen=True)
class PostgresServer:
    admin_url: str  # libpq URL of a database to run CREATE/DROP DATABASE from
    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg 3) of ``database`` on this server."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"


def find_pg_bin() -> Path | None:
    if os.environ.get("HUB_PG_BIN"):
        return Path(os.environ["HUB_PG_BIN"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    return max(found, key=lambda p: int(p.parent.name), default=None) if found else None


def unavailable(reason: str) -> None:
    if os.environ.get("HUB_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required (HUB_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(reason)


def run_as_prefix() -> list[str] | None:
    """Command prefix that drops root to ``postgres``; ``None`` when that is impossible."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else None


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed (exit {done.returncode}):\n{done.stderr}")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it has stopped already)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def _start(bin_dir: Path, prefix: list[str], root: Path, port: int) -> int:
    data = root / "data"
    _run([*prefix, str(bin_dir / "initdb"), "-D", str(data), f"--username={USER}",
          "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"])
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               "-c TimeZone=Europe/London")  # not UTC: stored instants must not depend on it
    _run([*prefix, str(bin_dir / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "60",
          "-l", str(root / "server.log"), "-o", options])
    return int((data / "postmaster.pid").read_text().split()[0])


def _stop(bin_dir: Path, prefix: list[str], root: Path, pid: int) -> None:
    data = str(root / "data")
    for mode in ("fast", "immediate"):
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "stop", "-D", data, "-m", mode, "-w",
                        "-t", "30"], capture_output=True, timeout=60, check=False)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _alive(pid):
            return
    raise AssertionError(f"PostgreSQL postmaster {pid} is still running")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server, stopped (no process left) after the session."""
    if external := os.environ.get("HUB_TEST_POSTGRES_URL"):
        info = psycopg.conninfo.conninfo_to_dict(external)
        yield PostgresServer(external, str(info.get("host", "127.0.0.1")),
                             int(info.get("port", 5432)), str(info.get("user", USER)))
        return
    bin_dir, prefix = find_pg_bin(), run_as_prefix()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian "
                    "package `postgresql`, or set HUB_PG_BIN to their directory")
    if prefix is None:
        unavailable("running as root without a `postgres` user (or `runuser`) to run "
                    "PostgreSQL as: install the Debian package `postgresql`")
    assert bin_dir is not None and prefix is not None
    yield from _serve(bin_dir, prefix)


def _serve(bin_dir: Path, prefix: list[str]) -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    if prefix:
        shutil.chown(root, "postgres", "postgres")
    port, pid = free_port(), None
    try:
        pid = _start(bin_dir, prefix, root, port)
        admin = f"host=127.0.0.1 port={port} user={USER} dbname=postgres"
        yield PostgresServer(admin, "127.0.0.1", port, USER)
    finally:
        if pid is not None:
            _stop(bin_dir, prefix, root, pid)
        shutil.rmtree(root, ignore_errors=True)


def _admin(server: PostgresServer, statement: sql.Composable) -> None:
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def new_postgres_database(postgres_server: PostgresServer) -> Iterator[Callable[[], str]]:
    """Makes an empty database per call (its SQLAlchemy URL); all are dropped after the test."""
    created: list[str] = []

    def make() -> str:
        name = f"hub_test_{uuid.uuid4().hex[:12]}"
        create = sql.SQL(  # C collation: ids sort by code point, as in SQLite and Python
            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        ).format(sql.Identifier(name))
        _admin(postgres_server, create)
        created.append(name)
        return postgres_server.url(name)

    yield make
    for name in created:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        _admin(postgres_server, drop)


@pytest.fixture
def postgres_url(new_postgres_database: Callable[[], str]) -> str:
    """SQLAlchemy URL of an empty database on the session's PostgreSQL server."""
    return new_postgres_database()
