"""``hub demo``, the README's main job, end to end in a fresh home: its own broker on free
ports, every stage, the census files, the DfE validator, and the switch-over pointer that
makes later commands (``hub census compile``, ``hub timeline``) show the demo; then a
``hub replay`` of it, which must find nothing different and switch the hub over to itself;
then every file under ``.hub/`` and ``out/`` is private and holds no password or key."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hub.adapters.validator.cin_validator import is_available
from tests.integration.kafka_fixtures import REPO, free_port

pytestmark = pytest.mark.e2e


def _hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.mark.timeout(900)
def test_the_main_job_runs_every_stage_and_the_hub_then_serves_it(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "topics.yaml").symlink_to(REPO / "topics.yaml")
    (home / "schemas").symlink_to(REPO / "schemas")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUB_", "KAFKA_BOOTSTRAP"))}
    env |= {"HUB_HOME": str(home), "HUB_BROKER_PORT": str(free_port()), "COLUMNS": "200",
            "HUB_CONTROLLER_PORT": str(free_port()), "HUB_CACHE_DIR": str(REPO / ".hub" / "cache")}
    try:
        done = _hub(env, "demo", "--children", "150")
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        census = home / "out" / "census-2025-26"
        assert {"cin_census.xml", "additional_services.csv", "data_quality.html",
                "manifest.json"} <= {p.name for p in census.iterdir()}
        if is_available():
            report = json.loads((census / "cin_validation.json").read_text())
            assert report["errors"] == 0, report
        assert json.loads((census / "cin_schema_errors.json").read_text())["valid"] is True
        # the smoke round trip ran in its own namespace: no example child in either return
        assert "smoke-demo-2025-26-s1-c150" in done.stdout.replace("\n", "")
        assert b"CF100233" not in (census / "cin_census.xml").read_bytes()
        examples = json.loads((census / "manifest.json").read_text())
        assert examples["counts"]["xml_schema_errors"] == 0
        pointer = json.loads((home / ".hub" / "state" / "active.json").read_text())
        assert pointer["topic_namespace"] == "demo-2025-26-s1-c150"
        database = Path(pointer["database_url"].removeprefix("sqlite:///"))
        with sqlite3.connect(database) as db:
            (key,) = db.execute("select child_key from timeline_entries limit 1").fetchone()
            example_episodes = db.execute(  # the examples' provider return and payment
                "select count(*) from service_episodes where source_record_id in (?, ?)",
                ("OAK-2025-06-0042", "PAY-900123")).fetchone()
        assert example_episodes == (0,)
        shown = _hub(env, "timeline", key)
        assert shown.returncode == 0 and key in shown.stdout, shown.stderr[-2000:]
        again = _hub(env, "census", "compile", "--year", "2025-26", "--out",
                     str(tmp_path / "again"), "--no-validate")
        assert again.returncode == 0, again.stderr[-2000:]
        assert (tmp_path / "again" / "cin_census.xml").read_bytes() == (
            census / "cin_census.xml").read_bytes()

        # the year-end rebuild of what the demo produced: same census, then the hub serves it
        replay = _hub(env, "replay", "--year", "2025-26", "--name", "rebuild", "--no-validate")
        assert replay.returncode == 0, replay.stdout[-3000:] + replay.stderr[-3000:]
        diff = json.loads((home / ".hub/state/replays/rebuild/diff.json").read_text())
        assert diff["identical"], diff
        pointer = json.loads((home / ".hub" / "state" / "active.json").read_text())
        assert pointer["topic_namespace"] == "rebuild"
        assert pointer["source_namespace"] == "demo-2025-26-s1-c150"
        after = _hub(env, "census", "compile", "--year", "2025-26", "--out",
                     str(tmp_path / "after"), "--no-validate")
        assert after.returncode == 0, after.stderr[-2000:]
        assert "rebuild.cin.hub.episodes.v1" in after.stdout
        assert (tmp_path / "after" / "cin_census.xml").read_bytes() == (
            census / "cin_census.xml").read_bytes()

        # the secrets commands and an erasure write files too; then nothing under .hub/ or
        # out/ is open to another user, and no password or key is in any file
        secrets = [_printed(_hub(env, "inbox", "add-user", "dpo.one", "--team", "Front Door",
                                 "--role", "data_officer")),
                   _printed(_hub(env, "intake", "add-key", "csc"))]
        erased = _hub(env, "erase", "--child", key, "--by", "dpo.one", "--reason", "SAR-E2E-1")
        assert erased.returncode == 0, erased.stdout[-2000:] + erased.stderr[-2000:]
        _assert_private(home, secrets)
    finally:
        _hub(env, "broker", "stop")
    _assert_private(home, [])  # the broker's files as it left them


def _printed(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout.strip().splitlines()[0]


def _assert_private(home: Path, secrets: list[str]) -> None:
    """Every folder the hub made under ``home`` (``.hub/``, ``out/``) is 0700 and every file
    0600 or tighter; no secret appears in any of them."""
    open_to_others: list[str] = []
    walked = 0
    for top in (home / ".hub", home / "out"):
        assert top.is_dir(), top
        for path in [top, *top.rglob("*")]:
            if path.is_symlink():
                continue
            walked += 1
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & 0o077:
                open_to_others.append(f"{oct(mode)} {path.relative_to(home)}")
            if secrets and path.is_file():
                data = path.read_bytes()
                assert not [s for s in secrets if s.encode() in data], path
    assert walked > 50
    assert not open_to_others, "\n".join(open_to_others[:40])
