"""The composition root: ``create_app(settings, store=None)`` builds the whole service.

Routes: ``/graphql`` (GraphQL over HTTP, GraphiQL in a browser; subscriptions over WebSocket with
the graphql-transport-ws protocol), ``/healthz``, ``/readyz`` and
``/explore`` (the org-chart explorer, static files built from ``explorer/``).

One store per process: a store passed in belongs to the caller (opened and closed by it);
otherwise the Starlette lifespan makes one from the settings, opens it, and closes it at
shutdown.  Nothing happens at import time.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route, WebSocketRoute
from strawberry import Schema

from loaders.formats.importing import load_demo_if_empty
from loaders.store import GraphStore, Outcome
from resolvers import lanes, offload
from resolvers.analytics import snapshot
from resolvers.appeals.events import AppealEvents
from resolvers.audit import append, audit_event
from resolvers.context import ApiConfig
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from service import gc_policy
from service.access import access_of
from service.explorer import explorer_routes
from service.graphql_http import GraphQLView
from service.health import StoreGate, StoreWatch, healthz, readyz
from service.http_limits import BodySizeLimit
from service.kept_answers import KeptAnswers, kept_metrics
from service.loop_watch import LoopWatch
from service.metrics import Metrics, MetricsMiddleware, metrics_endpoint
from service.priority import HeavyGate
from service.reader_relay import ReaderPool, ReaderRelay
from service.request_log import RequestIdMiddleware, configure_logging
from service.request_weight import classify
from service.settings import Settings
from service.stores import is_remote, make_store

log = logging.getLogger("civicmesh.service")


@dataclass(slots=True)
class Runtime:
    """What the app holds for its lifetime: the one store."""

    store: GraphStore | None = None
    owned: bool = False

    def require_store(self) -> GraphStore:
        if self.store is None:
            raise RuntimeError("the store is not open (the app's lifespan has not started)")
        return self.store

    def current_store(self) -> GraphStore | None:
        return self.store


def api_config(settings: Settings) -> ApiConfig:
    return ApiConfig(
        reveal_pii=settings.reveal_pii,
        max_page_size=settings.max_page_size,
        default_page_size=min(100, settings.max_page_size),
        appeal_due_days=dict(settings.appeal_due_days),
        points=dict(settings.points),
        max_analyses=settings.max_analyses,
    )


def schema_limits(settings: Settings) -> SchemaLimits:
    """The schema's protection; the production profile turns off introspection and field suggestions."""
    return SchemaLimits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        introspection=settings.introspection and not settings.production,
        suggestions=not settings.production,
        max_cost=settings.max_cost or None,
    )


def _view(
    settings: Settings, runtime: Runtime, metrics: Metrics, events: AppealEvents, schema: Schema, kept: KeptAnswers
) -> GraphQLView:
    return GraphQLView(
        schema,
        runtime.require_store,
        api_config(settings),
        graphiql=settings.graphiql and not settings.production,
        on_result=metrics.graphql_result,
        access=access_of(settings),
        events=events,
        deadline=settings.deadline or None,
        kept=kept,
    )


def _routes(view: GraphQLView, runtime: Runtime, metrics: Metrics) -> list[BaseRoute]:
    return [
        Route("/graphql", view),
        WebSocketRoute("/graphql", view),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz(runtime.current_store), methods=["GET"]),
        Route("/metrics", metrics_endpoint(metrics, runtime.current_store), methods=["GET"]),
        *explorer_routes(),
    ]


def app_from_env() -> Starlette:
    """The app of one worker process of ``civicmesh serve --workers N`` (uvicorn's factory):
    its settings from the environment, which the command set for its workers."""
    return create_app(Settings.from_env())


def create_app(settings: Settings, store: GraphStore | None = None) -> Starlette:
    """The service for ``settings``; ``store`` (already open) replaces the one settings name."""
    configure_logging(settings.log_level)
    offload.configure(settings.analysis_processes, nice=settings.analysis_nice)
    gc_policy.configure(settings.gc_thresholds)
    if settings.switch_interval_ms > 0:
        sys.setswitchinterval(settings.switch_interval_ms / 1000)
    snapshot.configure(settings.analysis_staleness_s, forkserver=settings.analysis_forkserver)
    lanes.configure(settings.light_first_ms)
    runtime = Runtime(store=store, owned=store is None)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if runtime.owned:
            opened = make_store(settings)
            await opened.open()
            runtime.store = opened
        current = runtime.require_store()
        if settings.gc_freeze:
            gc_policy.settle()  # the store's graph out of the collector's sight
        log.info("store ready", extra={"store": current.name})
        loop_watch = LoopWatch(settings.loop_watch_ms) if settings.loop_watch_ms > 0 else None
        if loop_watch is not None:
            loop_watch.start()
        watch = StoreWatch(current, interval=settings.store_probe_s, down_interval=settings.store_probe_s / 4)
        if runtime.owned:
            kept.attach(current)
        if is_remote(current):
            watch.start()
        try:
            if settings.demo_when_empty and await load_demo_if_empty(current):
                log.info("the store was empty: loaded the demo city")
                await append(current, audit_event(Viewer(sub="civicmesh", name="demo city"), "import", Outcome.ALLOWED))
            if readers.count:
                await readers.start(current, (lambda: make_store(settings)) if runtime.owned else None)
            yield
        finally:
            if runtime.owned:
                kept.detach(current)
            await readers.stop()
            await watch.stop()
            if loop_watch is not None:
                loop_watch.stop()
            if runtime.owned:
                runtime.store = None
                await current.close()
                log.info("store closed", extra={"store": current.name})

    metrics = Metrics()
    events = AppealEvents()
    schema = build_schema(schema_limits(settings))
    kept = KeptAnswers(settings.answer_cache_s)
    if store is not None:
        kept.attach(store)
    metrics.sources.append(lambda: kept_metrics(kept))
    view = _view(settings, runtime, metrics, events, schema, kept)
    readers = ReaderPool(
        settings.read_processes,
        view,
        use_store=lambda opened: setattr(runtime, "store", opened),
        analysis_slots=max(1, settings.max_analyses),
        deadline=settings.deadline or None,
        on_result=metrics.graphql_result,
    )
    metrics.sources.append(readers.metrics)
    metrics.gathered.append(readers.gathered_metrics)
    heavy_gate = Middleware(
        HeavyGate,
        schema=schema._schema,
        config=api_config(settings),
        slots=settings.heavy_slots,
        analysis_slots=max(0, settings.max_analyses),
    )
    app = Starlette(
        routes=_routes(view, runtime, metrics),
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(MetricsMiddleware, metrics=metrics),
            Middleware(BodySizeLimit),
            Middleware(
                StoreGate,
                store=runtime.current_store,
                retry_after=settings.store_probe_s,
                heavy=lambda body, query: classify(schema._schema, body, query, api_config(settings)) != "light",
            ),
            *(
                [Middleware(ReaderRelay, pool=readers, schema=schema._schema, config=api_config(settings))]
                if readers.count
                else []
            ),
            *([heavy_gate] if settings.heavy_slots > 0 else []),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.metrics = metrics
    app.state.appeal_events = events
    app.state.readers = readers
    return app
