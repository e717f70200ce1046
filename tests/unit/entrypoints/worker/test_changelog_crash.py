"""The children stage's four state tables after a crash in the middle of writing them.

The stage writes the changed states of a batch (the child, its episodes, the episode owners
and its facts in event-time order) to four changelogs, then commits its inputs. A worker
killed while those writes are under way can leave, for one child, some tables at the new
states and others at the old; the restart then redoes the batch on what was restored. The
facts log decides whether an event was seen already ("again": the episode builder derives
nothing from it a second time), so a facts log that is ahead of the episodes loses the
event's effect on the episodes for good. The stage therefore writes the facts last.

Still open (docs/worker.md, "A three-node cluster"): episodes restored ahead of the facts end
in the same content but can pass through an intermediate version (two versions more than an
undisturbed run's, as the cluster failover test saw in additional_services.csv); the
comparison here leaves versions aside.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.domain.child.event_time import FactLog
from hub.domain.child.state import ChildState
from hub.domain.episodes.state import EpisodeState
from hub.entrypoints.worker.stages import ChildStage, ChildTables
from tests.unit.domain.child.test_event_time import ROUTER, Stage, _make, _view, histories

TABLES = ("child", "episodes", "owners", "log")


def _snapshots(events: list[Any]) -> tuple[list[Stage], list[Any]]:
    """The stage's tables after 0, 1, ... len(events) events, and everything it sent."""
    stage, states = Stage(), []
    states.append(copy.deepcopy(stage))
    for event in events:
        stage.take(event)
        states.append(copy.deepcopy(stage))
    return states, stage.sent


def _crash(states: list[Stage], events: list[Any], start: int, end: int,
           written: frozenset[str]) -> list[Any]:
    """Outputs of a run whose batch ``events[start:end]`` had its outputs sent, then only
    the ``written`` tables' changelogs, when it was killed; the restart redoes from ``start``."""
    restored = copy.deepcopy(states[start])
    for table in written:
        setattr(restored, table, copy.deepcopy(getattr(states[end], table)))
    restored.sent = list(states[end].sent)  # the batch's outputs were durable
    for event in events[start:]:
        restored.take(event)
    return restored.sent


def _facts_last(written: frozenset[str]) -> bool:
    """What the stage guarantees: the facts changelog is written only once the other three
    are durable, so a restored facts log is never ahead of them."""
    return "log" not in written or written == frozenset(TABLES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.data())
def test_a_crash_while_the_changelogs_are_written_changes_no_output(history, data):
    _, events = history
    states, undisturbed = _snapshots(events)
    start = data.draw(st.integers(0, len(events) - 1))
    end = data.draw(st.integers(start + 1, len(events)))
    written = frozenset(data.draw(st.sets(st.sampled_from(TABLES))))
    if not _facts_last(written):
        written = written - {"log"}
    assert _view(_crash(states, events, start, end, written)) == _view(undisturbed)


def test_a_facts_log_ahead_of_the_episodes_loses_an_episode_update():
    """Why the facts go last: restored ahead of the episodes, the redo skips the youth
    offending episode's start (its fact is in the log), so its closing finds nothing open."""
    events = [_make("yot", 1, 10), _make("yot_closed", 2, 40)]
    states, undisturbed = _snapshots(events)
    assert _view(_crash(states, events, 0, 1, frozenset({"log"}))) != _view(undisturbed)
    assert _view(_crash(states, events, 0, 1, frozenset(TABLES))) == _view(undisturbed)


class _Acks:
    """A producer that records each send and each acknowledgement awaited, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def send(self, topic: str, value: bytes, key: bytes, timestamp_ms: int | None) -> Any:
        self.seen.append(("send", topic))

        async def ack() -> None:
            await asyncio.sleep(0)
            self.seen.append(("ack", topic))

        return ack()


def test_the_stage_writes_the_facts_changelog_only_once_the_others_are_acknowledged():
    tables = ChildTables.named(lambda table: f"t-{table}-changelog")
    tables.children.set("child-1", ChildState())
    tables.episodes.set("child-1", EpisodeState())
    tables.owners.set("episode-1", (1, "child-1"))
    tables.facts.set("child-1", FactLog())
    producer = _Acks()
    stage = ChildStage(None, producer, ROUTER, tables)  # type: ignore[arg-type]
    asyncio.run(stage.after_outputs())
    facts = tables.facts.topic
    first_fact = producer.seen.index(("send", facts))
    others = [i for i, (what, topic) in enumerate(producer.seen) if topic != facts]
    assert len(others) == 6  # three tables: sent and acknowledged
    assert max(others) < first_fact, producer.seen
    assert producer.seen[-1] == ("ack", facts)
