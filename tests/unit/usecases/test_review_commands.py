"""Identity review commands on the in-memory log and store: answers to possible matches and
splits, checked against the store, keyed by child; and the inbox's review and split parts."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from structlog.testing import capture_logs

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.adapters.memory.store import InMemoryHubStore
from hub.domain.outputs import CommandRejected, ReviewPossibleMatch, SplitChild, TaskChanged
from hub.domain.outputs.codes import RejectionCode, TaskStatus, TaskType
from hub.domain.outputs.identity import IdentityDecisionKind
from hub.entrypoints.web.inbox.actions import chosen_records, notice_for
from hub.entrypoints.web.inbox.session import Pending, Session, SessionSigner
from hub.pages.environment import render
from hub.ports import PersonRecordView
from hub.topics_spec import load_topic_specs
from hub.usecases.identity_review_commands import (
    IdentityReviews,
    NotAReviewError,
    RecordsNotSplittableError,
    UnknownChildError,
    person_records,
)
from hub.usecases.publishing import Publisher
from hub.usecases.staff_commands import (
    MissingFieldError,
    StaffCommands,
    TaskFinishedError,
    UnknownTaskError,
)
from tests.conftest import REPO
from tests.contract import store_records as r
from tests.contract.store_records import CHILD

COMMANDS = "cin.hub.commands.v1"
NOW = datetime(2025, 9, 8, 10, 30, tzinfo=UTC)
CANDIDATE = "child-0009"
RECORDS = ("education-sen:SEN-REQ-1", "csc-lcs:LCS-7", "yjs:YOT-3")
RECORDS_ONE = [PersonRecordView("yjs:YOT-3", "yjs", CHILD)]


def review_task(task_id: str = "task-review", **changes: Any) -> TaskChanged:
    values: dict[str, Any] = {
        "task_type": TaskType.POSSIBLE_MATCH_REVIEW, "team": "Data Quality",
        "reference": "education-sen:SEN-REQ-1", "related_child_key": CANDIDATE,
    }
    return r.task(task_id, **(values | changes))


def holding(store: InMemoryHubStore, child_key: str, record_ids: tuple[str, ...]
            ) -> InMemoryHubStore:
    """The resolver's decisions that put ``record_ids`` under ``child_key``, applied."""
    store.apply_many([
        r.decision(f"id-{rid}", r.snapshot(rid, source_system=rid.split(":")[0]),
                   child_key=child_key, kind=IdentityDecisionKind.NEW if i == 0 else
                   IdentityDecisionKind.LINK) for i, rid in enumerate(record_ids)])
    return store


class StandIn(InMemoryHubStore):
    """A stand-in store without the person-record look-up: the inbox's fallback."""

    person_records = None  # type: ignore[assignment]


def filled(store: InMemoryHubStore) -> InMemoryHubStore:
    store.apply_many([
        review_task(),
        review_task("task-review-done", status=TaskStatus.DONE, version=2),
        review_task("task-review-blank", related_child_key=None),
        review_task("task-review-conflict", related_child_key=CHILD),
        r.task("task-sen", reference="req-1"),
    ])
    return store


@pytest.fixture
def log() -> InMemoryEventLog:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    return InMemoryEventLog({spec.name: spec.partitions for spec in specs})


def reviews_on(log: InMemoryEventLog, store: InMemoryHubStore, codec: AvroCodec
               ) -> IdentityReviews:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    return IdentityReviews(StaffCommands(Publisher(log, codec, specs), store, clock=lambda: NOW))


@pytest.fixture
def reviews(log: InMemoryEventLog, codec: AvroCodec) -> IdentityReviews:
    return reviews_on(log, filled(holding(InMemoryHubStore(), CHILD, RECORDS)), codec)


async def test_an_answer_names_the_tasks_child_and_candidate_keyed_by_the_child(
    reviews: IdentityReviews, log: InMemoryEventLog, codec: AvroCodec
):
    same = await reviews.answer_possible_match("task-review", True, " amira.k ", "cmd-1")
    await reviews.answer_possible_match("task-review", False, "amira.k", "cmd-2")
    assert same.topic == COMMANDS and same.task is not None
    assert same.task.task_id == "task-review"
    decoded = [(rec.key, codec.decode(rec.value)) for rec in await log.read_all(COMMANDS)]
    assert decoded == [
        (CHILD, ReviewPossibleMatch(command_id="cmd-1", child_key=CHILD,
                                    candidate_key=CANDIDATE, same_child=True, by="amira.k",
                                    decided_at=NOW)),
        (CHILD, ReviewPossibleMatch(command_id="cmd-2", child_key=CHILD,
                                    candidate_key=CANDIDATE, same_child=False, by="amira.k",
                                    decided_at=NOW)),
    ]


