"""The resolver's handling of a reviewer's answer, without a broker: which messages are
reviews, what a refusal sends, and what a carried-out merge sends downstream."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.domain.child.tasks import task_id_for
from hub.domain.commands import CancelTask, ClaimTask, PossibleMatchRaised, ReviewPossibleMatch
from hub.domain.identity.resolution import Resolution, ReviewChange, Settling
from hub.domain.identity.review import ReviewRejected
from hub.domain.identity.review_result import ReviewResult
from hub.domain.outputs.codes import TaskType
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.domain.outputs.reset import ChildReset
from hub.domain.outputs.tasks import CommandRejected
from hub.topics_spec import load_topic_specs
from hub.usecases.review_steps import (
    SETTLED_BY,
    replay_order,
    review_command,
    review_outputs,
    review_rejected,
    settle_outputs,
)
from hub.usecases.worker_steps import Forward, Incoming, Router
from tests.conftest import REPO
from tests.unit.usecases.test_worker_steps import _example, resolve

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def router(codec: AvroCodec) -> Router:
    return Router(codec, list(load_topic_specs(REPO / "topics.yaml")))


def _review(child: str, candidate: str) -> ReviewPossibleMatch:
    return ReviewPossibleMatch(command_id="r-1", child_key=child, candidate_key=candidate,
                               same_child=True, by="amira.khan", decided_at=AT)


def test_only_a_review_on_the_command_topic_is_a_review(router, codec):
    review = codec.encode(_review("CH-a", "CH-b"))
    claim = codec.encode(ClaimTask(command_id="c", child_key="CH-a", task_id="t", by="x",
                                   sent_at=AT))
    commands = router.topic("ClaimTask")
    def command(message: Incoming) -> object:
        return review_command(router.commands_topic, router.arrive(message))

    assert command(Incoming(commands, 0, 1, "CH-a", review)) == _review("CH-a", "CH-b")
    assert command(Incoming(commands, 0, 2, "CH-a", claim)) is None
    assert command(Incoming(router.topic("ResolvedEvent"), 0, 3, "k", review)) is None
    assert command(Incoming(commands, 0, 4, "CH-a", b"junk")) is None


def test_a_refused_review_is_one_command_rejected_with_its_reason(router, codec):
    with pytest.raises(ReviewRejected) as refused:
        Resolution().review(_review("CH-nobody", "CH-none"), AT)
    [(topic, key, value)] = [router.route(review_rejected(
        _review("CH-nobody", "CH-none"), refused.value.code, refused.value.reason))]
    rejected = codec.decode(value)
    assert topic == router.topic("CommandRejected") and key == "CH-nobody"
    assert isinstance(rejected, CommandRejected)
    assert rejected.reason_code.value == refused.value.code == "UNKNOWN_CHILD"


def test_a_merge_sends_decisions_resets_then_the_survivors_events_in_order(router, codec):
    resolution = Resolution()
    first, second = _example("YotReferralMade"), _example("SenAssessmentRequested")
    sent = [resolve(router, resolution, Incoming("src", 0, i, "k", codec.encode(e)))
            for i, e in enumerate((first, second))]
    keys = [s[-1][1] for s in sent]
    if keys[0] == keys[1]:
        pytest.fail("the two examples resolved to one child: pick two different children")
    retired, survivor = keys[1], keys[0]
    resolution.state.reviews[retired] = survivor  # as if the resolver had raised the match
    result = resolution.review(_review(retired, survivor), AT)
    resolved = [(key, value) for s in sent for (topic, key, value) in s
                if topic == router.topic("ResolvedEvent")]
    review = Incoming(router.commands_topic, 0, 9, retired, b"the review")
    out = router.sends(review, review_outputs(
        result, router.events([value for _, value in resolved]), resolution.record_id_of))
    decoded = [codec.decode(v) for _, _, v in out]
    resets = [(i, r) for i, r in enumerate(decoded) if isinstance(r, ChildReset)]
    assert [(r.child_key, r.into_key) for _, r in resets] == [(retired, survivor),
                                                               (survivor, None)]
    after = [(k, d) for (_, k, _), d in zip(out, decoded, strict=True)][resets[-1][0] + 1:]
    assert {d.envelope.event_id for _, d in after} == {first.envelope.event_id,
                                                       second.envelope.event_id}
    assert all(k == survivor for k, _ in after)


def test_events_recorded_at_one_time_are_sent_again_in_the_order_they_happened():
    # A CAF's completion and its closure come from one export with one recorded time; sent
    # again in event-id order the closure could come first and the episode would lose its end.
    opened, closing = _example("CafCompleted"), _example("CafClosed")
    same = opened.envelope.recorded_at
    early, late = datetime(2025, 10, 27, tzinfo=UTC), datetime(2025, 12, 27, tzinfo=UTC)
    opened = opened.model_copy(update={"envelope": opened.envelope.model_copy(
        update={"occurred_at": early, "recorded_at": same, "event_id": "z-opened"})})
    closing = closing.model_copy(update={"envelope": closing.envelope.model_copy(
        update={"occurred_at": late, "recorded_at": same, "event_id": "a-closed"})})
    assert sorted([closing, opened], key=replay_order) == [opened, closing]
    later = closing.model_copy(update={"envelope": closing.envelope.model_copy(
        update={"recorded_at": same + timedelta(days=1), "occurred_at": early})})
    assert sorted([later, opened], key=replay_order) == [opened, later]


def test_a_settlement_resets_resends_raises_and_cancels_then_logs_its_decisions(router, codec):

    def decision(kind: IdentityDecisionKind, key: str, other: str) -> IdentityDecisionMade:
        return IdentityDecisionMade(decision_id=f"ID-{kind}", kind=kind, child_key=key,
                                    candidate_key=other, record_ids=("r1",))

    moved = decision(IdentityDecisionKind.MOVE, "CH-b", "CH-a")
    retired = decision(IdentityDecisionKind.RETIRE, "CH-b", "CH-a")
    result = ReviewResult([moved, retired], ("CH-a", "CH-b"), {"CH-a": "CH-b"},
                          {"CH-b": ("r1",)})
    settling = Settling(
        result,
        opened=(ReviewChange("CH-b", "CH-c", "CH-b", "r9", 12.5, "ID-open"),),
        closed=(ReviewChange("CH-a", "CH-d", "CH-b", decision_id="ID-close"),),
    )
    event = _example("YotReferralMade")
    value = codec.encode(event)
    outputs = settle_outputs(settling, [(event, value)], lambda e: "r1", codec.encode)
    reset_a, reset_b, resent, raised, cancel, *logged = outputs
    assert logged == [moved, retired]  # the decisions go last
    assert isinstance(reset_a, ChildReset) and reset_a.into_key == "CH-b"
    assert isinstance(reset_b, ChildReset) and reset_b.child_key == "CH-b"
    assert reset_b.at == event.envelope.recorded_at  # dated by the facts, not the clock
    assert resent == Forward("CH-b", value)
    assert isinstance(raised, PossibleMatchRaised)
    assert (raised.child_key, raised.candidate_key, raised.record_ref, raised.command_id) == (
        "CH-b", "CH-c", "r9", "ID-open")
    assert isinstance(cancel, Forward) and cancel.key == "CH-b"
    sent = codec.decode(cancel.value)
    assert isinstance(sent, CancelTask) and sent.by == SETTLED_BY
    assert sent.task_id == task_id_for(TaskType.POSSIBLE_MATCH_REVIEW, "CH-a", "CH-d")
    # it travels with the resolved events, to the child holding the task now
    assert router.send(Incoming("x", 0, 0, "", b""), cancel)[0] == router.topic("ResolvedEvent")
