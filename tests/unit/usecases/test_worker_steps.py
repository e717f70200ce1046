"""What each agent does with one message, without Faust or a broker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import hub.usecases.worker_steps as steps
from connectors.sources.ssda903 import Ssda903Connector
from hub import timed_memory
from hub.adapters.avro.codec import AvroCodec
from hub.domain.commands import ClaimTask
from hub.domain.dead_letter import DeadLetter
from hub.domain.episodes.model import EpisodeSource
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import DisabledRegisterEntryRecorded, Event
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs import ConsentLimitedUse
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.entrypoints.worker.guards import guarded
from hub.topics_spec import load_topic_specs
from hub.usecases.smoke import load_examples
from hub.usecases.worker_steps import Incoming, Router, Send, episode_step, identity_step
from tests.conftest import REPO


@pytest.fixture
def router(codec: AvroCodec) -> Router:
    return Router(codec, list(load_topic_specs(REPO / "topics.yaml")))


def resolve(router: Router, resolution: Resolution, message: Incoming) -> list[Send]:
    """The resolver's path for one message: decoded once, the step, encoded once."""
    return router.sends(message, identity_step(resolution, router.arrive(message)))


def _message(value: bytes) -> Incoming:
    return Incoming("cin.source.register.disabled-children.v1", 0, 7, "k", value)


def _example(name: str) -> Event:
    return next(
        e for e in load_examples(Path(REPO / "schemas/examples")) if type(e).__name__ == name
    )


def test_an_undecodable_message_becomes_one_dead_letter(router, codec):
    [(topic, _, value)] = resolve(router, Resolution(), _message(b"not avro"))
    letter = codec.decode(value)
    assert topic == router.topic("DeadLetter")
    assert isinstance(letter, DeadLetter) and letter.reason_code == "NOT_SINGLE_OBJECT"
    assert letter.original == b"not avro" and letter.location.endswith("/0@7")


def test_withheld_consent_is_counted_never_resolved_or_forwarded(router, codec):
    event = _example("DisabledRegisterEntryRecorded")  # the example withholds consent
    assert isinstance(event, DisabledRegisterEntryRecorded)
    assert not event.envelope.consent.share_child_detail
    resolution = Resolution()
    sent = resolve(router, resolution, _message(codec.encode(event)))
    assert sent and all(isinstance(codec.decode(v), ConsentLimitedUse) for _, _, v in sent)
    assert all(t == router.topic("ConsentLimitedUse") for t, _, _ in sent)
    assert not resolution.state.record_child  # nothing about the child was learnt


def test_a_shareable_event_is_resolved_and_forwarded_unchanged(router, codec):
    value = codec.encode(_example("YotReferralMade"))
    sent = resolve(router, Resolution(), _message(value))
    decision = codec.decode(sent[0][2])
    assert isinstance(decision, IdentityDecisionMade) and decision.kind.value == "NEW"
    assert sent[-1] == (router.topic("ResolvedEvent"), decision.child_key, value)


def test_any_failure_in_a_step_becomes_the_fallback_not_an_exception():
    message = _message(b"x")

    def broken() -> list:
        raise KeyError("a bug")

    assert guarded(message, broken, lambda: ["dead letter"]) == ["dead letter"]
    assert guarded(message, lambda: ["fine"], lambda: ["dead letter"]) == ["fine"]


