"""The timed memory behind the worker's decode memory and the key store's key cache."""

from __future__ import annotations

from hub.timed_memory import TimedMemory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_is_forgotten_first() -> None:
    memory: TimedMemory[str, int] = TimedMemory(2, 30.0, Clock())
    memory.keep("a", 1)
    memory.keep("b", 2)
    assert memory.recall("a") == (True, 1)  # "a" is now the most recently used
    memory.keep("c", 3)
    assert (memory.recall("b"), memory.recall("a"), memory.recall("c")) == (
        (False, None), (True, 1), (True, 3))
    assert len(memory) == 2


def test_a_value_older_than_its_age_is_not_returned_and_none_is_a_value() -> None:
    clock = Clock()
    memory: TimedMemory[str, bytes | None] = TimedMemory(10, 30.0, clock)
    memory.keep("destroyed", None)
    memory.keep("read-earlier", b"k", at=clock.now - 20)
    assert memory.recall("destroyed") == (True, None)
    clock.now += 15
    assert memory.recall("read-earlier") == (False, None)  # 35 s since it was read
    assert memory.recall("destroyed") == (True, None)
    clock.now += 16
    assert memory.recall("destroyed") == (False, None)
