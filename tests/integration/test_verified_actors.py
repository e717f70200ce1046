"""Verified actors on the real broker with the real worker (issue 10, probe 3).

``hub task claim ... --by ghost.not-a-user`` is refused before anything is sent; a claim by
the same ghost written straight to the commands topic (as anyone able to write there could) is
answered by the worker with a ``CommandRejected`` the store shows, and the task is untouched;
a claim by a practitioner from the staff directory is applied.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.store.sql.store import SqlHubStore
from hub.domain.outputs import ClaimTask
from hub.domain.outputs.codes import RejectionCode, TaskStatus
from hub.domain.routing import output_key
from tests.integration.kafka_fixtures import as_role
from tests.integration.worker_harness import (
    Authority,
    publish_authority,
    records_in,
    run_worker_until_drained,
)

pytestmark = pytest.mark.integration
COMMANDS = "cin.hub.commands.v1"


def _hub(authority: Authority, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**authority.env("inbox"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "hub", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.timeout(900)
def test_a_ghost_actor_is_refused_and_nothing_is_applied(
    kafka_broker, tmp_path, codec: AvroCodec
) -> None:
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-actors", children=80))
    authority.add_staff("pat.worker", "practitioner")
    authority.add_staff("ada.admin", "admin")  # known, but admin is not casework
    run_worker_until_drained(authority)
    store = SqlHubStore(authority.database)
    task = next(t for t in store.open_tasks() if t.status is TaskStatus.OPEN)
    commands = authority.topic(COMMANDS)

    refused = _hub(authority, "task", "claim", task.task_id, "--by", "ghost.not-a-user")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "no such user" in refused.stderr
    assert asyncio.run(records_in(authority.bootstrap, commands)) == 0

    forged = ClaimTask(command_id="forged-1", child_key=task.child_key, task_id=task.task_id,
                       by="ghost.not-a-user", sent_at=datetime.now(UTC))
    wrong_role = forged.model_copy(update={"command_id": "forged-2", "by": "ada.admin"})

    async def forge() -> None:
        async with KafkaEventLog(as_role(authority.bootstrap, "inbox")) as log:
            for command in (forged, wrong_role):
                await log.append(commands, output_key(command), codec.encode(command))

    asyncio.run(forge())
    run_worker_until_drained(authority)
    for command_id, code in (("forged-1", RejectionCode.UNKNOWN_ACTOR),
                             ("forged-2", RejectionCode.NOT_PERMITTED)):
        rejection = store.rejection(command_id)
        assert rejection is not None, command_id
        assert rejection.reason_code is code
    untouched = store.task(task.task_id)
    assert untouched is not None
    assert (untouched.status, untouched.assignee) == (TaskStatus.OPEN, None)

    claimed = _hub(authority, "task", "claim", task.task_id, "--by", "pat.worker")
    assert claimed.returncode == 0, claimed.stdout + claimed.stderr
    run_worker_until_drained(authority)
    applied = store.task(task.task_id)
    assert applied is not None
    assert (applied.status, applied.assignee) == (TaskStatus.CLAIMED, "pat.worker")
    store.close()
