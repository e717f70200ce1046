"""Verified actors: a staff command counts only from a known user whose role allows it."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.keys.staff_roles import SqliteStaffRoles
from hub.adapters.keys.staff_users import SqliteStaffUsers
from hub.adapters.memory.log import InMemoryEventLog
from hub.adapters.memory.store import InMemoryHubStore
from hub.domain.commands import SplitChild
from hub.domain.outputs import ClaimTask
from hub.domain.outputs.codes import RejectionCode
from hub.domain.outputs.tasks import CommandRejected
from hub.domain.staff_roles import ACTION_ROLES, ROLES, command_allowed
from hub.topics_spec import load_topic_specs
from hub.usecases.actor_check import actor_refusal, actor_rejection, unverified_command
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import ActorRefusedError, StaffCommands
from hub.usecases.worker_steps import Incoming, Router
from tests.conftest import REPO
from tests.contract import store_records as r

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Directory:
    def __init__(self, users: dict[str, frozenset[str]]) -> None:
        self.users = users

    def roles_of(self, user_id: str) -> frozenset[str] | None:
        return self.users.get(user_id)


DIRECTORY = Directory({
    "pat.worker": frozenset({"practitioner"}),
    "dee.officer": frozenset({"data_officer"}),
    "ada.admin": frozenset({"admin"}),
})


def _claim(by: str) -> ClaimTask:
    return ClaimTask(command_id="c-1", child_key="child-1", task_id="t-1", by=by, sent_at=NOW)


def test_every_action_needs_a_known_role_and_unknown_actions_need_the_impossible() -> None:
    assert set().union(*ACTION_ROLES.values()) <= ROLES
    assert command_allowed("ClaimTask", frozenset({"practitioner"}))
    assert not command_allowed("SplitChild", frozenset({"practitioner", "admin"}))
    assert not command_allowed("DeleteEverything", ROLES)


def test_unknown_actor_and_wrong_role_are_told_apart() -> None:
    assert actor_refusal(DIRECTORY, "ClaimTask", "ghost.not-a-user") is RejectionCode.UNKNOWN_ACTOR
    assert actor_refusal(DIRECTORY, "ClaimTask", "  ") is RejectionCode.UNKNOWN_ACTOR
    assert actor_refusal(DIRECTORY, "ClaimTask", "ada.admin") is RejectionCode.NOT_PERMITTED
    assert actor_refusal(DIRECTORY, "ClaimTask", "pat.worker") is None
    assert actor_refusal(DIRECTORY, "SplitChild", "dee.officer") is None


def test_the_worker_answers_a_forged_command_with_a_rejection_only(codec: AvroCodec) -> None:
    specs = list(load_topic_specs(REPO / "topics.yaml", ""))
    router = Router(codec, specs, specs)
    forged = Incoming("cin.hub.commands.v1", 0, 7, "child-1",
                      codec.encode(_claim("ghost.not-a-user")))
    refused = unverified_command(DIRECTORY, router.commands_topic, router.arrive(forged))
    assert refused is not None
    topic, key, value = router.route(refused)
    assert (topic, key) == ("cin.hub.command-results.v1", "child-1")
    rejected = codec.decode(value)
    assert isinstance(rejected, CommandRejected)
    assert rejected.reason_code is RejectionCode.UNKNOWN_ACTOR
    assert rejected.rejected_at == NOW  # the command's own time: a replay decides the same
    genuine = Incoming("cin.hub.commands.v1", 0, 8, "child-1", codec.encode(_claim("pat.worker")))
    assert unverified_command(DIRECTORY, router.commands_topic, router.arrive(genuine)) is None


def test_a_split_by_a_practitioner_is_not_permitted() -> None:
    split = SplitChild(command_id="s-1", child_key="child-1", record_ids=["r-1"],
                       by="pat.worker", reason="wrong", decided_at=NOW)
    rejected = actor_rejection(DIRECTORY, split, NOW)
    assert rejected is not None and rejected.reason_code is RejectionCode.NOT_PERMITTED


async def test_the_cli_service_refuses_a_ghost_and_sends_nothing(codec: AvroCodec) -> None:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})
    store = InMemoryHubStore()
    store.apply_many([r.task("task-caf")])
    staff = StaffCommands(Publisher(log, codec, specs), store, clock=lambda: NOW,
                          actors=DIRECTORY)
    with pytest.raises(ActorRefusedError, match="no such user"):
        await staff.claim("task-caf", by="ghost.not-a-user")
    assert await log.read_all("cin.hub.commands.v1") == []
    await staff.claim("task-caf", by="pat.worker")
    assert len(await log.read_all("cin.hub.commands.v1")) == 1


def test_roles_live_beside_the_inbox_users_in_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "inbox_users.db"
    roles = SqliteStaffRoles(path)
    assert roles.roles_of("sam") is None  # no file yet: nobody
    SqliteStaffUsers(path).add("sam", "Front Door", NOW, role="data_officer")
    assert roles.roles_of("sam") == frozenset({"data_officer"})  # the role the inbox gave
    with pytest.raises(ValueError, match="no user"):
        roles.grant("ghost", "practitioner")
    with pytest.raises(ValueError, match="unknown role"):
        roles.grant("sam", "superuser")
    roles.grant("sam", "practitioner")
    assert roles.roles_of("sam") == frozenset({"data_officer", "practitioner"})
    roles.revoke("sam", "practitioner")
    assert roles.roles_of("sam") == frozenset({"data_officer"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
