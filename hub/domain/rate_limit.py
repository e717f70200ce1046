"""Per-key rate limits for the push intake: a token bucket per API key. Pure.

A key may send ``burst`` requests at once, then ``per_second`` on average; beyond that each
request is refused (HTTP 429) with how long to wait, and costs nothing downstream.
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


def take(limit: RateLimit, bucket: Bucket | None, now: float) -> tuple[Bucket, float]:
    """The bucket after one request at ``now``, and the wait (0.0: the request may go)."""
    if bucket is None:
        bucket = Bucket(float(limit.burst), now)
    tokens = min(float(limit.burst), bucket.tokens + (now - bucket.at) * limit.per_second)
    if tokens >= 1.0:
        return Bucket(tokens - 1.0, now), 0.0
    return Bucket(tokens, now), (1.0 - tokens) / limit.per_second
