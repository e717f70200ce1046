"""``adopt_moved``: a merged-away child's open tasks and episodes, learnt by the survivor.

A ``ChildReset`` with ``into_key`` retires a child: its reset moves each open task and open
episode to the survivor as their next version (``hub.domain.child.reset``,
``hub.domain.episodes.reset``). The survivor's own states must learn them too, so staff
commands (now routed to the survivor) find the task and the survivor's later episode
versions continue above the moved ones. One worker holds every child, so the children stage
does it at once, with what this function returns.

It lives above ``child`` and ``episodes`` because it joins both (``episodes`` already reads
``child``; the other way would be an import loop between the two packages).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hub.domain.child.reset import adopt_task
from hub.domain.child.state import ChildState
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.reset import adopt
from hub.domain.episodes.state import EpisodeState
from hub.domain.outputs.tasks import TaskChanged


@dataclass(frozen=True)
class Receivers:
    """Which children receive something from a reset child: whose states to hand in."""

    children: tuple[str, ...]
    episodes: tuple[str, ...]


@dataclass(frozen=True)
class Adopted:
    """The receiving children's new states (every one that received something, changed or
    not) and the episodes a survivor emits again above a moved version."""

    children: dict[str, ChildState]
    episodes: dict[str, EpisodeState]
    again: list[ServiceEpisode]


def _moved_tasks(key: str, outputs: Iterable[object]) -> list[TaskChanged]:
    return [o for o in outputs if isinstance(o, TaskChanged) and o.child_key != key]


def _moved_episodes(key: str, emitted: Iterable[ServiceEpisode]) -> list[ServiceEpisode]:
    return [e for e in emitted if e.child_key != key]


def receivers(key: str, outputs: Sequence[object], emitted: Sequence[ServiceEpisode]) -> Receivers:
    """The children a reset of ``key`` moved tasks (among ``outputs``) or episodes to."""
    return Receivers(
        tuple(dict.fromkeys(t.child_key for t in _moved_tasks(key, outputs))),
        tuple(dict.fromkeys(e.child_key for e in _moved_episodes(key, emitted))),
    )


def adopt_moved(
    key: str, outputs: Sequence[object], emitted: Sequence[ServiceEpisode],
    children: Mapping[str, ChildState], episodes: Mapping[str, EpisodeState],
) -> Adopted:
    """What the receivers learn from the reset of ``key``.

    ``outputs``: what the child processor produced for the reset (its moved tasks are the
    ``TaskChanged`` under another key); ``emitted``: the episode builder's versions for it
    (the moved ones are under another key). ``children`` and ``episodes``: the receivers'
    current states (:func:`receivers`; a missing one is a fresh state). Tasks and episodes
    are learnt in the order they were produced, each on the state the previous one left.
    """
    new_children: dict[str, ChildState] = {}
    for task in _moved_tasks(key, outputs):
        into = task.child_key
        state = new_children[into] if into in new_children else children.get(into)
        new_children[into] = adopt_task(state or ChildState(), task, into)
    new_episodes: dict[str, EpisodeState] = {}
    again: list[ServiceEpisode] = []
    for episode in _moved_episodes(key, emitted):
        into = episode.child_key
        held = new_episodes[into] if into in new_episodes else episodes.get(into)
        new_episodes[into], more = adopt(held or EpisodeState(), episode, into)
        again += more
    return Adopted(new_children, new_episodes, again)
