"""What the worker's stages do with one message, free of Kafka so it can be tested alone.

Typed in, typed out: a stage decodes each message once, at its edge (:meth:`Router.arrive`:
an :class:`Arrived` record, or :class:`Refused` when it cannot be decoded); each step takes
that, calls the domain and returns typed outputs (:data:`Output`): hub records to route,
:class:`Forward` for original bytes sent on unchanged, :class:`Refused` for a dead letter.
The stage encodes them once (:meth:`Router.sends`). A message that cannot be decoded, or is
not what the topic carries, becomes a dead letter with its reason and original bytes: it
never stops the worker.

Guarantee: at least once. Outputs are a deterministic function of the input and the state
(timestamps come from the input, not the clock), so a redelivered input yields byte-identical
records with the same ids, and the child state's processed-input memory yields none at all
once the state that saw it was saved. Consumers and SQL sinks are idempotent by record id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from hub.domain.child.apply import Input, apply
from hub.domain.child.disclosure import Shared, admit
from hub.domain.child.state import ChildState
from hub.domain.commands import (
    AssignTask,
    CancelTask,
    ClaimTask,
    CompleteTask,
    PossibleMatchRaised,
    RecordSenParticipation,
)
from hub.domain.dead_letter import DeadLetter, DeadLetterStage, dead_letter_id
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.ownership import Held, take_over
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import EVENT_MODELS, Event
from hub.domain.identity.resolution import Resolution
from hub.domain.input_rules import clean_tree
from hub.domain.outputs import COMMAND_RECORDS, ChildReset
from hub.domain.routing import output_key, topic_for
from hub.ports import Codec, UndecodableMessageError
from hub.timed_memory import TimedMemory
from hub.topics_spec import TopicSpec

Send = tuple[str, str, bytes]
"""What a stage sends: (topic, key, bytes). Only the edge (:meth:`Router.sends`) makes them."""
DECODED_KEPT = 20_000
"""Decoded records a router remembers (:meth:`Router.decode`), most recently used first."""
DECODED_FOR_S = 30.0
"""How long a decoded record is reused after it was decoded. It adds to the time the key store
trusts a key it has read (``hub.adapters.keys.subject_keys.REVALIDATE_AFTER_S``, also 30 s):
``hub erase`` reaches a running worker's outputs within 60 s at worst (docs/worker.md)."""
DEAD_LETTERS_NOTED = 10_000
"""Dead letters a router remembers between building and counting them (``count_sent``)."""
STAFF_COMMANDS = (ClaimTask, CompleteTask, CancelTask, RecordSenParticipation, AssignTask)


@dataclass(frozen=True)
class Incoming:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes

    @property
    def location(self) -> str:
        return f"{self.topic}/{self.partition}@{self.offset}"


@dataclass(frozen=True)
class Arrived:
    """A message decoded once, at the stage's edge: where it came from and its record."""

    message: Incoming
    record: BaseModel


@dataclass(frozen=True)
class Refused:
    """The message in hand becomes a dead letter, for this reason (code, and a text free of
    personal data). The stage builds the letter (:meth:`Router.dead_letter`) with the
    message's location and original bytes."""

    code: str
    reason: str


@dataclass(frozen=True)
class Forward:
    """Original bytes sent on unchanged (byte for byte) under ``key``, to the topic that
    carries ``record`` (the resolver forwards events and staff commands as they came)."""

    key: str
    value: bytes
    record: str = "ResolvedEvent"


Output = BaseModel | Forward | Refused
"""What a step returns; the stage encodes each once (:meth:`Router.sends`)."""
Arrival = Arrived | Refused
"""A message as a step takes it: decoded, or refused already at the edge."""


