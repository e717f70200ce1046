"""Kafka topic administration with aiokafka: create what is declared, report drift.

``apply_topics`` never deletes a topic and never changes a config; it adds partitions only
when asked. Topics are read with a metadata request naming them and saying that a missing
one must not be created (``allow_auto_topic_creation`` false), so a broker with
``auto.create.topics.enable`` cannot create it. Naming them matters: a request for *all*
topics costs the client time in proportion to every topic of the cluster, and the worker's
drain checks describe their topics several times a second (profiled 2026-12-07: on a broker
holding 1,444 topics, decoding those answers was a fifth of the children stage's CPU).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, TypeVar

from aiokafka.admin import NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError
from aiokafka.protocol.metadata import MetadataRequest

from hub.adapters.kafka.client import (
    KafkaAdminError,
    RetriableKafkaAdminError,
    admin_client,
    cluster_answers,
    raise_for_code,
)
from hub.adapters.kafka.connection import KafkaTarget
from hub.logging import get_logger
from hub.topic_drift import (
    ActualTopic,
    ApplyReport,
    PartitionIncrease,
    compare,
    needs_more_partitions,
)
from hub.topics_spec import TopicSpec

log = get_logger(__name__)
T = TypeVar("T")

__all__ = ["KafkaAdminError", "apply_topics", "cluster_answers", "describe_topics",
           "partition_counts",
           "unknown_to_some_broker"]

TOPIC_ALREADY_EXISTS = 36
DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs config_source: set on the topic itself
RETRY_S = 90.0  # how long an admin operation retries while a cluster node is down
_RETRY_PAUSE_S = 1.0


async def retrying(action: Callable[[], Awaitable[T]], what: str, retry_s: float = RETRY_S) -> T:
    """Run ``action`` (idempotent) again after a retriable failure, for up to ``retry_s``:
    with one node of a cluster down, a request may reach it or find too few replicas until
    the cluster settles or the node is back."""
    deadline = time.monotonic() + retry_s
    while True:
        try:
            return await action()
        except RetriableKafkaAdminError as exc:
            if time.monotonic() >= deadline:
                raise KafkaAdminError(f"{exc} (still failing after {retry_s:.0f} s)") from exc
            log.warning("kafka admin operation failed, retrying", operation=what,
                        error=type(exc.__cause__ or exc).__name__)
            await asyncio.sleep(_RETRY_PAUSE_S)


async def describe_topics(bootstrap: KafkaTarget, names: Collection[str]) -> dict[str, ActualTopic]:
    """The actual state of those of ``names`` that exist (missing ones are left out)."""
    async def once() -> dict[str, ActualTopic]:
        async with admin_client(bootstrap) as admin:
            return await _describe(admin, names)

    return await retrying(once, "describe topics")


async def partition_counts(bootstrap: KafkaTarget, names: Collection[str]) -> dict[str, int]:
    """How many partitions each of ``names`` that exists has (missing ones are left out):
    what a reader needs, without the configs ``describe_topics`` also fetches."""
    async def once() -> dict[str, int]:
        async with admin_client(bootstrap) as admin:
            return {t["topic"]: len(t["partitions"]) for t in await _topic_metadata(admin, names)}

    return await retrying(once, "count partitions")


async def unknown_to_some_broker(
    bootstrap: KafkaTarget, names: Collection[str], answered: list[int] | None = None,
) -> list[str]:
    """Those of ``names`` that some broker of the cluster does not list yet.

    Every broker learns a new topic from the metadata log on its own schedule: one busy
    broker can still answer "unknown topic" seconds after the others know it. A client asks
    whichever broker is least loaded, so this asks each of them in turn. A broker that does
    not answer (down, restarting) is passed over: it serves nothing until it has caught up;
    when none answers, every name counts as unknown. ``answered`` collects the node ids that
    did answer."""
    wanted = set(names)
    heard: list[int] = [] if answered is None else answered
    async with admin_client(bootstrap) as admin:
        client = admin._client  # the admin client's own connections, one per broker
        missing: set[str] = set()
        for broker in sorted(client.cluster.brokers(), key=lambda b: b.nodeId):
            try:
                response = await client.send(broker.nodeId, _metadata_request(wanted))
            except (KafkaError, OSError) as exc:
                log.debug("broker passed over", node=broker.nodeId, error=type(exc).__name__)
                continue
            heard.append(broker.nodeId)
            known = {topic[1] for topic in response.topics if topic[0] == 0}
            missing |= wanted - known
    return sorted(missing if heard else wanted)


async def apply_topics(
    bootstrap: KafkaTarget,
    specs: Sequence[TopicSpec],
    *,
    increase_partitions: bool = False,
    timeout_s: float = 30.0,
    retry_s: float = RETRY_S,
) -> ApplyReport:
    """Create missing topics, optionally add partitions, and report drift on the rest."""
    async def once() -> ApplyReport:
        return await _apply(bootstrap, specs, increase_partitions, timeout_s)

    return await retrying(once, "apply topics", retry_s)


async def _apply(
    bootstrap: KafkaTarget, specs: Sequence[TopicSpec], increase_partitions: bool,
    timeout_s: float,
) -> ApplyReport:
    async with admin_client(bootstrap, timeout_s) as admin:
        actual = await _describe(admin, [spec.name for spec in specs])
        created, actual = await _create_missing(admin, specs, actual, timeout_s)
        increases = _planned_increases(specs, actual) if increase_partitions else []
        await _increase(admin, increases, timeout_s)
        await _wait_for_leaders(admin, {i.topic: i.after for i in increases}, timeout_s)
    return _report(specs, actual, created, increases)


async def _create_missing(
    admin: Any, specs: Sequence[TopicSpec], actual: dict[str, ActualTopic], timeout_s: float
) -> tuple[list[TopicSpec], dict[str, ActualTopic]]:
    """Create the topics not in ``actual``; one that turns out to exist is described instead."""
    missing = [spec for spec in specs if spec.name not in actual]
    existed = await _create(admin, missing, timeout_s)
    created = [spec for spec in missing if spec.name not in existed]
    expected = {s.name: s.partitions for s in created} | dict.fromkeys(existed, 1)
    await _wait_for_leaders(admin, expected, timeout_s)
    if existed:
        actual = actual | await _describe(admin, existed)
    return created, actual


def _planned_increases(
    specs: Sequence[TopicSpec], actual: dict[str, ActualTopic]
) -> list[PartitionIncrease]:
    return [
        PartitionIncrease(spec.name, actual[spec.name].partitions, spec.partitions)
        for spec in specs
        if spec.name in actual and needs_more_partitions(spec, actual[spec.name])
    ]


def _report(
    specs: Sequence[TopicSpec],
    actual: dict[str, ActualTopic],
    created: Sequence[TopicSpec],
    increases: Sequence[PartitionIncrease],
) -> ApplyReport:
    increased = {increase.topic for increase in increases}
    drift = [
        item
        for spec in specs
        if spec.name in actual
        for item in compare(spec, actual[spec.name])
        if not (item.field == "partitions" and item.topic in increased)
    ]
    drifting = {item.topic for item in drift} | increased
    unchanged = [s.name for s in specs if s.name in actual and s.name not in drifting]
    return ApplyReport(
        tuple(spec.name for spec in created), tuple(increases), tuple(drift), tuple(unchanged)
    )


_ABSENT = frozenset({3, 17, 29})
"""Metadata error codes for a named topic that count as "not there": unknown topic, invalid
name, not authorised (a request for all topics leaves such topics out)."""


def _metadata_request(names: Collection[str]) -> MetadataRequest:
    """Metadata of ``names`` alone, and a missing one never created by the question."""
    return MetadataRequest(sorted(set(names)), allow_auto_topic_creation=False)


async def _topic_metadata(admin: Any, names: Collection[str]) -> list[dict[str, Any]]:
    """The metadata of those of ``names`` that exist, asking for them alone and never
    letting the broker create one."""
    if not names:
        return []
    response = await admin._send_request(_metadata_request(names))  # no public form
    topics: list[dict[str, Any]] = response.to_object()["topics"]
    return [t for t in topics if t["error_code"] not in _ABSENT]


async def _describe(admin: Any, names: Collection[str]) -> dict[str, ActualTopic]:
    metadata = await _topic_metadata(admin, names)
    configs = await _configs(admin, [t["topic"] for t in metadata])
    return {
        t["topic"]: ActualTopic(
            name=t["topic"],
            partitions=len(t["partitions"]),
            replication_factor=max((len(p["replicas"]) for p in t["partitions"]), default=0),
            configs=configs[t["topic"]][0],
            overrides=configs[t["topic"]][1],
        )
        for t in metadata
    }


async def _configs(
    admin: Any, names: Sequence[str]
) -> dict[str, tuple[dict[str, str], frozenset[str]]]:
    if not names:
        return {}
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    found: dict[str, tuple[dict[str, str], frozenset[str]]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.to_object()["resources"]:
            found[resource["resource_name"]] = _config_entries(resource)
    return found


def _config_entries(resource: dict[str, Any]) -> tuple[dict[str, str], frozenset[str]]:
    """Effective values, and the names set on the topic itself, from one DescribeConfigs result."""
    raise_for_code(resource["error_code"], f"describe configs of {resource['resource_name']}")
    entries = resource["config_entries"]
    values = {e["config_names"]: e["config_value"] or "" for e in entries}
    overrides = frozenset(
        e["config_names"] for e in entries if e["config_source"] == DYNAMIC_TOPIC_CONFIG
    )
    return values, overrides


async def _create(admin: Any, specs: Sequence[TopicSpec], timeout_s: float) -> set[str]:
    """Create ``specs``; return the names that already existed (not yet in our metadata view,
    or created by a concurrent apply)."""
    if not specs:
        return set()
    new_topics = [
        NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=s.configs) for s in specs
    ]
    response = await admin.create_topics(new_topics, timeout_ms=int(timeout_s * 1000))
    existed = set()
    for error in response.to_object()["topic_errors"]:
        if error["error_code"] == TOPIC_ALREADY_EXISTS:
            existed.add(error["topic"])
        else:
            raise_for_code(error["error_code"], f"create {error['topic']}", error["error_message"])
    return existed


async def _increase(admin: Any, increases: Sequence[PartitionIncrease], timeout_s: float) -> None:
    if not increases:
        return
    request = {i.topic: NewPartitions(i.after) for i in increases}
    try:
        await admin.create_partitions(request, timeout_ms=int(timeout_s * 1000))
    except KafkaError as exc:
        raise KafkaAdminError(f"could not add partitions: {exc}") from None


async def _wait_for_leaders(admin: Any, expected: dict[str, int], timeout_s: float) -> None:
    """Poll metadata until every topic in ``expected`` has that many partitions, all led."""
    deadline = time.monotonic() + timeout_s
    while expected:
        metadata = {t["topic"]: t["partitions"]
                    for t in await _topic_metadata(admin, expected)}
        expected = {
            name: count
            for name, count in expected.items()
            if len(metadata.get(name, [])) < count
            or any(p["leader"] < 0 for p in metadata.get(name, []))
        }
        if expected and time.monotonic() >= deadline:
            waiting = ", ".join(sorted(expected))
            raise KafkaAdminError(f"partitions without a leader after {timeout_s:.0f} s: {waiting}")
        if expected:
            await asyncio.sleep(0.2)
