"""The survivor of a merge learns the retired child's moved tasks and episodes: a pure
function of the reset's outputs and the receivers' current states (``hub.domain.adoption``)."""

from __future__ import annotations

import copy

from hub.domain.adoption import Adopted, adopt_moved, receivers
from hub.domain.child.state import ChildState
from hub.domain.episodes.derive import derive
from hub.domain.episodes.state import EpisodeState, digest
from hub.domain.outputs.codes import TaskStatus
from hub.domain.outputs.contacts import FlagCleared
from hub.domain.outputs.tasks import TaskChanged
from tests.unit.domain.child.test_child_reset import EVENTS as CHILD_EVENTS
from tests.unit.domain.child.test_child_reset import reset_of, worked_on
from tests.unit.domain.episodes import factories as episode_factories
from tests.unit.domain.episodes.test_episode_reset import EVENTS as EPISODE_EVENTS
from tests.unit.domain.factories import CHILD, of_type, run

SURVIVOR = "child-2"


def _merge() -> tuple[list[object], list[object]]:
    """What a reset merging CHILD into SURVIVOR produced: the child processor's outputs
    (flags cleared under CHILD, open tasks moved) and the episode builder's versions."""
    _, (outputs,) = run(reset_of(into=SURVIVOR), state=worked_on())
    episodes, _ = episode_factories.run(*EPISODE_EVENTS)
    _, moved = derive(episodes, reset_of(into=SURVIVOR), CHILD)
    return list(outputs), list(moved)


def test_the_receivers_are_the_survivor_only_never_the_reset_child():
    outputs, moved = _merge()
    assert of_type(tuple(outputs), FlagCleared) and of_type(tuple(outputs), TaskChanged)
    to = receivers(CHILD, outputs, moved)
    assert (to.children, to.episodes) == ((SURVIVOR,), (SURVIVOR,))


def test_the_survivor_holds_every_moved_task_and_episode():
    outputs, moved = _merge()
    survivor, _ = run(*CHILD_EVENTS, child_key=SURVIVOR)  # the re-sent events, re-applied
    derived, own = episode_factories.run(*EPISODE_EVENTS, child_key=SURVIVOR)
    adopted = adopt_moved(CHILD, outputs, moved, {SURVIVOR: survivor}, {SURVIVOR: derived})
    tasks = of_type(tuple(outputs), TaskChanged)
    assert tasks and all(t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED) for t in tasks)
    for task in tasks:
        assert adopted.children[SURVIVOR].task(task.task_id) == task
    latest = episode_factories.latest(own)
    # the survivor derived the same episodes itself at lower versions: each goes again,
    # above the moved version, so the sink keeps the survivor's own
    assert {e.episode_id for e in adopted.again} == {e.episode_id for e in moved}
    for again in adopted.again:
        came = next(m for m in moved if m.episode_id == again.episode_id)
        assert again.version == came.version + 1 and again.child_key == SURVIVOR
        assert digest(again) == digest(
            latest[again.episode_id])
    assert set(adopted.episodes) == {SURVIVOR}


def test_a_receiver_not_known_yet_starts_from_a_fresh_state():
    outputs, moved = _merge()
    adopted = adopt_moved(CHILD, outputs, moved, {}, {})
    assert adopted.again == []  # nothing of its own to lift above the moved versions
    assert {e.episode_id for e in adopted.episodes[SURVIVOR].open} == {
        e.episode_id for e in moved}
    assert [t.task_id for t in adopted.children[SURVIVOR].tasks] == [
        t.task_id for t in of_type(tuple(outputs), TaskChanged)]


def test_a_split_moves_nothing_and_an_echo_changes_nothing():
    _, (outputs,) = run(reset_of(), state=worked_on())  # into nobody
    assert receivers(CHILD, list(outputs), []).children == ()
    assert adopt_moved(CHILD, list(outputs), [], {}, {}) == Adopted({}, {}, [])
    merged, moved = _merge()
    once = adopt_moved(CHILD, merged, moved, {}, {})
    twice = adopt_moved(CHILD, merged, moved, once.children, once.episodes)
    # every receiver is handed back (the stage writes it), unchanged the second time
    assert (twice.children, twice.episodes, twice.again) == (once.children, once.episodes, [])


def test_the_states_handed_in_are_left_alone():
    outputs, moved = _merge()
    children = {SURVIVOR: ChildState()}
    episodes = {SURVIVOR: EpisodeState()}
    kept = copy.deepcopy((children, episodes))
    adopt_moved(CHILD, outputs, moved, children, episodes)
    assert (children, episodes) == kept