async def test_only_an_open_review_task_with_a_candidate_can_be_answered(
    reviews: IdentityReviews, log: InMemoryEventLog
):
    with pytest.raises(UnknownTaskError):
        await reviews.answer_possible_match("task-nope", True, "amira.k")
    with pytest.raises(TaskFinishedError, match="already DONE"):
        await reviews.answer_possible_match("task-review-done", True, "amira.k")
    with pytest.raises(NotAReviewError, match="not a possible-match review"):
        await reviews.answer_possible_match("task-sen", True, "amira.k")
    with pytest.raises(NotAReviewError, match="names no candidate child"):
        await reviews.answer_possible_match("task-review-blank", False, "amira.k")
    with pytest.raises(MissingFieldError, match="by"):
        await reviews.answer_possible_match("task-review", True, "  ")
    assert await log.read_all(COMMANDS) == []


async def test_a_conflict_review_naming_the_child_twice_can_be_answered(
    reviews: IdentityReviews, log: InMemoryEventLog, codec: AvroCodec
):
    """Records linked to a child despite a conflicting identifier (issue 10): the task names
    the child as its own candidate; "not the same" asks the resolver to split them out."""
    await reviews.answer_possible_match("task-review-conflict", False, "amira.k", "cmd-c")
    ((key, value),) = [(rec.key, rec.value) for rec in await log.read_all(COMMANDS)]
    assert key == CHILD
    assert codec.decode(value) == ReviewPossibleMatch(
        command_id="cmd-c", child_key=CHILD, candidate_key=CHILD, same_child=False,
        by="amira.k", decided_at=NOW)


async def test_a_split_names_the_records_once_keyed_by_the_child(
    reviews: IdentityReviews, log: InMemoryEventLog, codec: AvroCodec
):
    sent = await reviews.split_child(
        CHILD, [" education-sen:SEN-REQ-1", "yjs:YOT-3", "education-sen:SEN-REQ-1", ""],
        "amira.k", " Twins merged by mistake ", "cmd-split")
    assert sent.task is None and sent.topic == COMMANDS
    [record] = await log.read_all(COMMANDS)
    assert record.key == CHILD
    assert codec.decode(record.value) == SplitChild(
        command_id="cmd-split", child_key=CHILD,
        record_ids=("education-sen:SEN-REQ-1", "yjs:YOT-3"), by="amira.k",
        reason="Twins merged by mistake", decided_at=NOW)


async def test_a_split_is_refused_before_sending_when_it_cannot_be_right(
    reviews: IdentityReviews, log: InMemoryEventLog
):
    with pytest.raises(UnknownChildError, match="no child child-0404"):
        await reviews.split_child("child-0404", ["yjs:YOT-3"], "amira.k", "wrong child")
    with pytest.raises(MissingFieldError, match="reason"):
        await reviews.split_child(CHILD, ["yjs:YOT-3"], "amira.k", " ")
    with pytest.raises(MissingFieldError, match="at least one record"):
        await reviews.split_child(CHILD, [" "], "amira.k", "wrong child")
    with pytest.raises(RecordsNotSplittableError, match=r"not a record id.*: YOT-3"):
        await reviews.split_child(CHILD, ["YOT-3"], "amira.k", "wrong child")
    assert await log.read_all(COMMANDS) == []


async def test_a_split_of_records_the_child_does_not_hold_or_of_all_is_refused(
    reviews: IdentityReviews, log: InMemoryEventLog
):
    with pytest.raises(RecordsNotSplittableError, match="does not hold yjs:YOT-9"):
        await reviews.split_child(CHILD, ["yjs:YOT-3", "yjs:YOT-9"], "amira.k", "wrong")
    with pytest.raises(RecordsNotSplittableError, match="must leave child-0001 a record"):
        await reviews.split_child(CHILD, list(RECORDS), "amira.k", "wrong")
    assert await log.read_all(COMMANDS) == []
    sent = await reviews.split_child(CHILD, ["yjs:YOT-3"], "amira.k", "wrong")
    assert isinstance(sent.command, SplitChild) and sent.command.record_ids == ("yjs:YOT-3",)


