"""Running a synthetic authority through connectors and the real worker, for integration tests.

The worker runs as a real ``hub worker`` subprocess against the session's broker, with its
own topic namespace and SQLite file, exactly as an operator would run it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.kafka import consumer_lag
from hub.adapters.kafka.acls import apply_grants
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import KafkaEventLog, read_topic
from hub.adapters.keys.staff_roles import SqliteStaffRoles
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.config import KafkaConnection, Settings
from hub.domain.topic_access import ADMIN, WORKER, source_user
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate
from hub.topics_spec import TopicSpec, load_topic_specs
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from hub.usecases.topic_grants import namespace_grants
from tests.integration.kafka_fixtures import as_role, kafka_env

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas" / "avro"
HUB = str(Path(sys.executable).with_name("hub"))
TODAY = date(2026, 11, 1)


@dataclass
class Authority:
    exports: Path
    specs: tuple[TopicSpec, ...]
    namespace: str
    bootstrap: KafkaTarget  # the admin's connection on a secured broker
    database: str
    staff_db: Path | None = None  # the staff directory the worker verifies actors against
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. HUB_REPLICATION_FACTOR

    def topic(self, name: str) -> str:
        return f"{self.namespace}.{name}"

    def truth(self) -> dict[tuple[str, str], str]:
        with (self.exports / "ground_truth.csv").open(newline="") as f:
            return {
                (r["source"], r["source_record_id"]): r["true_child_id"] for r in csv.DictReader(f)
            }

    def env(self, user: str = WORKER) -> dict[str, str]:
        """A hub process's environment; on a secured broker it connects as ``user``."""
        return {
            **os.environ,
            "HUB_HOME": str(REPO),
            "HUB_TOPIC_NAMESPACE": self.namespace,
            **kafka_env(as_role(self.bootstrap, user)),
            "HUB_DATABASE_URL": self.database,
            # the children stage's kept files beside the test's database, not in the repo's
            "HUB_TABLES_DIR": str(Path(self.database.removeprefix("sqlite:///")).with_name(
                f"tables-{self.namespace}")),
            **({"HUB_STAFF_DB": str(self.staff_db)} if self.staff_db else {}),
            **self.extra_env,
        }

    def add_staff(self, user: str, *roles: str) -> None:
        """A staff directory user (as ``hub inbox add-user`` and ``hub staff grant`` make)."""
        assert self.staff_db is not None
        first, *more = roles or ("practitioner",)
        SqliteStaffUsers(self.staff_db).add(user, "Front Door", datetime.now(UTC), role=first)
        for role in more:
            SqliteStaffRoles(self.staff_db).grant(user, role)


def authority_specs(
    namespace: str, partitions: int | None = None, replication: int | None = None
) -> tuple[TopicSpec, ...]:
    """The declared topics in ``namespace``, optionally with other partitions or replicas."""
    update: dict[str, int] = {}
    if partitions is not None:
        update["partitions"] = partitions
    if replication is not None:
        update["replication_factor"] = replication
    return tuple(s.model_copy(update=update)
                 for s in load_topic_specs(REPO / "topics.yaml", namespace))


async def grant_namespace(bootstrap: KafkaTarget, namespace: str) -> None:
    """On a secured broker, ``namespace``'s ACLs: each role its rights there, as ``hub topics
    apply`` grants them (a plain address: nothing to do)."""
    if isinstance(bootstrap, KafkaConnection) and bootstrap.security.uses_sasl:
        await apply_grants(bootstrap, namespace_grants(Settings(home=REPO), namespace))


async def publish_authority(
    tmp: Path, bootstrap: KafkaTarget, namespace: str, children: int = 300, seed: int = 5,
    codec: AvroCodec | None = None,
    *, partitions: int | None = None, replication: int | None = None,
) -> Authority:
    """Generate an authority and publish every export, each source as its own Kafka user on
    a secured broker (whose namespace gets its ACLs first). ``codec`` (default: one without
    a key store, so nothing is sealed) lets a test publish as the connectors do."""
    exports = tmp / "exports"
    generate(exports, children, seed, CensusYear.parse("2025-26"))
    specs = authority_specs(namespace, partitions, replication)
    await apply_topics(bootstrap, specs)
    await grant_namespace(bootstrap, namespace)
    for source, name in EXPORT_FILES.items():
        async with KafkaEventLog(as_role(bootstrap, source_user(source))) as log:
            publisher = Publisher(log, codec or load_codec(SCHEMAS), specs)
            await connect_file(CONNECTORS[source](TODAY), exports / name, publisher)
    return Authority(exports, specs, namespace, bootstrap, f"sqlite:///{tmp / 'hub.db'}",
                     staff_db=tmp / "inbox_users.db")


def run_worker_until_drained(authority: Authority, timeout: float = 400) -> None:
    """Run ``hub worker --until-drained``; its log goes to drain.log beside the database."""
    log = Path(authority.database.removeprefix("sqlite:///")).with_name("drain.log")
    with log.open("w") as out:
        try:
            done = subprocess.run(
                [HUB, "worker", "--until-drained", "--log-level", "info"],
                env=authority.env(), stdout=out, stderr=subprocess.STDOUT,
                timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            tail = log.read_text()[-6000:]
            raise AssertionError(f"worker never drained; its log ends:\n{tail}") from None
    assert done.returncode == 0, log.read_text()[-3000:]


def rebuild_namespace(authority: Authority, name: str, database: Path,
                      **extra: str) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh namespace ``name`` that rebuilds ``authority``'s source topics into
    ``database`` (its topics applied): the worker's environment there, and the admin's."""
    here = {"HUB_TOPIC_NAMESPACE": name, "HUB_SOURCE_NAMESPACE": authority.namespace,
            "HUB_DATABASE_URL": f"sqlite:///{database}", **extra}
    admin = {**authority.env(ADMIN), **here, "COLUMNS": "200"}
    hub_cli(admin, "topics", "apply")
    return {**authority.env(), **here}, admin


def start_draining(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """``hub worker --until-drained <args>`` in the background, its output appended to
    ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen([HUB, "worker", "--until-drained", "--log-level", "info", *args],
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def start_worker(authority: Authority, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([HUB, "worker"], env=authority.env(), stdout=out, stderr=out)


async def decoded(authority: Authority, codec: AvroCodec, topic: str) -> list[object]:
    return [
        codec.decode(r.value) for r in await read_topic(authority.bootstrap, authority.topic(topic))
    ]


async def records_in(bootstrap: KafkaTarget, topic: str) -> int:
    """How many records a topic holds (sum of end offsets): cheap progress polling."""
    return await consumer_lag.records_in(bootstrap, [topic])


def hub_cli(
    env: dict[str, str], *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``hub <args>`` as its own process; the test fails, with its output, unless it exits 0."""
    done = subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def checksums(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """SHA-256 of every file in ``folder`` by name (census outputs compared byte for byte)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and p.name not in skip}


def census_from_database(env: dict[str, str], folder: Path) -> dict[str, str]:
    """The 2025-26 census compiled from the hub store, by file (the manifest left out)."""
    hub_cli(env, "census", "compile", "--year", "2025-26", "--out", str(folder),
            "--no-validate", "--from", "database", timeout=300)
    return checksums(folder, skip=("manifest.json",))
