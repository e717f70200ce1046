"""Settings: defaults, then an optional ``hub.toml``, then ``HUB_*`` environment variables.

``KAFKA_BOOTSTRAP_SERVERS`` (or ``HUB_BOOTSTRAP_SERVERS``) pointing at another cluster makes
the hub use that cluster; otherwise it uses the local single-node broker it starts itself.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import URL, make_url

CLUSTER_FILE = "cluster.json"  # under the state dir: the local multi-node cluster's layout
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]


class KafkaSecurity(BaseModel):
    """How a client proves itself to the cluster. The password is never a setting itself: it is
    read, when a client is built, from ``password_file`` or the ``password_env`` variable."""

    model_config = ConfigDict(frozen=True)

    protocol: SecurityProtocol = "PLAINTEXT"
    ca_file: Path | None = None  # PEM bundle that signs the brokers' certificates
    sasl_mechanism: str = "SCRAM-SHA-512"
    user: str | None = None
    password_file: Path | None = None
    password_env: str = "HUB_KAFKA_PASSWORD"  # noqa: S105 - the variable's name, not a secret

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.protocol.endswith("SSL")


class KafkaConnection(BaseModel):
    """Where a client connects and how it authenticates: what every Kafka adapter takes."""

    model_config = ConfigDict(frozen=True)

    bootstrap: str
    security: KafkaSecurity = KafkaSecurity()

    def __str__(self) -> str:  # messages name the address, never the credentials
        return self.bootstrap


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    home: Path = Field(default_factory=Path.cwd, description="project root, holds topics.yaml")
    kafka_version: str = "3.9.1"
    broker_port: int = 19092
    controller_port: int = 19093
    broker_heap: str = "512m"
    bootstrap_servers: str | None = None
    cluster_bootstrap: str | None = None  # the local cluster's nodes, from cluster.json
    database_url: str | None = None
    topic_namespace: str = ""
    source_namespace: str | None = None  # where sources and staff commands are read (replay)
    switch_file: Path | None = None  # the switch-over pointer these settings followed, if any
    replication_factor: int = 1  # for topics the worker creates (state changelogs)
    worker_web_port: int | None = None  # the worker's health endpoint on 127.0.0.1
    worker_metrics_refresh_s: float = Field(
        default=5.0, gt=0, description="how often the worker re-reads its /metrics gauges"
    )
    cache_home: Path | None = Field(
        default=None, description="where downloaded broker jars live (shared between homes)"
    )
    tables_home: Path | None = Field(
        default=None, description="where the children stage keeps its state tables' files "
        "(default .hub/state/tables; a fast local disk, room for about 12 GB per million "
        "children)"
    )
    identity_settle: bool = Field(
        default=True, description="the resolver settles identity when idle (docs/worker.md)"
    )
    identity_settle_idle_s: float = Field(
        default=1.0, ge=0, description="seconds of caught-up quiet before the resolver settles"
    )
    identity_settle_at_latest_s: float = Field(
        default=600.0, ge=0, description="seconds identity may wait to be settled before the "
        "resolver settles in place, pausing resolution, rather than beside it (docs/worker.md)"
    )
    kafka_security: KafkaSecurity = KafkaSecurity()
    broker_secure: bool = False  # the local broker runs SASL_SSL with ACLs (hub broker --secure)
    dead_letter_retention_days: int | None = None  # overrides topics.yaml's 30 days
    staff_db: Path | None = None  # the staff directory (web inbox users and their roles)
    internal_port: int | None = None  # the secured broker's mutual-TLS listener (broker_port + 2)
    worker_kafka_user: str | None = None
    """On a cluster of your own: the SCRAM user the worker acts as (``hub worker``, and the
    worker ``hub replay`` starts) when this process's own credentials are another role's."""
    worker_kafka_password_file: Path | None = None

    @property
    def state_dir(self) -> Path:
        return self.home / ".hub" / "state"

    @property
    def tables_dir(self) -> Path:
        """The children stage's state tables, kept across restarts (a copy of part of their
        changelogs: deleting the folder while no worker runs only makes the next start read
        the changelogs whole)."""
        return self.tables_home or self.state_dir / "tables"

    @property
    def cache_dir(self) -> Path:
        return self.cache_home or self.home / ".hub" / "cache"

    @property
    def topics_file(self) -> Path:
        return self.home / "topics.yaml"

    @property
    def schemas_dir(self) -> Path:
        return self.home / "schemas" / "avro"

    @property
    def cin_schemas_dir(self) -> Path:
        """The DfE's CIN census XML Schemas, one per collection year."""
        return self.home / "schemas" / "cin_census"

    @property
    def uses_local_broker(self) -> bool:
        return self.bootstrap_servers is None

    @property
    def bootstrap(self) -> str:
        return (self.bootstrap_servers or self.cluster_bootstrap
                or f"127.0.0.1:{self.broker_port}")

    @property
    def staff_directory_file(self) -> Path:
        return self.staff_db or self.state_dir / "inbox_users.db"

    @property
    def broker_internal_port(self) -> int:
        return self.internal_port or self.broker_port + 2

    @property
    def local_secrets_dir(self) -> Path:
        """The secured local broker's CA, certificates and generated passwords (0700)."""
        return self.state_dir / "broker-secure" / "secrets"

    @property
    def kafka(self) -> KafkaConnection:
        """The cluster address with this process's credentials (the operator's: ``admin``)."""
        return self.kafka_for("admin")

    def kafka_for(self, user: str) -> KafkaConnection:
        """Credentials for a process acting as ``user``. Configured security always wins; the
        secured local broker otherwise gives each role its own generated SCRAM user."""
        security = self.kafka_security
        if user == "worker" and self.worker_kafka_user and self.worker_kafka_password_file \
                and security.uses_sasl:
            security = security.model_copy(update={
                "user": self.worker_kafka_user, "password_file": self.worker_kafka_password_file,
            })
        if self.broker_secure and self.uses_local_broker and security.protocol == "PLAINTEXT":
            security = KafkaSecurity(
                protocol="SASL_SSL", ca_file=self.local_secrets_dir / "tls" / "ca.pem", user=user,
                password_file=self.local_secrets_dir / "passwords" / user,
            )
        return KafkaConnection(bootstrap=self.bootstrap, security=security)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'hub.db'}"


