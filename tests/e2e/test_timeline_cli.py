"""``hub timeline CHILD_KEY`` end to end: a SQLite store filled through the HubStore API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from hub.adapters.store.sql.store import SqlHubStore
from hub.domain.outputs.codes import CscStatus, FlagCode, TaskStatus
from hub.entrypoints.cli import timeline as timeline_cli  # noqa: F401  (registers the command)
from tests.contract import store_records as r
from tests.contract.store_records import CHILD, D0, T0
from tests.integration.kafka_fixtures import run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    return {"HUB_HOME": str(tmp_path), "HUB_CONFIG": str(tmp_path / "hub.toml"),
            "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'state' / 'hub.db'}", "COLUMNS": "200"}


@pytest.fixture
def store(env: dict[str, str | None]) -> SqlHubStore:
    filled = SqlHubStore(str(env["HUB_DATABASE_URL"]))
    filled.apply_many([
        r.decision("id-1", r.snapshot()),
        r.entry("evt-2", T0 + timedelta(days=2), summary="CSC status change: CIN_PLAN_STARTED",
                event_type="CscStatusChanged", source_system="csc-lcs"),
        r.entry("evt-1", T0),
        r.reply("rep-1", CscStatus.OPEN_REFERRAL, T0),
        r.relay("rel-1", CscStatus.CIN_PLAN, D0 + timedelta(days=2)),
        r.raised("f1"), r.raised("f2", FlagCode.CAF_OPEN), r.cleared("f2"),
        r.task("t1", title="Decide SEN participation"),
        r.task("t2", title="Screen the CAF", status=TaskStatus.DONE),
    ])
    filled.close()
    return filled


def test_timeline_shows_status_flags_open_tasks_and_entries_in_order(store, env):
    result = run_cli(["timeline", CHILD], env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Child {CHILD}" in out
    assert "CSC status: CIN_PLAN (as of 2025-09-03)" in out
    assert "SEN_ASSESSMENT_IN_PROGRESS (since 2025-09-01)" in out and "CAF_OPEN" not in out
    assert "Open tasks: 1" in out and "Decide SEN participation" in out
    assert "Screen the CAF" not in out
    assert out.index("2025-09-01 09:00") < out.index("2025-09-03 09:00")
    assert "CSC status change: CIN_PLAN_STARTED" in out


def test_no_personal_data_is_printed(store, env):
    out = run_cli(["timeline", CHILD], env).output
    for personal in ("Ada", "Lovelace", "LS1 4AP", "9434765919", "A123456789012", "2014-12-10"):
        assert personal not in out


def test_an_unknown_key_says_so(store, env):
    result = run_cli(["timeline", "child-nobody"], env)
    assert result.exit_code == 1
    assert "No child with key 'child-nobody'" in result.output


def test_a_missing_store_says_so_and_creates_nothing(env, tmp_path: Path):
    result = run_cli(["timeline", CHILD], env)
    assert result.exit_code == 2
    assert "No hub store at" in result.output
    assert not (tmp_path / "state" / "hub.db").exists()
