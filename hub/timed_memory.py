"""A small memory of recent values: at most ``size`` kept, the least recently used forgotten
first, and none returned once it is older than ``max_age_s`` (so a change elsewhere, such as an
erased key, is seen within that time). Not thread-safe: a caller shared between threads holds
its own lock around it (``hub.adapters.keys.subject_keys``)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _monotonic() -> float:
    return time.monotonic()


class TimedMemory(Generic[K, V]):
    def __init__(self, size: int, max_age_s: float,
                 clock: Callable[[], float] = _monotonic) -> None:
        self.size, self.max_age_s, self._clock = size, max_age_s, clock
        self._kept: OrderedDict[K, tuple[V, float]] = OrderedDict()

    def recall(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` when a value is kept and still young enough, else ``(False, None)``
        (a value may itself be ``None``, e.g. a key known to be destroyed)."""
        found = self._kept.get(key)
        if found is None or self._clock() - found[1] > self.max_age_s:
            return False, None
        self._kept.move_to_end(key)
        return True, found[0]

    def keep(self, key: K, value: V, at: float | None = None) -> None:
        """Remember ``value`` as of ``at`` (now by default; a value read before a slow step is
        aged from when it was read)."""
        self._kept[key] = (value, self._clock() if at is None else at)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: object) -> bool:
        """Kept, young or not (what the memory holds, not what it would return)."""
        return key in self._kept