class Router:
    """Encodes hub records and sends each to its declared topic under its key."""

    def __init__(
        self, codec: Codec, specs: list[TopicSpec], inputs: list[TopicSpec] | None = None,
        on_dead_letter: Callable[[str, str], None] | None = None,
    ) -> None:
        """``inputs``: where sources and staff commands are read, when not from ``specs``.

        A replay writes into a fresh namespace (``specs``) while reading the original
        namespace's source and command topics (``inputs``). ``on_dead_letter(stage, reason
        code)`` is told of every dead letter sent (:meth:`count_sent`; the worker counts them
        for ``/metrics``).
        """
        self.on_dead_letter = on_dead_letter or (lambda _stage, _reason: None)
        self.codec = codec
        self.specs = specs
        self.declared = [(s.name, s.value) for s in specs]
        self.input_declared = [(s.name, s.value) for s in (inputs or specs)]
        self._decoded: TimedMemory[bytes, BaseModel] = TimedMemory(DECODED_KEPT, DECODED_FOR_S)
        self._letters: dict[bytes, tuple[str, str]] = {}  # dead letters built, not yet counted

    def decode(self, value: bytes) -> BaseModel:
        """``codec.decode``, remembered for a short while. The children stage decodes one
        message in several steps, and every fact of a child again when a late fact re-derives
        it; the same bytes always decode to the same (frozen) record, so it is done once.
        Raises ``UndecodableMessageError`` as the codec does (failures are not remembered)."""
        hit, found = self._decoded.recall(value)
        if hit and found is not None:
            return found
        record = self.codec.decode(value)
        self._decoded.keep(value, record)
        return record

    def arrive(self, message: Incoming, *, remember: bool = True) -> Arrival:
        """The message decoded, once, at the stage's edge; ``Refused`` when it cannot be.
        ``remember=False``: not kept for :meth:`decode` (the sink's records are read once)."""
        try:
            record = self.decode(message.value) if remember else self.codec.decode(message.value)
            return Arrived(message, record)
        except UndecodableMessageError as exc:
            return Refused(exc.code, exc.reason)

    def sends(self, message: Incoming, outputs: Sequence[Output]) -> list[Send]:
        """Encode a step's outputs for ``message``, in order: the one place they become
        bytes (a dead letter carries the message's location and original bytes)."""
        return [self.send(message, output) for output in outputs]

    def send(self, message: Incoming, output: Output) -> Send:
        if isinstance(output, Refused):
            return self.dead_letter(message, output.code, output.reason)
        if isinstance(output, Forward):
            return self.topic(output.record), output.key, output.value
        return self.route(output)

    @property
    def commands_topic(self) -> str:
        """Where staff commands are read (the original namespace's, in a replay)."""
        return topic_for("ClaimTask", self.input_declared)

    @property
    def source_topics(self) -> list[str]:
        """Topics carrying department systems' events (written by connectors and the intake)."""
        return [name for name, values in self.input_declared if set(values) <= set(EVENT_MODELS)]

    @property
    def resolver_inputs(self) -> list[str]:
        """What the resolver sequences: every source topic, and the staff command topic."""
        return [*self.source_topics, self.commands_topic]

    def topic(self, record_name: str) -> str:
        return topic_for(record_name, self.declared)

    def route(self, record: BaseModel) -> Send:
        return self.topic(type(record).__name__), output_key(record), self.codec.encode(record)

    def dead_letter(self, message: Incoming, code: str, reason: str) -> Send:
        letter = DeadLetter(
            dead_letter_id=dead_letter_id(message.topic, message.location, message.value),
            stage=DeadLetterStage.PROCESSOR,
            source_system=message.topic,
            reason_code=code,
            reason=reason,
            location=message.location,
            original=message.value,
            original_format="avro",
            rejected_at=datetime.now(UTC),
        )
        send = self.route(letter)
        self._letters[send[2]] = (str(letter.stage), code)
        while len(self._letters) > DEAD_LETTERS_NOTED:  # built and dropped: forget the oldest
            del self._letters[next(iter(self._letters))]
        return send

    def events(self, values: list[bytes]) -> list[tuple[Event, bytes]]:
        """The events among records read back from a topic, each with its original bytes;
        the rest (undecodable, or not an event) are left out."""
        found = []
        for value in values:
            try:
                record = self.codec.decode(value)
            except UndecodableMessageError:
                continue
            if isinstance(record, Event):
                found.append((record, value))
        return found

    def count_sent(self, sends: list[Send]) -> None:
        """Tell ``on_dead_letter`` of every dead letter among records actually sent (a stage
        may build one and drop it, so counting where they are made would overcount). What
        each is was noted when :meth:`dead_letter` encoded it, so it is not decoded again."""
        dead_letters = self.topic("DeadLetter")
        for topic, _key, value in sends:
            if topic == dead_letters:
                noted = self._letters.pop(value, None)
                if noted is None:  # not built here, or forgotten: read it, as before
                    letter = self.codec.decode(value)
                    noted = (str(letter.stage), letter.reason_code)  # type: ignore[attr-defined]
                self.on_dead_letter(*noted)


def accepted(arrival: Arrival, kinds: tuple[type, ...]) -> BaseModel | Refused:
    """The arrived record if it is one of ``kinds``; else why the message is refused."""
    if isinstance(arrival, Refused):
        return arrival
    if not isinstance(arrival.record, kinds):
        return Refused("WRONG_RECORD_TYPE", f"{type(arrival.record).__name__} here")
    return arrival.record


def record_of(arrival: Arrival, kinds: tuple[type, ...]) -> BaseModel | None:
    """The arrived record if it is one of ``kinds``; ``None`` otherwise (the steps that
    own the message dead-letter it)."""
    record = accepted(arrival, kinds)
    return None if isinstance(record, Refused) else record


