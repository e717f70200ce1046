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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    home: Path = Field(default_factory=Path.cwd, description="project root, holds topics.yaml")
    kafka_version: str = "3.9.1"
    broker_port: int = 19092
    controller_port: int = 19093
    broker_heap: str = "512m"
    bootstrap_servers: str | None = None
    database_url: str | None = None
    topic_namespace: str = ""
    source_namespace: str | None = None  # where sources and staff commands are read (replay)
    switch_file: Path | None = None  # the switch-over pointer these settings followed, if any
    replication_factor: int = 1  # for topics the worker creates (state changelogs)
    worker_web_port: int | None = None  # the worker's health endpoint on 127.0.0.1
    cache_home: Path | None = Field(
        default=None, description="where downloaded broker jars live (shared between homes)"
    )

    @property
    def state_dir(self) -> Path:
        return self.home / ".hub" / "state"

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
    def uses_local_broker(self) -> bool:
        return self.bootstrap_servers is None

    @property
    def bootstrap(self) -> str:
        return self.bootstrap_servers or f"127.0.0.1:{self.broker_port}"

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
    "HUB_CACHE_DIR": "cache_home",
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
    settings = Settings(**values)
    if not follow:
        return settings
    followed = follow_switch(settings)
    if overridden := switch_overrides(env, settings, followed):
        _log_overrides(overridden, followed)
    return followed


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
        "database_url": active["database_url"],
        "switch_file": pointer,
    })


def switch_over(pointer: Path, namespace: str, source: str, database: str) -> None:
    """Record, atomically, that the hub now serves ``namespace`` (read by ``follow_switch``)."""
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(json.dumps({
        "topic_namespace": namespace, "source_namespace": source, "database_url": database,
        "switched_at": datetime.now(UTC).isoformat(),
    }, indent=2) + "\n", encoding="utf-8")
    tmp.replace(pointer)


def switch_file(settings: Settings) -> Path:
    """The pointer a switch-over writes: the one these settings followed, else their own."""
    return settings.switch_file or active_file(settings)
