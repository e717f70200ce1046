"""The children stage's edge, without a broker: each message decoded once, what the steps
return encoded once, a dead letter per refused message, and a merge's survivor learning the
moved tasks and episodes in its own state tables (``hub.domain.adoption``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka.errors import ProducerFenced

from hub.adapters.avro.codec import AvroCodec
from hub.domain.child.state import ChildState
from hub.domain.dead_letter import DeadLetter
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.events import Event
from hub.domain.outputs import ChildReset
from hub.domain.outputs.codes import TaskStatus
from hub.domain.outputs.reset import reset_id_for
from hub.domain.outputs.tasks import TaskChanged
from hub.entrypoints.worker.stages import ChildStage, ChildTables
from hub.entrypoints.worker.state_table import KeptBytes
from hub.ports import LogRecord
from hub.topics_spec import load_topic_specs
from hub.usecases.smoke import load_examples
from hub.usecases.worker_steps import Incoming, Router, Send
from tests.conftest import REPO

RETIRED, SURVIVOR = "CH-retired", "CH-survivor"
EXAMPLES = ("SenAssessmentRequested", "YotReferralMade", "CafCompleted")


@pytest.fixture
def router(codec: AvroCodec) -> Router:
    return Router(codec, list(load_topic_specs(REPO / "topics.yaml")))


def _stage(router: Router) -> ChildStage:
    return ChildStage(None, None, router, ChildTables.named(lambda n: f"t-{n}"))  # type: ignore[arg-type]


def _examples() -> list[Event]:
    found = {type(e).__name__: e for e in load_examples(Path(REPO / "schemas/examples"))}
    return [found[name] for name in EXAMPLES]


def _take(stage: ChildStage, key: str, value: bytes, offset: int = 0) -> list[Send]:
    topic = stage.router.topic("ResolvedEvent")
    return asyncio.run(stage.take(Incoming(topic, 0, offset, key, value)))


def test_a_message_is_decoded_once_and_each_output_encoded_once(router, codec, monkeypatch):
    decoded: list[bytes] = []
    encoded: list[str] = []
    real_decode, real_encode = codec.decode, codec.encode
    monkeypatch.setattr(codec, "decode", lambda data: decoded.append(data) or real_decode(data))
    value = real_encode(_examples()[1])
    monkeypatch.setattr(codec, "encode", lambda record, version=None: encoded.append(
        type(record).__name__) or real_encode(record, version))
    sends = _take(_stage(router), RETIRED, value)
    assert decoded == [value]
    assert len(encoded) == len(sends) > 0 and "DeadLetter" not in encoded


@pytest.mark.parametrize("value", [b"not avro", b"wrong type"])
def test_a_refused_message_is_one_dead_letter_and_no_output(router, codec, value):
    if value == b"wrong type":  # a record the children stage does not take
        value = codec.encode(DeadLetter.model_validate(
            {"dead_letter_id": "d", "stage": "PROCESSOR", "source_system": "s", "reason_code": "X",
             "reason": "r", "location": "l", "original": b"", "original_format": "avro",
             "rejected_at": datetime(2026, 1, 1, tzinfo=UTC)}))
    [(topic, _, letter)] = _take(_stage(router), RETIRED, value, offset=7)
    dead = codec.decode(letter)
    assert topic == router.topic("DeadLetter") and isinstance(dead, DeadLetter)
    assert dead.original == value and dead.location.endswith("/0@7")
    assert dead.reason_code == ("NOT_SINGLE_OBJECT" if value == b"not avro"
                                else "WRONG_RECORD_TYPE")


def test_a_merge_moves_open_tasks_and_episodes_into_the_survivors_tables(router, codec):
    stage = _stage(router)
    for offset, event in enumerate(_examples()):
        _take(stage, RETIRED, codec.encode(event), offset)
    retired = stage.t.children.get(RETIRED)
    assert retired is not None
    open_tasks = [t for t in retired.tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]
    reset = ChildReset(reset_id=reset_id_for("ID-1", RETIRED), child_key=RETIRED,
                       reason="identity review: MERGE", into_key=SURVIVOR, decision_id="ID-1",
                       at=datetime(2026, 2, 2, tzinfo=UTC))
    sent = [codec.decode(v) for _, _, v in _take(stage, RETIRED, codec.encode(reset), 9)]
    moved = [r for r in sent if isinstance(r, TaskChanged) and r.child_key == SURVIVOR]
    assert open_tasks and [t.task_id for t in moved] == [t.task_id for t in open_tasks]
    survivor = stage.t.children.get(SURVIVOR)
    assert survivor is not None and all(survivor.task(t.task_id) == t for t in moved)
    episodes = [r for r in sent if isinstance(r, ServiceEpisode) and r.child_key == SURVIVOR]
    held = stage.t.episodes.get(SURVIVOR)
    assert episodes and held is not None
    for episode in episodes:
        assert held.last(episode.episode_id).version == episode.version  # type: ignore[union-attr]
        owner = stage.t.owners.get(episode.episode_id)
        assert owner is not None and owner[:2] == (episode.version, SURVIVOR)
    facts = stage.t.facts.get(RETIRED)
    assert facts is not None and facts.facts == ()  # a reset starts the child's log again


def test_a_batch_reaches_the_kept_files_only_once_its_changelog_is_committed(  # type: ignore[no-untyped-def]
    router: Router, tmp_path: Path
) -> None:
    def tables() -> ChildTables:
        made = ChildTables.named(lambda n: f"t-{n}", lambda t: KeptBytes(tmp_path / t))
        for table in made.all:
            if not table._raw.positions():
                table._raw.keep({0: (0, "")})  # as after restoring an empty changelog
        return made

    async def fenced(sends: list[Send]) -> list[LogRecord]:
        raise ProducerFenced()

    async def committed(sends: list[Send]) -> list[LogRecord]:
        return [LogRecord(topic, 0, n, key, value, 7) for n, (topic, key, value) in
                enumerate(sends)]

    first = tables()
    stage = ChildStage(None, None, router, first, write_state=fenced)  # type: ignore[arg-type]
    stage.t.children.set("CH-1", ChildState())
    with pytest.raises(ProducerFenced):
        asyncio.run(stage.after_outputs())
    first.close()
    again = tables()
    assert again.record.get("CH-1") is None
    assert again.record._raw.positions() == {0: (0, "")}
    stage = ChildStage(None, None, router, again, write_state=committed)  # type: ignore[arg-type]
    stage.t.children.set("CH-1", ChildState())
    asyncio.run(stage.after_outputs())
    again.close()
    last = tables()
    assert last.record.get("CH-1") is not None
    assert last.record._raw.positions()[0][0] == 1  # after the one record written
    last.close()
