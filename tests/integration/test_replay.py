"""Issue 5: ``hub replay`` on the real broker: two replays give byte-identical census files.

A synthetic authority is published and processed by a live worker; then two replays rebuild
it into fresh namespaces. The census files of both replays must be identical, byte for byte,
and identical to the live run's (the resolver reads its backlog in one deterministic order).
The second replay switches over, after which ``hub census compile`` serves the replay.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from hub.domain.topic_access import ADMIN
from tests.integration.worker_harness import (
    REPO,
    checksums,
    hub_cli,
    publish_authority,
    run_worker_until_drained,
)

pytestmark = pytest.mark.integration
YEAR = "2025-26"


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    home.mkdir()
    (home / "topics.yaml").symlink_to(REPO / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    # One hub, one key store: the harness's worker sealed personal fields with the keys under
    # REPO's home; the CLI here must open them as a production hub's processes all do.
    (home / ".hub" / "state").mkdir(parents=True)
    (home / ".hub" / "state" / "keys").symlink_to(REPO / ".hub" / "state" / "keys")
    return home


@pytest.mark.timeout(1200)
def test_two_replays_give_identical_census_files_and_switch_over(kafka_broker, tmp_path):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-replay", children=250))
    run_worker_until_drained(authority)
    home = _home(tmp_path)
    # census and replay are an operator's commands: the admin on a secured broker (a replay
    # applies its namespace's topics and ACLs and reads its consumer groups' offsets)
    env = {**authority.env(ADMIN), "HUB_HOME": str(home), "COLUMNS": "200"}
    env.pop("HUB_SOURCE_NAMESPACE", None)
    hub_cli(env, "census", "compile", "--year", YEAR, "--out", str(tmp_path / "live"),
         "--no-validate")

    first = hub_cli(env, "replay", "--year", YEAR, "--name", "r1", "--no-switch", "--no-validate")
    assert "nothing switched" not in first.stdout
    assert "resolving" in first.stderr  # the progress bars
    # the second replay runs one process per stage (issue 14): the same files again
    second = hub_cli(env, "replay", "--year", YEAR, "--name", "r2", "--no-validate", "--split")
    assert "one process per stage" in second.stdout
    assert "switched over" in second.stdout

    replays = home / ".hub" / "state" / "replays"
    r1, r2 = checksums(replays / "r1" / "census"), checksums(replays / "r2" / "census")
    assert r1 and "cin_census.xml" in r1 and "additional_services.csv" in r1
    assert r1 == r2, "two replays of the same topics gave different census files"
    assert r1 == checksums(tmp_path / "live"), "a replay differs from the live run"
    diff = json.loads((replays / "r2" / "diff.json").read_text())
    assert diff["identical"], diff

    pointer = json.loads((home / ".hub" / "state" / "active-it-replay.json").read_text())
    assert pointer["topic_namespace"] == "r2" and pointer["source_namespace"] == "it-replay"
    assert "r2" in pointer["database_url"]
    hub_cli(env, "census", "compile", "--year", YEAR, "--out", str(tmp_path / "after"),
         "--no-validate")
    assert checksums(tmp_path / "after") == r2  # the hub now serves the replay
    assert not any(k.startswith("HUB_SOURCE") for k in os.environ)
