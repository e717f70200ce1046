"""Keeps the worker's Prometheus gauges current while it runs (scraped at ``/metrics``).

Every ``every`` seconds: records processed per stage (from the stages), consumer lag per
stage (committed offsets against end offsets, per consumer group) and open and overdue tasks
by type (from the hub store). A failed refresh is logged and tried again next time: metrics
never stop the worker.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.consumer_lag import group_lag
from hub.adapters.prometheus_metrics import CONSUMER_LAG, RECORDS_PROCESSED, set_task_counts
from hub.entrypoints.worker.health import Counted
from hub.logging import get_logger
from hub.ports import HubStore

log = get_logger(__name__)


def task_counts(store: HubStore, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """Open (and claimed) tasks by type, and how many of them are past their due date."""
    open_tasks = store.open_tasks()
    opened = Counter(str(t.task_type) for t in open_tasks)
    overdue = Counter(str(t.task_type) for t in open_tasks if t.due_date < today)
    return dict(opened), dict(overdue)


async def refresh_once(
    kafka: KafkaTarget, groups: Mapping[str, tuple[str, list[str]]], stages: Sequence[Counted],
    store: HubStore | None,
) -> None:
    """``kafka``: the worker's own connection (on a secured cluster only the worker may read
    its groups' offsets); ``groups``: stage name -> (consumer group, the topics it reads)."""
    for stage in stages:
        RECORDS_PROCESSED.labels(stage=stage.name).set(stage.processed)
    for name, (group, topics) in groups.items():
        CONSUMER_LAG.labels(stage=name).set(await group_lag(kafka, group, topics))
    if store is not None:
        set_task_counts(*task_counts(store, date.today()))


async def refresh_metrics(
    kafka: KafkaTarget, groups: Mapping[str, tuple[str, list[str]]], stages: Sequence[Counted],
    store: HubStore | None, every: float = 5.0,
) -> None:
    while True:
        try:
            await refresh_once(kafka, groups, stages, store)
        except Exception as exc:  # a broker outage: report it, keep going
            log.warning("metrics refresh failed", error=type(exc).__name__)
        await asyncio.sleep(every)
