"""ChildReset in the episode builder: withdraw, derive again, and never let a version go back.

The SQL sink and the census keep the highest version of each episode id, so whatever a reset
and the re-sent events emit must continue each episode's version sequence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings

from hub.domain.child.state import ActiveFlag, ChildState
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ExclusionReason, ServiceEpisode
from hub.domain.episodes.reset import adopt
from hub.domain.episodes.state import EpisodeState, digest
from hub.domain.episodes.years import CensusYear
from hub.domain.events import Event, SenAssessmentOutcome
from hub.domain.events.finance import PaymentKind
from hub.domain.outputs import ChildReset
from hub.domain.outputs.codes import FlagCode
from hub.domain.outputs.reset import reset_id_for
from hub.domain.routing import output_key
from hub.topics_spec import load_topic_specs
from hub.usecases.census_compile import CensusInputs, build
from hub.usecases.worker_steps import Incoming, Router, child_step, episode_step
from tests.conftest import REPO
from tests.unit.domain.episodes.factories import (
    CHILD,
    decision,
    event,
    latest,
    payment,
    run,
    session,
)
from tests.unit.domain.episodes.test_properties import histories

AT = datetime(2026, 2, 2, 10, tzinfo=UTC)
SURVIVOR = "child-2"
D = date(2025, 6, 2)
LINE = {"line_id": "1", "service": "CWD", "subtype": "DAY_CARE", "volume_measure": "S",
        "quantity": 2.0, "amount": Decimal("50"), "frequency": "WEEKLY",
        "planned_start": D, "planned_end": date(2025, 9, 1)}
EVENTS: list[Event] = [
    event(SenAssessmentOutcome, "sen-out", D, decision_date=D, outcome="STATEMENT_ISSUED",
          services=("EDUCATIONAL_PSYCHOLOGY",)),
    decision("panel-1", D, [LINE]),
    payment("pay-1", PaymentKind.SECTION_17, D, date(2025, 6, 30)),
    session("use-1", date(2025, 6, 10)),
]


def reset_of(child_key: str = CHILD, into: str | None = None, decision_id: str = "ID-1"
             ) -> ChildReset:
    return ChildReset(reset_id=reset_id_for(decision_id, child_key), child_key=child_key,
                      reason="identity review: SPLIT", into_key=into, decision_id=decision_id,
                      at=AT)


def content(e: ServiceEpisode) -> str:
    return digest(e)  # everything but the version


def assert_versions_only_grow(emitted: list[ServiceEpisode]) -> None:
    versions: dict[str, list[int]] = defaultdict(list)
    for e in emitted:
        versions[e.episode_id].append(e.version)
    for episode_id, seen in versions.items():
        assert seen == sorted(set(seen)), (episode_id, seen)


def test_a_reset_withdraws_every_open_episode_at_its_next_version():
    state, before = run(*EVENTS)
    assert state.open
    state, withdrawn = derive(state, reset_of(), CHILD)
    last = latest(before)
    assert sorted(e.episode_id for e in withdrawn) == sorted(e.episode_id for e in
                                                             run(*EVENTS)[0].open)
    for e in withdrawn:
        assert e.version == last[e.episode_id].version + 1
        assert not e.counted_as_additional
        assert e.exclusion_reason is ExclusionReason.WITHDRAWN_BY_SOURCE
        assert content(e.evolve(counted_as_additional=True, exclusion_reason=None)) == content(
            last[e.episode_id])
    assert (state.open, state.settled) == ((), ())
    assert {s.episode_id for s in state.earlier} == set(last)


def test_the_same_events_again_continue_every_version_and_rebuild_the_same_content():
    state, before = run(*EVENTS)
    state, withdrawn = derive(state, reset_of(), CHILD)
    _, again = run(*EVENTS, state=state)
    everything = [*before, *withdrawn, *again]
    assert_versions_only_grow(everything)
    final, original = latest(everything), latest(before)
    assert {k: content(e) for k, e in final.items()} == {
        k: content(e) for k, e in original.items()}
    # every episode is said again, settled ones too: another child may hold it meanwhile
    assert {e.episode_id for e in again} == set(original)


def test_a_redelivered_reset_changes_nothing():
    state, _ = run(*EVENTS)
    state, _ = derive(state, reset_of(), CHILD)
    state, _ = run(*EVENTS, state=state)
    again, emitted = derive(state, reset_of(), CHILD)
    assert (again, emitted) == (state, [])


def test_a_retired_child_moves_its_open_episodes_to_the_survivor():
    state, before = run(*EVENTS)
    retired, moved = derive(state, reset_of(into=SURVIVOR), CHILD)
    last = latest(before)
    assert moved and {e.child_key for e in moved} == {SURVIVOR}
    for e in moved:
        assert e.counted_as_additional == last[e.episode_id].counted_as_additional
        assert e.version == last[e.episode_id].version + 1
    assert retired.open == ()


def test_the_survivor_adopts_a_moved_episode_and_continues_above_it():
    state, before = run(*EVENTS)
    _, moved = derive(state, reset_of(into=SURVIVOR), CHILD)
    survivor, derived = run(*EVENTS, child_key=SURVIVOR)  # the re-sent events, re-derived
    own = latest(derived)
    emitted: list[ServiceEpisode] = []
    for episode in moved:  # the moved versions arrive after the survivor derived its own
        survivor, again = adopt(survivor, episode, SURVIVOR)
        emitted += again
    assert_versions_only_grow([*before, *moved, *emitted])  # its own v1s lost; these win
    sink = latest([*before, *moved, *derived, *emitted])
    for episode in moved:
        assert sink[episode.episode_id].version == episode.version + 1
        assert content(sink[episode.episode_id]) == content(own[episode.episode_id])
    survivor, later = run(*EVENTS, state=survivor, child_key=SURVIVOR)
    assert later == []  # redelivered: nothing new


def test_adopting_before_deriving_continues_the_versions():
    state, before = run(*EVENTS)
    _, moved = derive(state, reset_of(into=SURVIVOR), CHILD)
    survivor = EpisodeState()
    for episode in moved:
        survivor, again = adopt(survivor, episode, SURVIVOR)
        assert again == []
    survivor, derived = run(*EVENTS, state=survivor, child_key=SURVIVOR)
    ids = {m.episode_id for m in moved}  # (settled ones are not moved: see episodes.reset)
    assert_versions_only_grow([e for e in (*before, *moved, *derived) if e.episode_id in ids])
    assert not ids & {e.episode_id for e in derived}  # the sink holds them as derived already
    assert {e.episode_id for e in survivor.open} == ids
    assert adopt(survivor, moved[0], SURVIVOR) == (survivor, [])  # old news
    assert adopt(survivor, moved[0], "child-9") == (survivor, [])  # not this child's


def test_withdrawn_episodes_are_left_out_of_the_census_until_derived_again():
    state, before = run(*EVENTS)
    state, withdrawn = derive(state, reset_of(), CHILD)
    _, again = run(*EVENTS, state=state)
    year = CensusYear(2025)

    def in_return(episodes: list[ServiceEpisode]) -> int:
        return build(CensusInputs(episodes=episodes), year, "999").records[
            "additional_services.csv"]

    counted = in_return(before)
    assert counted == len(latest(before)) > len(withdrawn) > 0
    assert in_return([*before, *withdrawn]) == counted - len(withdrawn)
    assert in_return([*before, *withdrawn, *again]) == counted


@settings(max_examples=120)
@given(histories())
def test_reset_then_the_same_events_rebuilds_the_same_episodes(events):
    state, before = run(*events)
    state, withdrawn = derive(state, reset_of(), CHILD)
    state, again = run(*events, state=state)
    everything = [*before, *withdrawn, *again]
    assert_versions_only_grow(everything)
    final, original = latest(everything), latest(before)
    assert {k: content(e) for k, e in final.items()} == {
        k: content(e) for k, e in original.items()}
    assert EpisodeState.model_validate_json(state.model_dump_json()) == state


def test_the_worker_steps_take_a_reset_from_the_resolved_events_topic(codec):
    router = Router(codec, list(load_topic_specs(REPO / "topics.yaml")))
    reset = reset_of()
    value = codec.encode(reset)
    message = Incoming(router.topic("ChildReset"), 0, 9, CHILD, value)
    assert router.topic("ChildReset") == router.topic("ResolvedEvent")
    assert output_key(reset) == CHILD
    state, _ = run(*EVENTS)
    state, episodes = episode_step(state, router.arrive(message), CHILD)
    assert state.open == () and episodes
    assert {router.route(e)[0] for e in episodes} == {router.topic("ServiceEpisode")}
    assert all(not e.counted_as_additional for e in episodes)
    child = ChildState(flags=(ActiveFlag(flag=FlagCode.CAF_OPEN, flag_id="f1",
                                         raised_by_event_id="e1"),))
    child, outputs = child_step(child, router.arrive(message), CHILD)
    sent = router.sends(message, outputs)
    assert child.flags == () and child.reset_id == reset.reset_id
    [(topic, key, value)] = sent
    assert (topic, key) == (router.topic("FlagCleared"), CHILD)
    assert codec.decode(value).cleared_on == AT.date()  # type: ignore[attr-defined]
