"""A remembered fold gives what folding from the start gives, and runs only the new steps."""

from __future__ import annotations

from hub.domain.event_facts import envelope_of
from hub.domain.events import Event
from hub.domain.events.csc import CscChange
from hub.domain.replays import Replays
from tests.unit.domain import builders as b

A, B, C, LATE = (b.csc(eid, CscChange.REFERRAL_OPENED) for eid in ("a", "b", "c", "late"))


def _step(done: tuple[str, ...], event: Event) -> tuple[str, ...]:
    return (*done, envelope_of(event).event_id)


def test_a_sequence_continues_from_the_longest_shared_run_of_facts() -> None:
    replays = Replays()
    assert replays.of("k", (), [A, B, C], _step) == ("a", "b", "c")
    assert replays.steps == 3
    assert replays.of("k", (), [A, LATE, B, C], _step) == ("a", "late", "b", "c")
    assert replays.steps == 3 + 3  # a was remembered
    assert replays.of("k", (), [A, LATE, B, C], _step) == ("a", "late", "b", "c")
    assert replays.of("k", (), [A, LATE], _step) == ("a", "late")  # a shorter run: kept
    assert replays.steps == 6


def test_another_start_or_another_given_folds_again() -> None:
    replays = Replays()
    replays.of("k", (), [A, B], _step)
    assert replays.of("k", ("base",), [A, B], _step) == ("base", "a", "b")
    assert replays.of("k", ("base",), [A, B], _step, given="rules 2") == ("base", "a", "b")
    assert replays.steps == 2 + 2 + 2


def test_only_the_most_recent_keys_are_kept() -> None:
    replays = Replays(kept=1)
    replays.of("k", (), [A, B], _step)
    replays.of("other", (), [A], _step)
    replays.of("k", (), [A, B], _step)
    assert replays.steps == 2 + 1 + 2


def test_the_values_kept_are_bounded_too() -> None:
    replays = Replays(kept_values=3)
    replays.of("k", (), [A, B], _step)
    replays.of("other", (), [A, B], _step)  # 4 values: the oldest key goes
    assert replays.of("k", (), [A, B], _step) == ("a", "b")
    assert replays.steps == 2 + 2 + 2
