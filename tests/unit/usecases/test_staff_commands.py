"""Staff commands on the in-memory log and store: checked against the store, keyed by child."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.adapters.memory.store import InMemoryHubStore
from hub.domain.outputs import CancelTask, ClaimTask, CompleteTask, RecordSenParticipation
from hub.domain.outputs.codes import TaskStatus, TaskType
from hub.topics_spec import load_topic_specs
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import (
    MissingFieldError,
    NothingToDoError,
    StaffCommands,
    TaskFinishedError,
    UnknownTaskError,
)
from tests.conftest import REPO
from tests.contract import store_records as r
from tests.contract.store_records import CHILD

COMMANDS = "cin.hub.commands.v1"
NOW = datetime(2025, 9, 8, 10, 30, tzinfo=UTC)


@pytest.fixture
def log() -> InMemoryEventLog:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    return InMemoryEventLog({spec.name: spec.partitions for spec in specs})


@pytest.fixture
def store() -> InMemoryHubStore:
    filled = InMemoryHubStore()
    filled.apply_many([
        r.task("task-sen", reference="req-1"),
        r.task("task-caf", task_type=TaskType.CAF_REFERRAL_SCREENING, team="Front Door",
               child_key="child-0002"),
        r.task("task-done", status=TaskStatus.DONE, version=3),
        r.task("task-held", status=TaskStatus.CLAIMED, assignee="amira.k", version=2),
    ])
    return filled


@pytest.fixture
def staff(log: InMemoryEventLog, store: InMemoryHubStore, codec: AvroCodec) -> StaffCommands:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    return StaffCommands(Publisher(log, codec, specs), store, clock=lambda: NOW)


async def test_a_claim_is_encoded_and_keyed_by_the_child_on_the_commands_topic(
    staff: StaffCommands, log: InMemoryEventLog, codec: AvroCodec
):
    sent = await staff.claim("task-caf", by=" sam.t ")
    assert sent.topic == COMMANDS
    [record] = await log.read_all(COMMANDS)
    assert record.key == "child-0002"
    assert codec.decode(record.value) == ClaimTask(
        command_id=sent.command.command_id, child_key="child-0002", task_id="task-caf",
        by="sam.t", sent_at=NOW)
    assert len(sent.command.command_id) == 36  # a uuid4 minted for this command


async def test_complete_and_cancel_carry_their_text_and_a_caller_supplied_id(
    staff: StaffCommands, log: InMemoryEventLog, codec: AvroCodec
):
    await staff.complete("task-held", "amira.k", "Reviewed; no further action", "cmd-1")
    await staff.cancel("task-sen", "amira.k", "Raised twice", "cmd-2")
    decoded = [codec.decode(rec.value) for rec in await log.read_all(COMMANDS)]
    assert decoded == [
        CompleteTask(command_id="cmd-1", child_key=CHILD, task_id="task-held", by="amira.k",
                     outcome="Reviewed; no further action", sent_at=NOW),
        CancelTask(command_id="cmd-2", child_key=CHILD, task_id="task-sen", by="amira.k",
                   reason="Raised twice", sent_at=NOW),
    ]


async def test_an_unknown_task_is_a_clear_error_and_nothing_is_published(
    staff: StaffCommands, log: InMemoryEventLog
):
    with pytest.raises(UnknownTaskError, match="no task task-nope in the hub store"):
        await staff.claim("task-nope", by="sam.t")
    with pytest.raises(UnknownTaskError, match="child-0002 has no open SEN participation"):
        await staff.sen_participation("child-0002", "req-1", True, by="sam.t")
    assert await log.read_all(COMMANDS) == []


async def test_finished_tasks_blank_text_and_no_op_claims_are_not_sent(
    staff: StaffCommands, log: InMemoryEventLog
):
    with pytest.raises(TaskFinishedError, match="already DONE"):
        await staff.cancel("task-done", "sam.t", "duplicate")
    with pytest.raises(MissingFieldError, match="outcome"):
        await staff.complete("task-sen", "sam.t", "   ")
    with pytest.raises(MissingFieldError, match="by"):
        await staff.claim("task-sen", by="")
    with pytest.raises(NothingToDoError):
        await staff.claim("task-held", by="amira.k")
    assert await log.read_all(COMMANDS) == []


async def test_an_sen_decision_names_the_request_and_finds_its_task(
    staff: StaffCommands, log: InMemoryEventLog, codec: AvroCodec
):
    sent = await staff.sen_participation(CHILD, "req-1", False, by="amira.k",
                                         command_id="cmd-sen")
    assert sent.task.task_id == "task-sen"
    [record] = await log.read_all(COMMANDS)
    assert record.key == CHILD
    assert codec.decode(record.value) == RecordSenParticipation(
        command_id="cmd-sen", child_key=CHILD, request_record_id="req-1",
        will_participate=False, by="amira.k", decided_at=NOW)
    with pytest.raises(UnknownTaskError):
        await staff.sen_participation(CHILD, "req-other", True, by="amira.k")


async def test_the_audit_lines_carry_ids_only(staff: StaffCommands):
    with capture_logs() as lines:
        await staff.claim("task-caf", by="sam.t", command_id="cmd-9")
        with pytest.raises(UnknownTaskError):
            await staff.claim("task-nope", by="sam.t")
    sent, refused = lines
    assert sent == {
        "event": "staff command sent", "log_level": "info", "command_type": "ClaimTask",
        "command_id": "cmd-9", "task_id": "task-caf", "child_key": "child-0002", "by": "sam.t",
    }
    assert refused == {
        "event": "staff command refused", "log_level": "warning", "action": "claim",
        "task_id": "task-nope", "by": "sam.t", "why": "unknown task",
    }
