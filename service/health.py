"""``/healthz`` (the process is alive; touches nothing) and ``/readyz`` (the store answers)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loaders.store import GraphStore

PING_TIMEOUT_S = 2.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def readyz(store: Callable[[], GraphStore | None]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        current = store()
        if current is None:
            return JSONResponse({"status": "unavailable", "reason": "the store is not open yet"}, status_code=503)
        try:
            await asyncio.wait_for(current.ping(), PING_TIMEOUT_S)
        except TimeoutError:
            reason = f"the {current.name} store did not answer within {PING_TIMEOUT_S:g} s"
            return JSONResponse({"status": "unavailable", "store": current.name, "reason": reason}, status_code=503)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            return JSONResponse({"status": "unavailable", "store": current.name, "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready", "store": current.name})

    return endpoint
