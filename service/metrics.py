"""``/metrics``: the service's counters in the Prometheus text format (no client library).

- ``civicmesh_http_requests_total{route,method,status}`` and
  ``civicmesh_http_request_duration_seconds{route}`` (a histogram), from
  :class:`MetricsMiddleware`.  A request whose client went away before it was answered (its
  work was cancelled, nothing was sent) counts as status ``499`` ("client closed request", as
  nginx names it), not as a 500.  ``route`` is one of the service's routes (``/explore`` stands
  for the explorer's files, ``other`` for anything else), so a client cannot grow the label set.
- ``civicmesh_graphql_results_total{outcome}``: ``ok``, ``field_errors`` (data with errors,
  e.g. a refused page size) or ``request_error`` (a document that could not run), counted by
  the GraphQL view.
- ``civicmesh_store_open{store}``: 1 while the store is open; ``civicmesh_process_start_time_seconds``.

Everything lives in one :class:`Metrics` per app (made by ``create_app``), so tests and
several apps in one process do not share counters.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loaders.projection_cache import projection_cache
from loaders.store import GraphStore
from resolvers.analytics import snapshot

BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROUTES: tuple[str, ...] = ("/graphql", "/healthz", "/readyz", "/metrics", "/explore")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
CLIENT_CLOSED = 499
"""The status counted for a request that ended without an answer because its client went away."""


def route_of(path: str) -> str:
    """The route label of a request path.

    >>> route_of("/graphql"), route_of("/explore/assets/app.js"), route_of("/wp-admin")
    ('/graphql', '/explore', 'other')
    """
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


@dataclass
class _Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    total: int = 0
    sum: float = 0.0

    def observe(self, seconds: float) -> None:
        self.total += 1
        self.sum += seconds
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self.counts[i] += 1


@dataclass
class Metrics:
    """The counters of one app."""

    started: float = field(default_factory=time.time)
    requests: dict[tuple[str, str, int], int] = field(default_factory=lambda: defaultdict(int))
    durations: dict[str, _Histogram] = field(default_factory=lambda: defaultdict(_Histogram))
    graphql: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sources: list[Callable[[], list[str]]] = field(default_factory=list)
    """More counters' lines (e.g. the reader processes': :mod:`service.reader_relay`)."""
    gathered: list[Callable[[], Awaitable[list[str]]]] = field(default_factory=list)
    """More counters' lines that are asked for (e.g. of the reader processes themselves)."""

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[route, method, status] += 1
        self.durations[route].observe(seconds)

    def graphql_result(self, outcome: str) -> None:
        self.graphql[outcome] += 1

    def render(self, store: GraphStore | None) -> str:
        """The Prometheus text exposition of every counter."""
        out = [
            "# HELP civicmesh_http_requests_total HTTP requests by route, method and status.",
            "# TYPE civicmesh_http_requests_total counter",
        ]
        for (route, method, status), n in sorted(self.requests.items()):
            out.append(f'civicmesh_http_requests_total{{route="{route}",method="{method}",status="{status}"}} {n}')
        out += [
            "# HELP civicmesh_http_request_duration_seconds Time to answer an HTTP request, by route.",
            "# TYPE civicmesh_http_request_duration_seconds histogram",
        ]
        for route, h in sorted(self.durations.items()):
            for bound, n in zip(BUCKETS, h.counts, strict=True):
                out.append(f'civicmesh_http_request_duration_seconds_bucket{{route="{route}",le="{bound:g}"}} {n}')
            out.append(f'civicmesh_http_request_duration_seconds_bucket{{route="{route}",le="+Inf"}} {h.total}')
            out.append(f'civicmesh_http_request_duration_seconds_sum{{route="{route}"}} {h.sum:.6f}')
            out.append(f'civicmesh_http_request_duration_seconds_count{{route="{route}"}} {h.total}')
        out += [
            "# HELP civicmesh_graphql_results_total GraphQL results: ok, field_errors or request_error.",
            "# TYPE civicmesh_graphql_results_total counter",
        ]
        for outcome, n in sorted(self.graphql.items()):
            out.append(f'civicmesh_graphql_results_total{{outcome="{outcome}"}} {n}')
        out += [
            "# HELP civicmesh_store_open 1 while the service's store is open.",
            "# TYPE civicmesh_store_open gauge",
            f'civicmesh_store_open{{store="{store.name if store else "none"}"}} {1 if store else 0}',
            "# HELP civicmesh_process_start_time_seconds When this service started (Unix time).",
            "# TYPE civicmesh_process_start_time_seconds gauge",
            f"civicmesh_process_start_time_seconds {self.started:.3f}",
            *_rebuilds(store),
        ]
        for source in self.sources:
            out += source()
        return "\n".join(out) + "\n"


def _rebuilds(store: GraphStore | None) -> list[str]:
    """How often this process streamed the store's analytics projection, folded writes into it,
    and made an analytics session (each builds its indexes): counts, read by the load bench."""
    if store is not None and store.name == "embedded":  # the embedded store keeps its projection itself
        streams, folds = getattr(store, "projection_builds", 0), getattr(store, "projection_folds", 0)
    else:
        cache = projection_cache(store) if store is not None else None
        streams, folds = (cache.streams, cache.folds) if cache else (0, 0)
    searches = getattr(store, "searches", None)
    hits, misses = (searches.hits, searches.misses) if searches is not None else (0, 0)
    counts = (
        ("search_cache_hits", "Name searches answered from a kept answer (Neo4j, loaders.search_cache).", hits),
        ("search_cache_misses", "Name searches that asked the store (Neo4j, with kept answers on).", misses),
        ("projection_streams", "Whole projections streamed (Neo4j) or built (embedded) from the store.", streams),
        ("projection_folds", "Times writes were folded into the kept projection.", folds),
        ("analytics_sessions", "Analytics sessions made (each builds its indexes).", snapshot.SESSIONS_BUILT),
    )
    out: list[str] = []
    for name, help_text, n in counts:
        out += [f"# HELP civicmesh_{name}_total {help_text}", f"# TYPE civicmesh_{name}_total counter"]
        out.append(f"civicmesh_{name}_total {n}")
    return out


class MetricsMiddleware:
    """Counts every HTTP request (route, method, status) and times it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except asyncio.CancelledError:
            status = status or CLIENT_CLOSED  # cancelled before answering: nobody to answer
            raise
        except BaseException:
            status = status or 500  # an error escaped the app: the server answers 500
            raise
        finally:
            if status is None:  # the app returned without answering: its client had gone away
                status = CLIENT_CLOSED
            self.metrics.request(
                route_of(scope.get("path", "")), scope.get("method", ""), status, time.perf_counter() - started
            )


def metrics_endpoint(
    metrics: Metrics, store: Callable[[], GraphStore | None]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        more: list[str] = []
        for gather in metrics.gathered:
            more += await gather()
        text = metrics.render(store())
        return Response(text + ("\n".join(more) + "\n" if more else ""), media_type=CONTENT_TYPE)

    return endpoint
