"""Rate limits for the push intake: token buckets. Pure.

Per API key: a key may send ``burst`` requests at once, then ``per_second`` on average;
beyond that each request is refused (HTTP 429) with how long to wait, and costs nothing
downstream. Per client address, for failed authentications (``FAILED_AUTH``): an address
may fail ``burst`` times, then once every ``1 / per_second`` seconds; beyond that its
requests are refused 429 before any key is hashed (each hash costs about 30 ms of CPU).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    per_second: float = 20.0
    burst: int = 500


@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: float  # monotonic seconds of the last update


FAILED_AUTH = RateLimit(per_second=0.2, burst=20)


def _tokens(limit: RateLimit, bucket: Bucket | None, now: float) -> float:
    if bucket is None:
        return float(limit.burst)
    return min(float(limit.burst), bucket.tokens + (now - bucket.at) * limit.per_second)


def wait_for(limit: RateLimit, bucket: Bucket | None, now: float) -> float:
    """How long until one more request may go (0.0: now), without taking a token."""
    tokens = _tokens(limit, bucket, now)
    return 0.0 if tokens >= 1.0 else (1.0 - tokens) / limit.per_second


def is_full(limit: RateLimit, bucket: Bucket, now: float) -> bool:
    """A bucket back to its burst holds no state worth keeping."""
    return _tokens(limit, bucket, now) >= limit.burst


def take(limit: RateLimit, bucket: Bucket | None, now: float) -> tuple[Bucket, float]:
    """The bucket after one request at ``now``, and the wait (0.0: the request may go)."""
    if bucket is None:
        bucket = Bucket(float(limit.burst), now)
    tokens = min(float(limit.burst), bucket.tokens + (now - bucket.at) * limit.per_second)
    if tokens >= 1.0:
        return Bucket(tokens - 1.0, now), 0.0
    return Bucket(tokens, now), (1.0 - tokens) / limit.per_second