async def test_the_audit_lines_carry_ids_only(reviews: IdentityReviews):
    with capture_logs() as lines:
        await reviews.answer_possible_match("task-review", True, "sam.t", "cmd-9")
        await reviews.split_child(CHILD, ["yjs:YOT-3"], "sam.t", "Not this child", "cmd-10")
        with pytest.raises(NotAReviewError):
            await reviews.answer_possible_match("task-sen", True, "sam.t")
    assert lines == [
        {"event": "staff command sent", "log_level": "info",
         "command_type": "ReviewPossibleMatch", "command_id": "cmd-9", "task_id": "task-review",
         "child_key": CHILD, "by": "sam.t"},
        {"event": "staff command sent", "log_level": "info", "command_type": "SplitChild",
         "command_id": "cmd-10", "child_key": CHILD, "by": "sam.t"},
        {"event": "staff command refused", "log_level": "warning", "action": "review",
         "task_id": "task-sen", "by": "sam.t", "why": "not a review task"},
    ]


def split_form(task: TaskChanged, records: list[PersonRecordView] | None, csrf: str) -> str:
    return render("_split.html", task=task, records=records, csrf=csrf)


def test_the_split_form_shows_record_ids_only():
    task = review_task()
    refs = [PersonRecordView(rid, rid.split(":")[0], CHILD) for rid in RECORDS]
    listed = split_form(task, refs, "tok")
    assert listed.count('type="checkbox"') == 3 and 'value="csc-lcs:LCS-7"' in listed
    assert "csc-lcs:LCS-7 (csc-lcs)" in listed and 'name="csrf" value="tok"' in listed
    typed = split_form(task, None, "tok")
    assert 'name="records"' in typed and "checkbox" not in typed
    assert "one person record: nothing to split" in split_form(task, RECORDS_ONE, "tok")
    assert "no person record in the hub store" in split_form(task, [], "tok")


def test_chosen_records_reads_ticked_boxes_and_typed_ids():
    form = {"csrf": "tok", "record-0": "yjs:YOT-3", "record-2": "csc-lcs:LCS-7",
            "records": "a:1, b:2\nc:3", "reason": "x"}
    assert chosen_records(form) == ["yjs:YOT-3", "csc-lcs:LCS-7", "a:1", "b:2", "c:3"]


def test_a_split_is_done_when_the_store_no_longer_lists_the_records_or_refused():
    store = holding(InMemoryHubStore(), CHILD, RECORDS)
    task = r.task("task-sen")
    pending = Pending("task-sen", "cmd-split", 1, time.time(), ("yjs:YOT-3",))
    assert notice_for(pending, task, store).kind == "waiting"
    store.apply(r.decision("s-1", r.snapshot("yjs:YOT-3", source_system="yjs"),
                           kind=IdentityDecisionKind.SPLIT, child_key="child-0010",
                           candidate_key=CHILD, record_ids=("yjs:YOT-3",)))  # the resolver's
    assert notice_for(pending, task, store).kind == "done"
    plain = filled(StandIn())
    assert person_records(plain, CHILD) is None
    late = Pending("task-sen", "cmd-split", 1, time.time() - 120, ("yjs:YOT-3",))
    assert notice_for(late, task, plain).kind == "sent"
    plain.apply(CommandRejected(
        command_id="cmd-split", command_type="SplitChild", child_key=CHILD, target_id=CHILD,
        reason_code=RejectionCode.NOT_IN_CHILD, reason="child-0001 does not hold yjs:YOT-3",
        rejected_at=NOW))
    refused = notice_for(late, task, plain)
    assert (refused.kind, refused.text) == (
        "rejected", "The hub refused this: child-0001 does not hold yjs:YOT-3.")


def test_the_session_cookie_keeps_a_splits_record_ids():
    signer = SessionSigner(b"0123456789abcdef")
    pending = Pending("task-sen", "cmd-split", 1, 1.0, ("yjs:YOT-3", "csc-lcs:LCS-7"))
    session = Session.anonymous().signed_in("amira.k")
    loaded = signer.loads(signer.dumps(replace(session, pending=pending)))
    assert loaded is not None and loaded.pending == pending
