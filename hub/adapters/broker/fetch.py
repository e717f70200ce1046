"""Fetch the Apache Kafka broker jars from Maven Central with ``mvn`` (no tarball, no Docker).

A tiny ``pom.xml`` declares ``kafka_2.13`` plus the reload4j logging binding; the dependency
plugin copies the runtime classpath into ``<cache>/kafka-<version>/lib``. A marker file listing
the jars is written after success, so later calls skip Maven while every listed jar is present.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hub.logging import get_logger
from hub.ports import BrokerFetchError

log = get_logger(__name__)

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
MARKER = ".complete"
FETCH_TIMEOUT_S = 900

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>cin-hub</groupId>
  <artifactId>local-kafka-broker</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{version}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>1.7.36</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>1.2.25</version>
    </dependency>
  </dependencies>
</project>
"""


def require_tool(name: str) -> str:
    """Return the path of ``name`` on PATH or fail with an install hint."""
    path = shutil.which(name)
    if path is None:
        raise BrokerFetchError(
            f"'{name}' is not on PATH: install it (Debian: apt-get install "
            f"{'maven' if name == 'mvn' else 'openjdk-17-jre-headless'}) to run the local broker"
        )
    return path


def lib_is_complete(lib_dir: Path) -> bool:
    marker = lib_dir / MARKER
    if not marker.is_file():
        return False
    jars = marker.read_text(encoding="utf-8").split()
    return bool(jars) and all((lib_dir / jar).is_file() for jar in jars)


def ensure_kafka_jars(cache_dir: Path, version: str) -> Path:
    """Return ``<cache>/kafka-<version>/lib``, fetching it with Maven if incomplete."""
    root = cache_dir / f"kafka-{version}"
    lib_dir = root / "lib"
    if lib_is_complete(lib_dir):
        return lib_dir
    mvn = require_tool("mvn")
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_POM.format(version=version), encoding="utf-8")
    log.info("fetching kafka broker jars", version=version, lib_dir=str(lib_dir))
    _run_maven(mvn, root, lib_dir)
    jars = sorted(p.name for p in lib_dir.glob("*.jar"))
    if not any(j.startswith(f"kafka_2.13-{version}") for j in jars):
        raise BrokerFetchError(f"Maven finished but kafka_2.13-{version}.jar is not in {lib_dir}")
    (lib_dir / MARKER).write_text("\n".join(jars) + "\n", encoding="utf-8")
    return lib_dir


def _run_maven(mvn: str, root: Path, lib_dir: Path) -> None:
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(root / "pom.xml"),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={lib_dir}",
    ]
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=FETCH_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BrokerFetchError(f"Maven did not finish within {FETCH_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BrokerFetchError(
            f"Maven could not fetch the Kafka jars (exit {done.returncode}):\n{tail}"
        )
