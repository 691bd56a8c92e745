"""JSON logs, one line per event, with the request id of the request they belong to.

:class:`RequestIdMiddleware` takes ``X-Request-ID`` from the request (when it is sane) or
makes one, puts it on the response and in a context variable, and logs one ``request`` line
per HTTP request (method, path, status, duration).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import logging
import re
import secrets
import sys
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("civicmesh_request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

log = logging.getLogger("civicmesh.http")

_made = itertools.count()
_prefix: str | None = None


def new_request_id() -> str:
    """A request id unique across processes and restarts: 16 random hex digits drawn once per
    process, then a counter (32 hex digits in all).  Cheaper than ``uuid4`` per request, whose
    ``os.urandom`` releases the interpreter lock, so that under load the loop waited for a busy
    thread to hand it back on every request (the loop watch's largest remaining row)."""
    global _prefix
    if _prefix is None:
        _prefix = secrets.token_hex(8)
    return f"{_prefix}{next(_made):016x}"


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id", ...extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            out["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key != "request_id":
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamp each record with the request id of the request it was logged in (if any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send the ``civicmesh`` loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("civicmesh")
    logger.setLevel(level.upper())
    if not any(getattr(h, "civicmesh_json", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        handler.civicmesh_json = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


class RequestIdMiddleware:
    """Request ids in and out (``X-Request-ID``) and one access-log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = given if _SANE_ID.match(given) else new_request_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            status = status or 499  # cancelled before answering: nobody to answer
            raise
        except BaseException:
            status = status or 500
            raise
        finally:
            if status is None:  # nothing was sent: the client went away and its work was cancelled
                status = 499
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "request_id": rid,
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id.reset(token)
