"""Wire and run the worker's stages until stopped, or until drained: all three in one
process, or some of them (``hub worker --stage children``: each stage in its own process, so
a machine's cores or several machines share the work; docs/worker.md, "Stages in separate
processes").

Every stage reads through its own consumer group (``<app id>-resolver``, ``<app id>``,
``<app id>-sink``) with all partitions assigned to this process: run one worker per
namespace. The children stage's two state tables are restored from their changelog topics
(``<app id>-child-state-changelog``: per child its state, episodes and facts in one record;
``<app id>-episode-owners-changelog``) before anything is read: into the files kept for them
in ``HUB_TABLES_DIR`` (``.hub/state/tables``), reading only what the changelogs gained since
(``state_table.KeptBytes``). A process without the children stage holds no tables.
SIGTERM or SIGINT stops the stages after their current batch is made durable.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from hub.adapters.kafka.admin import apply_topics, unknown_to_some_broker
from hub.adapters.kafka.client import cluster_answers
from hub.adapters.kafka.connection import client_kwargs
from hub.adapters.kafka.consumer_lag import group_marks
from hub.adapters.kafka.lease import KafkaLease
from hub.adapters.kafka.merged_feed import MergedFeed
from hub.adapters.kafka.transactional import transactional_writer
from hub.adapters.prometheus_metrics import set_restore
from hub.config import Settings
from hub.domain.identity.resolution import Resolution
from hub.domain.topic_access import WORKER
from hub.entrypoints.web.readiness import ReadyCheck
from hub.entrypoints.worker.drain import DrainWatch
from hub.entrypoints.worker.health import serve_health
from hub.entrypoints.worker.metrics_refresh import refresh_metrics
from hub.entrypoints.worker.resolver_stage import UNSETTLED, ResolverStage
from hub.entrypoints.worker.stage import Stage
from hub.entrypoints.worker.stages import ChildStage, ChildTables, SinkStage
from hub.entrypoints.worker.standby import LEASE_LOST_EXIT, LeasedResolverStage, WarmIndex
from hub.entrypoints.worker.state_table import kept_or_temporary
from hub.logging import get_logger
from hub.ports import HubStore
from hub.topics_spec import TopicSpec
from hub.usecases.actor_check import ActorDirectory
from hub.usecases.worker_steps import Router, sink_topics

log = get_logger(__name__)
CHANGELOG_PARTITIONS = 6


@dataclass(frozen=True)
class Groups:
    app_id: str

    @property
    def resolver(self) -> str:
        return f"{self.app_id}-resolver"

    @property
    def children(self) -> str:
        return self.app_id

    @property
    def sink(self) -> str:
        return f"{self.app_id}-sink"

    def changelog(self, table: str) -> str:
        return f"{self.app_id}-{table}-changelog"


def group_inputs(router: Router, groups: Groups) -> dict[str, list[str]]:
    """What each consumer group reads: the drain check compares their commits to the ends."""
    return {
        groups.resolver: router.resolver_inputs,
        groups.children: [router.topic("ResolvedEvent")],
        groups.sink: sink_topics(router),
    }


def _changelog_spec(name: str, replication: int) -> TopicSpec:
    return TopicSpec(
        name=name, partitions=CHANGELOG_PARTITIONS, replication_factor=replication,
        cleanup_policy="compact", key="hub child key (episode or task id for episode-owners)",
        value=("state JSON",),
        flow="worker state table -> the same table after a restart",
    )


def ready_checks(settings: Settings, store: HubStore) -> dict[str, ReadyCheck]:
    """``/readyz``: the broker answers a metadata request; the hub store answers a lookup."""
    async def broker() -> bool:
        return await cluster_answers(settings.kafka_for(WORKER), timeout_s=2.0)

    async def store_answers() -> bool:
        await asyncio.to_thread(store.task, "readyz-probe")
        return True

    return {"broker": broker, "store": store_answers}


async def _until_every_node_knows(settings: Settings, topics: list[str],
                                  timeout_s: float = 30.0) -> None:
    """Wait until every broker lists the changelogs just created: on a cluster, a busy node
    may learn of a new topic seconds after the node that created it, and the restore, asking
    whichever node is least loaded, would fail with "unknown topic". (Asking one fresh client
    was not enough: it tells what one node knows, and the restore may ask another.)"""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        missing = await unknown_to_some_broker(settings.kafka_for(WORKER), topics)
        if not missing:
            return
        if asyncio.get_running_loop().time() >= deadline:
            raise RuntimeError(f"changelog topics still unknown after {timeout_s:.0f} s: "
                               f"{', '.join(missing)}")
        await asyncio.sleep(0.2)


STAGES = ("resolver", "children", "sink")
"""The stages in the order records flow through them (``hub worker --stage``)."""


def watched_groups(groups: Groups, stages: Collection[str]) -> list[str]:
    """The consumer groups whose lag a process running ``stages`` waits for when it runs
    until drained: its own and every group upstream of them (a children stage in its own
    process is not drained while the resolver still has records to send it)."""
    last = max(STAGES.index(s) for s in stages)
    return [getattr(groups, s) for s in STAGES[: last + 1]]


def unknown_stage(stages: Collection[str]) -> str | None:
    """Why ``stages`` cannot be run (an unknown name, or none at all), or None."""
    unknown = sorted(set(stages) - set(STAGES))
    if unknown or not stages:
        return (f"unknown stage {unknown[0] if unknown else '(none)'!r}: "
                f"choose from {', '.join(STAGES)}")
    return None


def _settle_when_idle(settings: Settings) -> float | None:
    return settings.identity_settle_idle_s if settings.identity_settle else None


def _remote_settled(settings: Settings, groups: Groups,
                    inputs: list[str]) -> Callable[[], Awaitable[bool]]:
    """Whether the resolver, running in another process, has settled what it resolved: none
    of its committed offsets on its ``inputs`` carries the mark ``unsettled``."""
    async def settled() -> bool:
        marks = await group_marks(settings.kafka_for(WORKER), groups.resolver, inputs)
        return UNSETTLED not in marks
    return settled


def _resolver_stage(settings: Settings, feed: MergedFeed, producer: AIOKafkaProducer,
                    router: Router, *, resolution: Resolution | None,
                    actors: ActorDirectory) -> ResolverStage:
    if resolution is None:
        raise ValueError("the resolver stage needs the identity index (a Resolution)")
    resolver = ResolverStage(feed, producer, router, resolution, actors)
    resolver.settle_when_idle = _settle_when_idle(settings)
    resolver.settle_at_latest = settings.identity_settle_at_latest_s
    return resolver


async def _leased_resolver(settings: Settings, app_id: str, feed: MergedFeed, router: Router,
                           actors: ActorDirectory) -> LeasedResolverStage:
    """The resolver behind its lease (created if new), on a producer that fences the last
    holder's (``<app id>-resolver``), its index warmed from the decision log."""
    bootstrap = settings.kafka_for(WORKER)
    topic = f"{app_id}-resolver-lease"
    await apply_topics(bootstrap, [TopicSpec(
        name=topic, partitions=1, replication_factor=settings.replication_factor,
        key="(none: nothing is written)", value=("(none)",),
        flow="membership of its consumer group is the resolver's lease")])
    producer = AIOKafkaProducer(
        **client_kwargs(bootstrap), acks="all", enable_idempotence=True,
        transactional_id=f"{app_id}-resolver", linger_ms=5)
    stage = LeasedResolverStage(
        feed, producer, router, actors, lease=KafkaLease(bootstrap, topic, topic),
        warm=WarmIndex(bootstrap, router.topic("IdentityDecisionMade"), router))
    stage.settle_when_idle = _settle_when_idle(settings)
    stage.settle_at_latest = settings.identity_settle_at_latest_s
    return stage