_ENV_FIELDS = {
    "HUB_KAFKA_VERSION": "kafka_version",
    "HUB_BROKER_PORT": "broker_port",
    "HUB_CONTROLLER_PORT": "controller_port",
    "HUB_BROKER_HEAP": "broker_heap",
    "HUB_BOOTSTRAP_SERVERS": "bootstrap_servers",
    "KAFKA_BOOTSTRAP_SERVERS": "bootstrap_servers",
    "HUB_DATABASE_URL": "database_url",
    "HUB_TOPIC_NAMESPACE": "topic_namespace",
    "HUB_SOURCE_NAMESPACE": "source_namespace",
    "HUB_REPLICATION_FACTOR": "replication_factor",
    "HUB_WORKER_WEB_PORT": "worker_web_port",
    "HUB_WORKER_METRICS_REFRESH_S": "worker_metrics_refresh_s",
    "HUB_IDENTITY_SETTLE": "identity_settle",
    "HUB_IDENTITY_SETTLE_IDLE_S": "identity_settle_idle_s",
    "HUB_IDENTITY_SETTLE_AT_LATEST_S": "identity_settle_at_latest_s",
    "HUB_CACHE_DIR": "cache_home",
    "HUB_TABLES_DIR": "tables_home",
    "HUB_BROKER_SECURE": "broker_secure",
    "HUB_WORKER_KAFKA_USER": "worker_kafka_user",
    "HUB_WORKER_KAFKA_PASSWORD_FILE": "worker_kafka_password_file",
    "HUB_INTERNAL_PORT": "internal_port",
    "HUB_STAFF_DB": "staff_db",
    "HUB_DEAD_LETTER_RETENTION_DAYS": "dead_letter_retention_days",
}
# Client security (hub.toml table [hub.kafka_security]); the password itself comes from
# HUB_KAFKA_PASSWORD_FILE or the variable HUB_KAFKA_PASSWORD, never from a command line.
_SECURITY_ENV = {
    "HUB_KAFKA_SECURITY_PROTOCOL": "protocol",
    "HUB_KAFKA_CA_FILE": "ca_file",
    "HUB_KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "HUB_KAFKA_USER": "user",
    "HUB_KAFKA_PASSWORD_FILE": "password_file",
}


def config_path(home: Path, env: Mapping[str, str]) -> Path:
    """The settings file: ``$HUB_CONFIG``, else ``hub.toml`` in the hub's home."""
    return Path(env.get("HUB_CONFIG", home / "hub.toml"))


