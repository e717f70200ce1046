"""An environment variable a switch-over replaces is reported, never silently ignored."""

from __future__ import annotations

from structlog.testing import capture_logs

from hub.config import active_file, load_settings, switch_over


def _switched(tmp_path):
    env = {"HUB_HOME": str(tmp_path), "HUB_CONFIG": str(tmp_path / "hub.toml")}
    base = load_settings(env, follow=False)
    switch_over(active_file(base), "replay-1", "", "sqlite:////tmp/replay-1.db")
    return env


def test_a_database_url_the_switch_over_replaces_is_reported(tmp_path):
    env = _switched(tmp_path) | {"HUB_DATABASE_URL": "postgresql://hub@db/hub"}
    with capture_logs() as logs:
        settings = load_settings(env)
    assert settings.database_url == "sqlite:////tmp/replay-1.db"
    [warning] = [e for e in logs if e["log_level"] == "warning"]
    assert warning["variables"] == ["HUB_DATABASE_URL"]
    assert "postgresql://hub@db/hub" not in str(warning)  # a URL may carry a password


def test_nothing_is_reported_without_a_conflict(tmp_path):
    env = _switched(tmp_path)
    with capture_logs() as logs:
        load_settings(env)
        load_settings(env | {"HUB_DATABASE_URL": "sqlite:////tmp/replay-1.db"})
    assert not [e for e in logs if e["log_level"] == "warning"]
