"""Event time, not arrival time: a child's outputs are a function of its facts.

The children stage's path (``hub.usecases.event_time``: place the fact, the usual step or a
rebuild) is run over one child's events in event-time order and in shuffled arrival orders,
with the real Avro codec. What the outputs say in the end (as the sink keeps them) must be
the same: episodes (latest version of each id, the version number aside), active flags,
the latest SEN answer per request, each task's latest state, and no Contact missing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.adapters.avro.codec import load_codec
from hub.domain.child.event_time import SUPERSEDED, Fact, FactLog, place, rebuild
from hub.domain.child.state import ChildState
from hub.domain.episodes.model import ExclusionReason, ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import Event
from hub.domain.events.csc import CscChange
from hub.domain.events.education import SenOutcome
from hub.domain.outputs.codes import ContactWithdrawReason, FlagClearReason, TaskStatus
from hub.domain.outputs.contacts import (
    ContactRecordCreated,
    ContactWithdrawn,
    FlagCleared,
    FlagRaised,
)
from hub.domain.outputs.sen import SenExchangeReplied
from hub.domain.outputs.tasks import TaskChanged
from hub.domain.replays import Replays
from hub.topics_spec import load_topic_specs
from hub.usecases.event_time import (
    fact_reader,
    next_log,
    ordered_child_step,
    ordered_episode_step,
    place_step,
)
from hub.usecases.worker_steps import Incoming, Router
from tests.conftest import REPO, SCHEMAS
from tests.unit.domain import builders as b
from tests.unit.domain.factories import CHILD

ROUTER = Router(load_codec(SCHEMAS), list(load_topic_specs(REPO / "topics.yaml")))
READ_FACT = fact_reader(ROUTER)
START = datetime(2025, 4, 1, 9, tzinfo=UTC)


class Stage:
    """The children stage's tables and its per-message path, without a broker."""

    def __init__(self, replays: Replays | None = None) -> None:
        self.replays = replays
        self.child, self.episodes = ChildState(), EpisodeState()
        self.log: FactLog | None = None
        self.owners: dict[str, tuple[int, str]] = {}
        self.sent: list[Any] = []

    def take(self, event: Event) -> None:
        message = Incoming("resolved", 0, len(self.sent), CHILD, ROUTER.codec.encode(event))
        arrival = ROUTER.arrive(message)
        placed = place_step(arrival, self.log, READ_FACT)
        self.child, outputs = ordered_child_step(self.child, arrival, CHILD, placed, self.log,
                                                 replays=self.replays)
        self.episodes, emitted = ordered_episode_step(self.episodes, arrival, CHILD, placed,
                                                      self.owners.get, replays=self.replays)
        self.log = next_log(placed, self.child, False) or self.log
        for episode in emitted:
            self.owners[episode.episode_id] = (episode.version, episode.child_key)
        sends = ROUTER.sends(message, outputs)  # as the stage encodes them
        self.sent += [ROUTER.codec.decode(value) for _, _, value in sends] + emitted


def _run(events: list[Event], replays: Replays | None = None) -> Stage:
    stage = Stage(replays)
    for event in events:
        stage.take(event)
    return stage


def _version(held: dict[str, Any], key: str) -> int:
    return held[key].version if key in held else 0


def _view(sent: list[Any]) -> dict[str, Any]:
    """What the outputs say in the end, as the sink keeps them."""
    episodes: dict[str, ServiceEpisode] = {}
    tasks: dict[str, TaskChanged] = {}
    for r in sent:
        if isinstance(r, ServiceEpisode) and r.version > _version(episodes, r.episode_id):
            episodes[r.episode_id] = r
        if isinstance(r, TaskChanged) and r.version > _version(tasks, r.task_id):
            tasks[r.task_id] = r
    cleared = {r.flag_id for r in sent if isinstance(r, FlagCleared)}
    withdrawn = {r.contact_id for r in sent if isinstance(r, ContactWithdrawn)}
    answers = {r.in_reply_to_event_id: (r.known_to_csc, r.csc_status, r.participation)
               for r in sent if isinstance(r, SenExchangeReplied)}
    return {
        "episodes": {i: e.model_dump(exclude={"version"}) for i, e in episodes.items()
                     if e.exclusion_reason is not ExclusionReason.WITHDRAWN_BY_SOURCE},
        # by what raised them: a flag cleared as superseded and raised again has a new id
        "flags": {(r.flag, r.raised_by_event_id) for r in sent
                  if isinstance(r, FlagRaised) and r.flag_id not in cleared},
        "contacts": {r.contact_id for r in sent if isinstance(r, ContactRecordCreated)}
        - withdrawn,
        "answers": answers,
        "tasks": {i: t.model_dump(exclude={"version", "changed_at", "resolution"})
                  for i, t in tasks.items() if t.resolution != SUPERSEDED},  # void
    }