def load_settings(env: dict[str, str] | None = None, *, follow: bool = True) -> Settings:
    """Build settings from defaults, ``$HUB_HOME/hub.toml`` (or ``$HUB_CONFIG``) and the env."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("HUB_HOME", Path.cwd())).resolve()
    values: dict[str, Any] = {"home": home}
    config_file = config_path(home, env)
    if config_file.is_file():
        values.update(tomllib.loads(config_file.read_text(encoding="utf-8")).get("hub", {}))
    for var, field in _ENV_FIELDS.items():
        if env.get(var):
            values[field] = env[var]
    security = dict(values.get("kafka_security", {}))
    security.update({field: env[var] for var, field in _SECURITY_ENV.items() if env.get(var)})
    values["kafka_security"] = security
    settings = _follow_cluster(Settings(**values), explicit_factor="replication_factor" in values)
    if not follow:
        return settings
    followed = follow_switch(settings)
    if overridden := switch_overrides(env, settings, followed):
        _log_overrides(overridden, followed)
    return followed


def _follow_cluster(settings: Settings, *, explicit_factor: bool) -> Settings:
    """With a local cluster recorded (``hub broker start --nodes 3``), clients bootstrap from
    all its nodes and topics get its replication factor unless one is set explicitly."""
    layout = settings.state_dir / CLUSTER_FILE
    if not settings.uses_local_broker or not layout.is_file():
        return settings
    recorded = json.loads(layout.read_text(encoding="utf-8"))
    update: dict[str, Any] = {"cluster_bootstrap": recorded["bootstrap"]}
    if not explicit_factor:
        update["replication_factor"] = int(recorded["replication_factor"])
    return settings.model_copy(update=update)


_SWITCHED = {"HUB_DATABASE_URL": "database_url", "HUB_TOPIC_NAMESPACE": "topic_namespace"}


def switch_overrides(env: Mapping[str, str], own: Settings, followed: Settings) -> list[str]:
    """Environment variables set to a value the switch-over pointer replaced: reported, so a
    ``HUB_DATABASE_URL`` set on purpose is never silently ignored."""
    return [var for var, field in _SWITCHED.items()
            if env.get(var) and getattr(own, field) != getattr(followed, field)]


def _log_overrides(variables: list[str], followed: Settings) -> None:
    from hub.logging import get_logger  # noqa: PLC0415 - logging imports nothing of ours; keep config light

    get_logger(__name__).warning(
        "environment setting overridden by a switch-over", variables=variables,
        pointer=str(followed.switch_file),
        remedy="unset the variable, or delete the pointer file to stop following the switch",
    )


def active_file(settings: Settings) -> Path:
    """Where ``hub replay`` records the namespace it switched over to: one pointer per base
    namespace (the one the sources are in)."""
    base = settings.source_namespace
    base = settings.topic_namespace if base is None else base
    return settings.state_dir / (f"active-{base}.json" if base else "active.json")


def follow_switch(settings: Settings) -> Settings:
    """After a replay switched over, the hub's current state is the replay's namespace and
    database, reading the original namespace's sources. A run that names its source namespace
    itself (a replay's own worker) follows nothing."""
    pointer = active_file(settings)
    if settings.source_namespace is not None or not pointer.is_file():
        return settings
    active = json.loads(pointer.read_text(encoding="utf-8"))
    return settings.model_copy(update={
        "topic_namespace": active["topic_namespace"],
        "source_namespace": active["source_namespace"],
        "database_url": _with_password(active["database_url"], settings.database_url),
        "switch_file": pointer,
    })


def without_password(url: str) -> str:
    """``url`` with any password removed: what may be written to a file."""
    parsed = make_url(url)
    if parsed.password is None:
        return url
    bare = URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port,
                      parsed.database, parsed.query)
    return bare.render_as_string(hide_password=False)


def _with_password(url: str, configured: str | None) -> str:
    """The pointer's URL, with the password of the configured database (``HUB_DATABASE_URL``,
    from the environment) when it is the same server and user; else libpq's own sources
    (``PGPASSWORD``, ``~/.pgpass``) apply."""
    if configured is None:
        return url
    mine, theirs = make_url(url), make_url(configured)
    same = (mine.host, mine.port, mine.username) == (theirs.host, theirs.port, theirs.username)
    if mine.password is None and theirs.password is not None and same:
        return mine.set(password=theirs.password).render_as_string(hide_password=False)
    return url


def switch_over(pointer: Path, namespace: str, source: str, database: str) -> None:
    """Record, atomically, that the hub now serves ``namespace`` (read by ``follow_switch``)."""
    pointer.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = pointer.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    text = json.dumps({
        "topic_namespace": namespace, "source_namespace": source,
        "database_url": without_password(database),  # never a password in a file
        "switched_at": datetime.now(UTC).isoformat(),
    }, indent=2) + "\n"
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(text)
    tmp.replace(pointer)


def switch_file(settings: Settings) -> Path:
    """The pointer a switch-over writes: the one these settings followed, else their own."""
    return settings.switch_file or active_file(settings)
