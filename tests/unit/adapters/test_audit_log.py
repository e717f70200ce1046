"""The audit trail: its own store, queried by actor, action, child and time; ids only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from hub.adapters.audit_sqlite import SqliteAuditLog
from hub.audit import AuditQuery
from hub.entrypoints.cli import audit as _audit  # noqa: F401 (adds `hub audit`)
from tests.integration.kafka_fixtures import run_cli

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_records_come_back_by_filter_oldest_first(tmp_path):
    trail = SqliteAuditLog(tmp_path / "audit.db")
    trail.record("jsmith", "inbox.child-view", "C-0001", "10.0.0.7", T0 + timedelta(minutes=2))
    trail.record("key:1f0c6a9e2b7d4c81", "intake.push", None, "10.0.0.9", T0, outcome="202")
    trail.record("jsmith", "inbox.sign-in", None, "10.0.0.7", T0 + timedelta(minutes=1))
    everything = trail.query(AuditQuery())
    assert [r.action for r in everything] == ["intake.push", "inbox.sign-in", "inbox.child-view"]
    assert [r.action for r in trail.query(AuditQuery(actor="jsmith"))] == [
        "inbox.sign-in", "inbox.child-view"]
    [viewed] = trail.query(AuditQuery(child_key="C-0001"))
    assert (viewed.actor, viewed.address) == ("jsmith", "10.0.0.7")
    assert len(trail.query(AuditQuery(since=T0 + timedelta(minutes=1)))) == 2
    assert (tmp_path / "audit.db").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("actor", ["Amelia Synthetic", "x\ny", ""])
def test_free_text_is_refused_as_an_actor(tmp_path, actor):
    with pytest.raises(ValueError, match="actor"):
        SqliteAuditLog(tmp_path / "audit.db").record(actor, "inbox.sign-in", None, None, T0)


def test_hub_audit_prints_json_lines(tmp_path):
    trail = SqliteAuditLog(tmp_path / ".hub" / "state" / "audit.db")
    trail.record("key:1f0c6a9e2b7d4c81", "intake.push", None, "127.0.0.1", T0, outcome="422")
    env = {"HUB_HOME": str(tmp_path), "HUB_CONFIG": str(tmp_path / "hub.toml")}
    result = run_cli(["audit", "--action", "intake.push", "--json"], env)
    assert result.exit_code == 0, result.output
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["outcome"] == "422" and line["address"] == "127.0.0.1"
