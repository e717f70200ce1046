"""Issue 5: the worker's sink on PostgreSQL, as production runs it (docker-compose.yml).

The same synthetic authority is processed twice on the real broker: by a worker writing to
SQLite, and by a second worker (its own namespace, app id and changelogs, reading the same
source topics, as ``hub replay`` runs it) writing to a PostgreSQL database. The two stores
must answer the same (tasks, episodes, flags, timelines, person records), and the census
compiled from each database must be byte-identical.
"""

from __future__ import annotations

import asyncio

import pytest

from hub.adapters.store.sql.store import SqlHubStore
from hub.domain.topic_access import ADMIN
from tests.integration.worker_harness import (
    census_from_database,
    hub_cli,
    publish_authority,
    run_worker_until_drained,
)

pytestmark = pytest.mark.integration
def _answers(url: str) -> dict[str, object]:
    store = SqlHubStore(url)
    try:
        tasks = sorted(store.open_tasks(), key=lambda t: t.task_id)
        keys = sorted({t.child_key for t in tasks})[:40]
        return {
            "tasks": tasks,
            "episodes": {k: sorted(store.episodes(k), key=lambda e: e.episode_id) for k in keys},
            "flags": {k: store.flags(k) for k in keys},
            "timeline": {k: store.timeline(k) for k in keys},
            "records": {k: store.person_records(k) for k in keys},
        }
    finally:
        store.close()


@pytest.mark.timeout(900)
def test_the_sink_writes_the_same_on_postgresql_as_on_sqlite(
    kafka_broker, tmp_path, new_postgres_database
):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-pg", children=200))
    run_worker_until_drained(authority)
    replay = {"HUB_TOPIC_NAMESPACE": "it-pg-2", "HUB_SOURCE_NAMESPACE": "it-pg",
              "HUB_DATABASE_URL": new_postgres_database()}
    postgres = {**authority.env(), **replay}
    hub_cli({**authority.env(ADMIN), **replay}, "topics", "apply")  # an operator's command
    hub_cli(postgres, "worker", "--until-drained")
    answers = _answers(authority.database)
    assert answers["tasks"] and any(answers["episodes"].values())  # something to compare
    assert _answers(postgres["HUB_DATABASE_URL"]) == answers
    assert census_from_database(postgres, tmp_path / "pg") == census_from_database(
        authority.env(), tmp_path / "lite")