async def _restore(settings: Settings, tables: ChildTables, groups: Groups,
                   since: Callable[[], float]) -> None:
    """The children stage's state tables, from their changelogs (created if new)."""
    await apply_topics(settings.kafka_for(WORKER), [
        _changelog_spec(t.topic, settings.replication_factor) for t in tables.all
    ])
    log.info("changelog topics applied", seconds=since())
    await _until_every_node_knows(settings, [t.topic for t in tables.all])
    log.info("changelog topics known", seconds=since())
    restored: dict[str, int] = {}
    for table in tables.all:
        began = asyncio.get_running_loop().time()
        restored[table.name] = await table.restore(settings.kafka_for(WORKER))
        set_restore(table.name, asyncio.get_running_loop().time() - began,
                    table.read_at_restore, table.restored_from_kept)
    if not len(tables.record):
        upgraded = await tables.adopt_legacy(settings.kafka_for(WORKER), groups.changelog)
        if upgraded:
            log.info("state taken over from the separate changelogs", children=upgraded)
    log.info("state restored", seconds=since(), **restored)


def _drain_watch(settings: Settings, groups: Groups, inputs: dict[str, list[str]],
                 stages: Collection[str], stall_after: float, *,
                 local: ResolverStage | None) -> DrainWatch:
    """What ``--until-drained`` waits for: the groups of ``stages`` and those upstream, and
    the resolver settled (``local``'s flag, or the marks its process committed)."""
    remote = _remote_settled(settings, groups, inputs[groups.resolver])

    async def settled() -> bool:
        return local.settled if local is not None else await remote()

    watched = {g: inputs[g] for g in watched_groups(groups, stages)}
    return DrainWatch(settings.kafka_for(WORKER), watched, stall_after, settled=settled)