def _at(day: int, hour: int = 9) -> datetime:
    return START + timedelta(days=day, hours=hour - 9)


def _dated(build: Any, day: int, *args: Any, **kw: Any) -> Event:
    event: Event = build(*args, at=_at(day), **kw)
    return event


KINDS = ("referral", "cin", "closed", "sen", "outcome", "yot", "yot_closed", "caf",
         "caf_closed", "exclusion", "register", "panel", "payment", "use")


def _make(kind: str, i: int, day: int) -> Event:
    eid = f"e{i:03d}"
    d = (START + timedelta(days=day)).date()
    make: dict[str, Any] = {
        "referral": lambda: _dated(b.csc, day, eid, CscChange.REFERRAL_OPENED),
        "cin": lambda: _dated(b.csc, day, eid, CscChange.CIN_PLAN_STARTED),
        "closed": lambda: _dated(b.csc, day, eid, CscChange.REFERRAL_CLOSED),
        "sen": lambda: _dated(b.sen_request, day, eid, record=f"SEN-{i}", request_date=d,
                              invites_csc=True),
        "outcome": lambda: _dated(b.sen_outcome, day, eid, request=None,
                                  outcome=SenOutcome.STATEMENT_ISSUED),
        "yot": lambda: _dated(b.yot, day, eid),
        "yot_closed": lambda: _dated(b.yot_closed, day, eid),
        "caf": lambda: _dated(b.caf, day, eid),
        "caf_closed": lambda: _dated(b.caf_closed, day, eid),
        "exclusion": lambda: _dated(b.exclusion, day, eid, start=d),
        "register": lambda: _dated(b.register, day, eid),
        "panel": lambda: _dated(b.panel, day, eid),
        "payment": lambda: _dated(b.payment, day, eid, end=d + timedelta(days=30)),
        "use": lambda: _dated(b.service_use, day, eid).model_copy(
            update={"period_start": d, "period_end": d}),
    }
    event: Event = make[kind]()
    # the event's own dates agree with when it happened (as in the departments' exports)
    return event.model_copy(update={k: d for k, v in event
                                    if v == b.DAY and not k.startswith("period")})


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Event], list[Event]]:
    """One child's events in event-time order, and the same events in another order."""
    picks = draw(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 300)),
                          min_size=1, max_size=9))
    events = [_make(kind, i, day) for i, (kind, day) in enumerate(picks)]
    ordered = sorted(events, key=lambda e: (e.envelope.occurred_at, e.envelope.event_id))
    return ordered, draw(st.permutations(events))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_any_arrival_order_ends_in_the_same_outputs(history):
    ordered, shuffled = history
    in_order, out_of_order = _run(ordered), _run(shuffled)
    assert _view(out_of_order.sent) == _view(in_order.sent)  # contacts withdrawn included
    assert not any(isinstance(r, ContactWithdrawn) for r in in_order.sent)
    assert _view(_run(shuffled).sent) == _view(out_of_order.sent)  # and it is deterministic


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_remembered_derivations_send_exactly_what_deriving_afresh_sends(history):
    _, shuffled = history
    assert _run(shuffled, Replays()).sent == _run(shuffled).sent  # versions included


def test_a_second_late_fact_derives_only_from_its_place():
    events = [_make("referral", 1, 30), _make("cin", 2, 40), _make("closed", 3, 50)]
    late = [_make("caf", 4, 20), _make("yot", 5, 10)]  # each before everything so far
    replays = Replays()
    remembered = _run([*events, *late], replays)
    assert remembered.sent == _run([*events, *late]).sent
    # first late fact: the 3 facts without it, then 4 with it; the second: the 4 facts
    # without it are the first's, remembered; then 5 with it (afresh: 3 + 4 + 4 + 5), for
    # the child rules and for the episodes each
    assert replays.steps == 2 * (3 + 4 + 5)