def test_a_staff_command_is_forwarded_unchanged_to_the_childs_current_key(router, codec):
    resolution = Resolution()
    resolution.state.merged_into["CH-old"] = "CH-new"  # the child was merged since
    claim = ClaimTask(
        command_id="c1", child_key="CH-old", task_id="T-1", by="ann",
        sent_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    value = codec.encode(claim)
    sent = resolve(router, resolution, Incoming(router.topic("ClaimTask"), 0, 3, "k", value))
    assert sent == [(router.topic("ResolvedEvent"), "CH-new", value)]
    assert router.topic("ClaimTask") != router.topic("ResolvedEvent")  # the inbox sends elsewhere


def test_the_resolver_reads_the_original_namespace_in_a_replay(codec):
    out = list(load_topic_specs(REPO / "topics.yaml", "replay-1"))
    original = list(load_topic_specs(REPO / "topics.yaml", "live"))
    router = Router(codec, out, original)
    assert all(t.startswith("live.") for t in router.resolver_inputs)
    assert router.topic("ResolvedEvent").startswith("replay-1.")
    assert router.resolver_inputs[-1] == "live.cin.hub.commands.v1"


def test_an_ssda903_v4_agreement_becomes_an_encodable_looked_after_episode(router, codec):
    connector = Ssda903Connector(date(2026, 5, 1))
    events = [e for row in connector.read(REPO / "connectors/samples/ssda903")
              for e in connector.events(row)]
    v4 = next(e for e in events if e.legal_status == "V4")
    resolution, state = Resolution(), EpisodeState()
    *_, (topic, key, value) = resolve(router, resolution, _message(codec.encode(v4)))
    assert topic == router.topic("ResolvedEvent")
    forwarded = router.arrive(Incoming(topic, 0, 1, key, value))
    state, [episode] = episode_step(state, forwarded, key)
    assert (episode.source_kind, episode.subtype) == (EpisodeSource.LOOKED_AFTER,
                                                      "SHORT_BREAK_CARE_V4")
    assert codec.decode(codec.encode(episode)) == episode
    assert EpisodeState.model_validate_json(state.model_dump_json()) == state  # the state table


def test_the_router_decodes_the_same_bytes_once_for_a_while(router, codec, monkeypatch):
    """Router.decode reuses a decoded record (frozen) for DECODED_FOR_S, then decodes again;
    bytes that do not decode raise every time."""
    value = codec.encode(_example("DisabledRegisterEntryRecorded"))
    calls: list[bytes] = []
    real = codec.decode
    monkeypatch.setattr(codec, "decode", lambda data: calls.append(data) or real(data))
    now = [1000.0]
    monkeypatch.setattr(timed_memory.time, "monotonic", lambda: now[0])
    first = router.decode(value)
    assert router.decode(value) is first and len(calls) == 1
    now[0] += steps.DECODED_FOR_S + 1
    again = router.decode(value)
    assert again == first and again is not first and len(calls) == 2
    for _ in range(2):
        with pytest.raises(steps.UndecodableMessageError):
            router.decode(b"not avro")
    assert len(calls) == 4


def test_dead_letters_sent_are_counted_by_reason_without_decoding_them(codec, monkeypatch):
    counted: list[tuple[str, str]] = []
    router = Router(codec, list(load_topic_specs(REPO / "topics.yaml")),
                    on_dead_letter=lambda stage, code: counted.append((stage, code)))
    message = Incoming("t", 0, 5, "k", b"not avro")
    letter = router.dead_letter(message, "NOT_SINGLE_OBJECT", "unreadable")
    dropped = router.dead_letter(Incoming("t", 0, 6, "k", b"x"), "PROCESSOR_ERROR", "dropped")
    other = (router.topic("TimelineEntry"), "k", b"other")
    monkeypatch.setattr(codec, "decode", lambda _: pytest.fail("decoded again"))
    router.count_sent([letter, other])
    assert counted == [("PROCESSOR", "NOT_SINGLE_OBJECT")]  # the dropped one is not counted
    assert dropped != letter


def test_the_sink_stores_what_arrived_and_skips_what_could_not_be_read(router, codec):
    event = next(e for e in load_examples(Path(REPO / "schemas/examples"))
                 if type(e).__name__ == "YotReferralMade")
    good = Incoming("t", 0, 1, "k", codec.encode(event))
    assert steps.sink_record(router.arrive(good, remember=False)) == event
    assert steps.sink_record(router.arrive(Incoming("t", 0, 2, "k", b"junk"))) is None