def identity_step(resolution: Resolution, arrival: Arrival) -> list[Output]:
    """A source event: resolve its child, record the decision, forward it under the child key.

    The consent gate comes first: an event withholding child detail is never resolved (its
    identifiers would otherwise reach the decision log, the person tables and review tasks)
    and never forwarded; it yields only its ConsentLimitedUse counts, here and nowhere else.

    Identity evidence (``Event.identity_only``, e.g. a pupil on a school's roll) is resolved and
    its decision recorded, and goes no further: no forward, so no contact, flag, timeline entry
    or episode, and no review task for a possible match (the decision log still holds it).

    A staff command is forwarded unchanged to the same topic as the events, under the child's
    current key, so the child processor sees one child's events and commands in the single
    order the resolver gave them (a replay then reproduces it).
    """
    record = accepted(arrival, (Event, *STAFF_COMMANDS))
    if isinstance(record, Refused):
        return [record]
    assert isinstance(arrival, Arrived)
    if refused := text_refused(record):
        return [refused]
    if isinstance(record, STAFF_COMMANDS):
        return [Forward(resolution.current_key(record.child_key), arrival.message.value)]
    assert isinstance(record, Event)
    admitted = admit(record)
    if not isinstance(admitted, Shared):
        return list(admitted)
    child_key, decisions = resolution.resolve(record)
    if type(record).identity_only:  # evidence only: not acted on
        return [d for d in decisions if not isinstance(d, PossibleMatchRaised)]
    return [*decisions, Forward(child_key, arrival.message.value)]


def text_refused(record: BaseModel) -> Refused | None:
    """Why a record holding text the edge refuses (NUL, control characters, lone
    surrogates: :mod:`hub.domain.input_rules`), e.g. one published before those rules, is
    dead-lettered. Refused here, before any store sees it, so SQLite and PostgreSQL hold the
    same (a NUL cannot be stored in PostgreSQL text at all)."""
    _, problems = clean_tree(record.model_dump())
    if not problems:
        return None
    first = problems[0]
    return Refused(first.code, f"{first.field}: {first.message}")


def _now_of(record: object) -> datetime:
    envelope = getattr(record, "envelope", None)
    if envelope is not None:
        return envelope.recorded_at  # type: ignore[no-any-return]
    for field in ("sent_at", "decided_at", "raised_at", "at"):
        if isinstance(value := getattr(record, field, None), datetime):
            return value
    raise ValueError(f"{type(record).__name__} carries no time")


CHILD_INPUTS: tuple[type, ...] = (Event, *COMMAND_RECORDS, ChildReset)


def child_step(
    state: ChildState, arrival: Arrival, child_key: str
) -> tuple[ChildState, list[BaseModel | Refused]]:
    """An event or command for one child: the next state and what it produced."""
    record = accepted(arrival, CHILD_INPUTS)
    if isinstance(record, Refused):
        return state, [record]
    typed: Input = record  # type: ignore[assignment]
    state, outputs = apply(state, typed, child_key, _now_of(typed))
    return state, list(outputs)


def episode_step(
    state: EpisodeState, arrival: Arrival, child_key: str,
    held: Callable[[str], Held | None] = lambda _: None,
) -> tuple[EpisodeState, list[ServiceEpisode]]:
    """A resolved event for one child: new service-episode versions (``take_over`` makes an
    episode another child emitted before continue above that child's version).

    Only shareable events reach this step (the identity step gates consent and counts the
    rest); the gate is checked again here so no path can bypass it.
    """
    event = record_of(arrival, (Event, ChildReset))
    if event is None:
        return state, []  # the child processor dead-letters the same message once
    if isinstance(event, Event) and not isinstance(admit(event), Shared):
        return state, []
    assert isinstance(event, Event | ChildReset)
    state, episodes = derive(state, event, child_key)
    return take_over(state, child_key, episodes, held)


SINK_RECORDS = (
    "ContactRecordCreated",
    "ContactWithdrawn",
    "FlagRaised",
    "FlagCleared",
    "TaskChanged",
    "TimelineEntry",
    "SenExchangeReplied",
    "SenParticipationDecided",
    "CscStatusRelayed",
    "ConsentLimitedUse",
    "IdentityDecisionMade",
    "ServiceEpisode",
    "CommandRejected",
)


def sink_topics(router: Router) -> list[str]:
    return sorted({router.topic(name) for name in SINK_RECORDS})


def sink_record(arrival: Arrival) -> BaseModel | None:
    """The record to store; ``None`` for one that could not be decoded (the agent that
    produced it dead-lettered its input: nothing to store, never a half-written row)."""
    return arrival.record if isinstance(arrival, Arrived) else None

