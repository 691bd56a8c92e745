"""What every resolver gets: the store, the request's DataLoaders, the viewer and the API limits.

The service builds one :class:`RequestContext` per request (``service.app``); resolvers reach
it through ``info.context``.  Nothing here knows about HTTP or the service's settings: the
service translates its settings into an :class:`ApiConfig`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry

from graph_schema import WriteBatch
from graph_schema.contract import POINTS_TABLE
from loaders.batch import Loaders
from loaders.store import AuditEvent, GraphStore
from resolvers.appeals.events import AppealEvents
from resolvers.privacy import Viewer


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """The knobs of the API that resolvers apply themselves."""

    reveal_pii: bool = False
    max_page_size: int = 500
    default_page_size: int = 100
    max_subtree_depth: int = 10
    max_analyses: int = 2
    """Heavy analyses (brokerage, coveragePlan) running at once; more are refused (TOO_MANY_ANALYSES)."""
    appeal_due_days: Mapping[str, int] = field(default_factory=dict)
    """Days from report to due, by appeal category (the service's settings); a category missing
    here gets :data:`DEFAULT_DUE_DAYS`."""
    points: Mapping[str, int] = field(default_factory=lambda: dict(POINTS_TABLE))
    """Points (积分) earned by activity kind, for leading a secretary project and for handling an
    appeal (the service's settings; :data:`graph_schema.contract.POINTS_TABLE` by default)."""


DEFAULT_DUE_DAYS = 15


@dataclass(slots=True)
class WriteAudit:
    """The audit event of the mutation field that runs now, written in its write's transaction.

    :class:`resolvers.audit.AuditedMutation` sets one on the context while its field runs;
    :func:`resolvers.mutations.common.write` hands the store ``event(batch)`` with the field's
    first write and notes it as ``written``, so that the write and its event are committed
    together or not at all."""

    event: Callable[[WriteBatch], AuditEvent]
    written: bool = False


@dataclass(slots=True)
class RequestContext:
    """One request's context (``info.context``)."""

    store: GraphStore
    config: ApiConfig
    loaders: Loaders
    viewer: Viewer
    request: Any = None
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    """The HTTP request's id (``X-Request-ID``), for the audit trail."""
    events: AppealEvents = field(default_factory=AppealEvents)
    """The service's live appeal queue (``appealEvents``): the workflow publishes to it."""
    write_audit: WriteAudit | None = None
    """The running mutation field's audit event, for its write (:class:`WriteAudit`)."""

    @classmethod
    def create(
        cls,
        store: GraphStore,
        config: ApiConfig,
        request: Any = None,
        response: Any = None,
        viewer: Viewer | None = None,
        request_id: str | None = None,
        events: AppealEvents | None = None,
    ) -> RequestContext:
        who = viewer if viewer is not None else Viewer(reveal_pii=config.reveal_pii).for_request()
        return cls(
            store=store,
            config=config,
            loaders=Loaders(store, who.role, who.scope),
            viewer=who,
            request=request,
            response=response,
            request_id=request_id,
            events=events if events is not None else AppealEvents(),
        )


Info: TypeAlias = strawberry.Info[RequestContext, None]
