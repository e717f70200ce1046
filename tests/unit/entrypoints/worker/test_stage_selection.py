"""``hub worker --stage``: which stages a process runs, and what it waits for to be drained."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hub.entrypoints.cli import worker as _worker_cli  # noqa: F401 (adds `hub worker`)
from hub.entrypoints.cli.app import app
from hub.entrypoints.worker.runner import STAGES, Groups, watched_groups


def test_a_process_waits_for_its_own_groups_and_every_group_upstream() -> None:
    groups = Groups("ns-cin-hub")
    assert watched_groups(groups, ["resolver"]) == ["ns-cin-hub-resolver"]
    assert watched_groups(groups, ["children"]) == ["ns-cin-hub-resolver", "ns-cin-hub"]
    assert watched_groups(groups, ["sink"]) == [
        "ns-cin-hub-resolver", "ns-cin-hub", "ns-cin-hub-sink"]
    assert watched_groups(groups, list(STAGES)) == watched_groups(groups, ["sink"])


@pytest.mark.parametrize("stage", ["resolve", "Sink", ""])
def test_an_unknown_stage_is_refused_before_anything_runs(stage: str) -> None:
    result = CliRunner().invoke(app, ["worker", "--stage", stage])
    assert result.exit_code == 2
    assert "unknown stage" in result.output and "resolver, children, sink" in result.output


@pytest.mark.parametrize("stages", [[], ["children"], ["resolver", "sink"]])
def test_a_lease_is_for_a_process_running_the_resolver_alone(stages: list[str]) -> None:
    args = [a for s in stages for a in ("--stage", s)]
    result = CliRunner().invoke(app, ["worker", "--lease", *args])
    assert result.exit_code == 2
    assert "--lease is for the resolver alone" in result.output
