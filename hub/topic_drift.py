"""Declared topics against the cluster's actual topics: pure comparison, no I/O.

Drift is reported, never repaired destructively: Kafka cannot remove partitions, and a changed
cleanup or retention policy on a live topic is an operator's decision, not ``apply``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hub.topics_spec import TopicSpec

INCREASE_HINT = "run `hub topics apply --increase-partitions` to add them"


@dataclass(frozen=True)
class ActualTopic:
    name: str
    partitions: int
    replication_factor: int
    configs: Mapping[str, str] = field(default_factory=dict)  # effective values
    overrides: frozenset[str] = frozenset()  # config names set on the topic itself


@dataclass(frozen=True)
class Drift:
    topic: str
    field: str
    declared: str
    actual: str
    note: str


@dataclass(frozen=True)
class PartitionIncrease:
    topic: str
    before: int
    after: int


@dataclass(frozen=True)
class ApplyReport:
    created: tuple[str, ...] = ()
    increased: tuple[PartitionIncrease, ...] = ()
    drift: tuple[Drift, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def no_changes(self) -> bool:
        """Nothing created or increased and nothing drifting: the cluster matches the file."""
        return not (self.created or self.increased or self.drift)


def compare(spec: TopicSpec, actual: ActualTopic) -> list[Drift]:
    return [
        *_partition_drift(spec, actual),
        *_replication_drift(spec, actual),
        *_config_drift(spec, actual),
    ]


def needs_more_partitions(spec: TopicSpec, actual: ActualTopic) -> bool:
    return actual.partitions < spec.partitions


def _partition_drift(spec: TopicSpec, actual: ActualTopic) -> list[Drift]:
    if actual.partitions < spec.partitions:
        note = f"fewer partitions than declared; {INCREASE_HINT}"
    elif actual.partitions > spec.partitions:
        note = "more partitions than declared; Kafka cannot remove partitions: update topics.yaml"
    else:
        return []
    return [Drift(spec.name, "partitions", str(spec.partitions), str(actual.partitions), note)]


def _replication_drift(spec: TopicSpec, actual: ActualTopic) -> list[Drift]:
    if actual.replication_factor == spec.replication_factor:
        return []
    note = "replication differs; change it with a partition reassignment"
    return [
        Drift(
            spec.name,
            "replication_factor",
            str(spec.replication_factor),
            str(actual.replication_factor),
            note,
        )
    ]


def _config_drift(spec: TopicSpec, actual: ActualTopic) -> list[Drift]:
    drift = []
    for name, declared in spec.configs.items():
        value = actual.configs.get(name, "(unknown)")
        if value != declared:
            note = "config differs; not changed by apply (kafka-configs --alter if intended)"
            drift.append(Drift(spec.name, name, declared, value, note))
    if spec.retention_ms is None and "retention.ms" in actual.overrides:
        value = actual.configs.get("retention.ms", "(unknown)")
        note = "topics.yaml leaves retention to the broker default but the topic overrides it"
        drift.append(Drift(spec.name, "retention.ms", "(broker default)", value, note))
    return drift