@settings(max_examples=20, deadline=None)
@given(histories())
def test_redelivering_every_event_sends_nothing_new(history):
    _, shuffled = history
    stage = _run(shuffled)
    before = len(stage.sent)
    for event in shuffled:
        stage.take(event)
    assert len(stage.sent) == before


def test_a_notification_before_the_case_is_a_contact_and_its_flag_is_superseded():
    case = _make("referral", 1, 10)
    yot = _make("yot", 2, 5)  # happened before the case was opened; arrives after it
    stage = _run([case, yot])
    contacts = [r for r in stage.sent if isinstance(r, ContactRecordCreated)]
    assert [c.source_event_id for c in contacts] == ["e002"]
    in_order = _run([yot, case])
    assert _view(stage.sent) == _view(in_order.sent)
    assert not any(isinstance(r, FlagRaised) for r in stage.sent)  # never raised, nothing to clear


def test_a_flag_raised_in_arrival_order_is_cleared_as_superseded():
    case = _make("referral", 1, 10)
    yot = _make("yot", 2, 20)
    earlier_yot = _make("yot", 3, 15)  # the same YOT case reported earlier, arriving last
    stage = _run([case, yot, earlier_yot])
    raised, again = [r for r in stage.sent if isinstance(r, FlagRaised)]
    [cleared] = [r for r in stage.sent if isinstance(r, FlagCleared)]
    assert cleared.flag_id == raised.flag_id and cleared.reason is FlagClearReason.SUPERSEDED
    assert cleared.cleared_by_event_id == "e003" and cleared.cleared_on == date(2025, 4, 16)
    assert raised.raised_by_event_id == "e002" and again.raised_by_event_id == "e003"
    [in_order] = [r for r in _run([case, earlier_yot, yot]).sent if isinstance(r, FlagRaised)]
    assert in_order == again
    assert _view(stage.sent) == _view(_run([earlier_yot, case, yot]).sent)


def test_a_contact_contradicted_by_a_late_case_is_withdrawn_and_a_flag_raised():
    yot = _make("yot", 1, 20)
    case = _make("referral", 2, 10)  # CSC had the case before the YOT referral; its file came later
    stage = _run([yot, case])
    [contact] = [r for r in stage.sent if isinstance(r, ContactRecordCreated)]
    [withdrawn] = [r for r in stage.sent if isinstance(r, ContactWithdrawn)]
    [raised] = [r for r in stage.sent if isinstance(r, FlagRaised)]
    assert contact.source_event_id == raised.raised_by_event_id == "e001"
    assert (withdrawn.contact_id, withdrawn.reason) == (contact.contact_id,
                                                       ContactWithdrawReason.SUPERSEDED)
    assert withdrawn.withdrawn_by_event_id == "e002"
    assert withdrawn.withdrawn_on == date(2025, 4, 11)
    assert withdrawn.replaced_by_flag_id == raised.flag_id
    assert withdrawn.contact_type == contact.contact_type and withdrawn.child_key == CHILD
    tasks = {t.task_id: t for t in stage.sent if isinstance(t, TaskChanged)}
    screening = [t for t in tasks.values() if t.task_type == "CONTACT_SCREENING"]
    assert [t.status for t in screening] == [TaskStatus.CANCELLED]
    in_order = _run([case, yot])
    assert _view(stage.sent) == _view(in_order.sent)
    assert [r for r in in_order.sent if isinstance(r, FlagRaised)] == [raised]
    again = len(stage.sent)
    stage.take(case)  # a redelivery withdraws nothing twice
    assert len(stage.sent) == again


def test_a_flag_contradicted_by_a_late_earlier_notification_becomes_a_contact():
    """The reverse: the case was open when the notification arrived, but a notification of
    the same kind from before the case arrives late; it is the Contact, no contact is
    withdrawn, and the flag the later one raised stands (the child is known by then)."""
    case = _make("referral", 1, 10)
    caf = _make("caf", 2, 20)
    early = _make("yot", 3, 5)  # before the case: a Contact, which makes the child known
    stage = _run([case, caf, early])
    [contact] = [r for r in stage.sent if isinstance(r, ContactRecordCreated)]
    assert contact.source_event_id == "e003"
    assert not any(isinstance(r, ContactWithdrawn) for r in stage.sent)
    assert _view(stage.sent) == _view(_run([early, case, caf]).sent)


