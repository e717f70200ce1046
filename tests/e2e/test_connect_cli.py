"""``hub connect`` when the cluster cannot be reached: a clear answer, never a traceback."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.entrypoints.cli import (
    app,
    connect,  # noqa: F401  (registers the command)
)

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def test_an_unreachable_cluster_is_a_clear_error_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "schemas").symlink_to(REPO / "schemas")
    (tmp_path / "topics.yaml").write_bytes((REPO / "topics.yaml").read_bytes())
    env = {"HUB_HOME": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    sample = REPO / "connectors" / "samples" / "csc_status_changes.csv"
    result = CliRunner().invoke(app, ["connect", "csc", str(sample)], env=env)
    assert result.exit_code == 2, result.output
    assert "cannot reach Kafka at 127.0.0.1:1" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
