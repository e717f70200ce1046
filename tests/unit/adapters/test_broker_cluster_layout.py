"""The local cluster's layout: what each node is told, and how settings follow cluster.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.adapters.broker.cluster import (
    ClusterError,
    ClusterLayout,
    layout_file,
    new_cluster_id,
    node_properties,
    plan_layout,
)
from hub.config import Settings, load_settings


def _record(home: Path) -> ClusterLayout:
    settings = Settings(home=home, broker_port=29092, controller_port=29093)
    layout = plan_layout(settings, 3)
    layout_file(settings).parent.mkdir(parents=True)
    layout_file(settings).write_text(json.dumps(layout.to_json()), encoding="utf-8")
    return layout


def test_three_nodes_on_spaced_ports_form_one_quorum(tmp_path: Path) -> None:
    layout = plan_layout(Settings(home=tmp_path, broker_port=29092, controller_port=29093), 3)
    assert [n.broker_port for n in layout.nodes] == [29092, 29102, 29112]
    assert layout.bootstrap == "127.0.0.1:29092,127.0.0.1:29102,127.0.0.1:29112"
    props = node_properties(layout, layout.node(2))
    assert props["node.id"] == "2"
    assert props["controller.quorum.voters"] == (
        "1@127.0.0.1:29093,2@127.0.0.1:29103,3@127.0.0.1:29113"
    )
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:29102,CONTROLLER://127.0.0.1:29103"
    assert props["min.insync.replicas"] == "2"
    assert props["offsets.topic.replication.factor"] == "3"
    assert ClusterLayout.from_json(layout.to_json()) == layout


def test_fewer_than_three_nodes_is_not_a_cluster(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="at least 3"):
        plan_layout(Settings(home=tmp_path), 2)


def test_cluster_ids_are_what_the_storage_tool_accepts() -> None:
    ids = {new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)


def test_settings_follow_a_recorded_cluster(tmp_path: Path) -> None:
    layout = _record(tmp_path)
    settings = load_settings({"HUB_HOME": str(tmp_path)})
    assert settings.bootstrap == layout.bootstrap
    assert settings.uses_local_broker
    assert settings.replication_factor == 3


def test_an_explicit_replication_factor_or_cluster_wins(tmp_path: Path) -> None:
    _record(tmp_path)
    own = load_settings({"HUB_HOME": str(tmp_path), "HUB_REPLICATION_FACTOR": "2"})
    assert own.replication_factor == 2
    other = load_settings({"HUB_HOME": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "k:9092"})
    assert other.bootstrap == "k:9092" and other.replication_factor == 1


def test_without_a_cluster_the_single_node_is_used(tmp_path: Path) -> None:
    settings = load_settings({"HUB_HOME": str(tmp_path), "HUB_BROKER_PORT": "29092"})
    assert settings.bootstrap == "127.0.0.1:29092" and settings.replication_factor == 1
