"""``GET /readyz``: can this server do its work now? Each check (broker, store) is asked in
parallel with a time limit; 200 when all pass, else 503 naming the ones that failed.

``/healthz`` stays a liveness check (the process answers); orchestrators route traffic by
``/readyz`` and restart by ``/healthz``. Answers carry check names and ``ok``/``down`` only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse

ReadyCheck = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT_S = 3.0


async def _passes(check: ReadyCheck) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            return await check()
    except Exception:  # a check that fails or hangs means "not ready", never a 500
        return False


async def readiness(checks: Mapping[str, ReadyCheck]) -> dict[str, bool]:
    results = await asyncio.gather(*(_passes(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


async def readyz(request: Request) -> JSONResponse:
    results = await readiness(request.app.state.ready_checks)
    ready = all(results.values())
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: "ok" if ok else "down" for name, ok in results.items()}}
    return JSONResponse(body, 200 if ready else 503)
