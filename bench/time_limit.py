"""Every benchmark runs under a wall-clock limit and, when it gives up, says what it waited for.

    with time_limit("replay_throughput", 3600):
        step("publishing 10,000 children")
        ...

When the limit passes, the benchmark stops (exit code 2) with one line on stderr naming the
step it was in and for how long: a hang reads as "waiting for X", never as silence. Child
processes started with ``subprocess.run`` are killed with it. ``BENCH_TIME_LIMIT_S`` overrides
the limit (for a larger run on a slower machine).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from types import FrameType

_current = {"what": "its own computation (no external wait named)", "since": time.monotonic()}


class BenchTimeLimitError(TimeoutError):
    """The benchmark's time limit passed."""


def step(what: str) -> None:
    """Name what the benchmark does, or waits for, from now on."""
    _current.update(what=what, since=time.monotonic())


@contextlib.contextmanager
def time_limit(bench: str, default_s: float) -> Iterator[None]:
    limit = float(os.environ.get("BENCH_TIME_LIMIT_S") or default_s)

    def expired(_signum: int, _frame: FrameType | None) -> None:
        waited = time.monotonic() - float(_current["since"])  # type: ignore[arg-type]
        raise BenchTimeLimitError(
            f"{bench}: gave up after its time limit of {limit:.0f} s, waiting for: "
            f"{_current['what']} (for {waited:.0f} s). BENCH_TIME_LIMIT_S sets the limit."
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    except BenchTimeLimitError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
