"""Sign-in rate limiting: after repeated failures a user id, or an address, is locked out.

Failures are counted per user id (known or not, so a lockout does not tell which ids exist)
and per client address, within a sliding window. A user id locks after 5 failures in 15
minutes, an address after 20 (one address may be a whole office behind a proxy); the lock
lasts until the window has moved past the failures. Pure rule: the caller keeps the times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    failures: int
    window_s: float


PER_USER = Limit(failures=5, window_s=15 * 60)
PER_ADDRESS = Limit(failures=20, window_s=15 * 60)


def recent(failed_at: Iterable[float], now: float, limit: Limit) -> list[float]:
    return sorted(t for t in failed_at if now - limit.window_s < t <= now)


def locked_until(failed_at: Iterable[float], now: float, limit: Limit) -> float | None:
    """When the lock ends (epoch seconds), or ``None`` when sign-in may be tried now."""
    times = recent(failed_at, now, limit)
    if len(times) < limit.failures:
        return None
    # unlocked once enough of the failures have left the window
    return times[len(times) - limit.failures] + limit.window_s