def _serve_health(settings: Settings, store: HubStore, running: list[Stage],
                  inputs: dict[str, list[str]], port: int) -> list[asyncio.Task[None]]:
    """``/healthz``, ``/readyz`` and ``/metrics`` on ``port``, metrics refreshed."""
    by_stage = {s.name: (s.feed.group_id, inputs[s.feed.group_id]) for s in running}
    return [
        asyncio.create_task(serve_health(
            port, running, ready_checks(settings, store))),
        asyncio.create_task(refresh_metrics(settings.kafka_for(WORKER), by_stage, running,
                                            store, every=settings.worker_metrics_refresh_s)),
    ]


async def run_worker(
    settings: Settings, router: Router, resolution: Resolution | None, store: HubStore,
    app_id: str, *, actors: ActorDirectory, until_drained: bool = False,
    stall_after: float = 300.0, stages: Collection[str] = STAGES, lease: bool = False,
) -> int:
    """Run ``stages`` (all three by default) until a signal (exit 0), until drained (0), or
    until stalled (3). ``resolution`` is needed only when the resolver is among them, and not
    with ``lease`` (the resolver behind a lease, with a warm standby: ``standby``; exit 4
    when the lease was lost)."""
    if (refused := unknown_stage(stages)) is not None:
        raise ValueError(refused)
    groups = Groups(app_id)
    began = asyncio.get_running_loop().time()

    def since() -> float:
        return round(asyncio.get_running_loop().time() - began, 1)

    state_producer: AIOKafkaProducer | None = None
    tables: ChildTables | None = None
    if "children" in stages:  # only the children stage holds tables (and their files)
        tables = ChildTables.named(groups.changelog, kept_or_temporary(settings.tables_dir))
        state_producer = AIOKafkaProducer(
            **client_kwargs(settings.kafka_for(WORKER)), acks="all", enable_idempotence=True,
            transactional_id=f"{app_id}-state",
        )
        # fence the predecessor first (aborting what it left open), then restore: a process
        # cut off, not dead, can then add nothing to the changelogs after they were read
        await state_producer.start()
        await _restore(settings, tables, groups, since)
    producer = AIOKafkaProducer(
        **client_kwargs(settings.kafka_for(WORKER)), acks="all", enable_idempotence=True,
        linger_ms=5,
    )
    await producer.start()
    inputs = group_inputs(router, groups)

    def feed(group: str) -> MergedFeed:
        return MergedFeed(settings.kafka_for(WORKER), inputs[group], group)

    resolver: ResolverStage | None = None
    if "resolver" in stages:
        resolver = await _leased_resolver(
            settings, app_id, feed(groups.resolver), router, actors,
        ) if lease else _resolver_stage(settings, feed(groups.resolver), producer, router,
                                        resolution=resolution, actors=actors)
    running: list[Stage] = [resolver] if resolver is not None else []
    if state_producer is not None and tables is not None:
        running.append(ChildStage(feed(groups.children), producer, router, tables,
                                  write_state=transactional_writer(state_producer)))
    if "sink" in stages:
        running.append(SinkStage(feed(groups.sink), producer, router, store))
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    # a leased resolver may be a standby: what counts is what the holder committed
    watch = _drain_watch(settings, groups, inputs, stages, stall_after,
                         local=None if lease else resolver)
    helpers = [asyncio.create_task(watch.run(stopping))] if until_drained else []
    if settings.worker_web_port is not None:
        helpers += _serve_health(settings, store, running, inputs, settings.worker_web_port)

    async def run(stage: Stage) -> None:
        try:
            await stage.run(stopping)
        except BaseException:
            stopping.set()  # one stage down stops the others cleanly (batches made durable)
            raise

    try:
        await asyncio.gather(*(run(s) for s in running))
    finally:
        for task in helpers:
            task.cancel()
        await producer.stop()
        if state_producer is not None:
            await state_producer.stop()
        if tables is not None:
            tables.close()
    log.info("worker stopped", **{s.name: s.processed for s in running})
    if isinstance(resolver, LeasedResolverStage) and resolver.lost:
        return LEASE_LOST_EXIT
    return 3 if watch.stalled else 0