def test_a_late_earlier_notification_takes_the_contact_from_a_later_one():
    """The child's first notification is its Contact. When an earlier one arrives late, it
    is the Contact; the later one's is withdrawn and the flag it raises instead is named."""
    yot = _make("yot", 1, 20)
    caf = _make("caf", 2, 15)  # happened first, delivered last
    stage = _run([yot, caf])
    contacts = {r.source_event_id: r for r in stage.sent if isinstance(r, ContactRecordCreated)}
    assert sorted(contacts) == ["e001", "e002"]
    [withdrawn] = [r for r in stage.sent if isinstance(r, ContactWithdrawn)]
    assert withdrawn.contact_id == contacts["e001"].contact_id
    assert withdrawn.withdrawn_by_event_id == "e002"
    [raised] = [r for r in stage.sent
                if isinstance(r, FlagRaised) and r.raised_by_event_id == "e001"]
    assert withdrawn.replaced_by_flag_id == raised.flag_id
    assert _view(stage.sent) == _view(_run([caf, yot]).sent)


def test_an_sen_reply_contradicted_by_a_late_case_is_corrected_visibly():
    request = _make("sen", 1, 30)
    case = _make("referral", 2, 10)  # CSC had the case before the request; its file came later
    stage = _run([request, case])
    replies = [r for r in stage.sent if isinstance(r, SenExchangeReplied)]
    assert [(r.known_to_csc, r.corrects_reply_id) for r in replies] == [
        (False, None), (True, replies[0].reply_id)]
    tasks = {t.task_id: t for t in stage.sent if isinstance(t, TaskChanged)}
    screening = [t for t in tasks.values() if t.task_type == "CONTACT_SCREENING"]
    assert [t.status for t in screening] == [TaskStatus.CANCELLED]  # the contact was wrong
    assert _view(stage.sent) == _view(_run([case, request]).sent)


def test_episodes_withdrawn_by_a_rebuild_stay_out_of_the_census():
    caf, closed = _make("caf", 1, 50), _make("caf_closed", 2, 20)
    stage = _run([closed, caf])
    assert _view(stage.sent)["episodes"] == _view(_run([closed, caf][::-1]).sent)["episodes"]
    withdrawn = [r for r in stage.sent if isinstance(r, ServiceEpisode)
                 and r.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE]
    assert all(not e.counted_as_additional for e in withdrawn)


def test_place_orders_by_event_time_then_id_and_says_when_late():
    log = FactLog()
    log, late = place(log, Fact(occurred_at=_at(5), event_id="b", value=""))
    assert not late
    log, late = place(log, Fact(occurred_at=_at(5), event_id="a", value=""))
    assert late and [f.event_id for f in log.facts] == ["a", "b"]
    again, late = place(log, Fact(occurred_at=_at(1), event_id="a", value=""))
    assert again == log and not late  # a redelivery is not late
    assert rebuild(ChildState(), ChildState(), [], [], _make("yot", 9, 1),
                   child_key=CHILD)[1] == ()


def test_a_flag_cleared_as_superseded_and_raised_again_is_a_new_flag():
    """Found by the arrival-order property: a late YOT referral supersedes the flag a later
    referral raised; a late closure then ends the first, so the later referral raises its flag
    again. The store keeps a clear for good, so that flag needs a new id to be up."""
    referral = _make("yot", 2, 1)  # the later referral of the same YOT case
    events = [_make("referral", 0, 0), referral, _make("yot", 1, 0), _make("yot_closed", 3, 0)]
    in_order = _run(sorted(events, key=lambda e: (e.envelope.occurred_at, e.envelope.event_id)))
    late = _run(events)
    assert _view(late.sent) == _view(in_order.sent)
    raised = [r for r in late.sent if isinstance(r, FlagRaised)
              and r.raised_by_event_id == referral.envelope.event_id]
    assert len({r.flag_id for r in raised}) == 2  # raised, superseded, raised again anew
