"""What every resolver gets: the store, the request's DataLoaders, the viewer and the API limits.

The service builds one :class:`RequestContext` per request (``service.app``); resolvers reach
it through ``info.context``.  Nothing here knows about HTTP or the service's settings: the
service translates its settings into an :class:`ApiConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry

from loaders.batch import Loaders
from loaders.store import GraphStore
from resolvers.privacy import Viewer


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """The knobs of the API that resolvers apply themselves."""

    reveal_pii: bool = False
    max_page_size: int = 500
    default_page_size: int = 100
    max_subtree_depth: int = 10


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

    @classmethod
    def create(
        cls,
        store: GraphStore,
        config: ApiConfig,
        request: Any = None,
        response: Any = None,
        viewer: Viewer | None = None,
        request_id: str | None = None,
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
        )


Info: TypeAlias = strawberry.Info[RequestContext, None]
