"""GraphQL over HTTP (the GraphQL-over-HTTP spec) on top of strawberry's ASGI view.

strawberry's view already parses POST JSON and GET query strings, refuses other methods,
serves GraphiQL to browsers and answers ``application/json`` with status 200.  This adds
what the spec asks beyond that:

* content negotiation: ``application/graphql-response+json`` when the client names it, or
  ``application/json`` (also for ``*/*`` and ``application/*``, as the spec says a server
  SHOULD, and when there is no Accept header: legacy clients); 406 when the client accepts
  neither;
* with ``application/graphql-response+json``, status 400 for a request that fails before
  execution (parse, validation, limits, variables), 200 once execution started;
* with ``application/json``, always 200 for a well-formed request;
* 405 with ``Allow: POST`` for a mutation over GET (strawberry says 400), and ``Allow`` on
  every 405;
* error bodies of refused requests are GraphQL responses (``{"errors": [...]}``), and JSON
  is UTF-8 (Chinese names travel as is).

And what keeps one request from taking the service:

* a **deadline** per query (``Settings.deadline``): past it the request ends with 504 and
  ``DEADLINE_EXCEEDED``, and its work is cancelled (analytics included: see
  :mod:`resolvers.analytics.flights`);
* a client that **disconnects** cancels its query's work the same way;
* ``TOO_MANY_ANALYSES`` (more heavy analyses than the service runs at once) is answered
  429 with ``Retry-After``.

Mutations have neither deadline nor cancellation: a write, once started, completes and is
answered (cancelling it between the store's commit and the answer would leave the client
not knowing whether it was written).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from graph_schema import Label, RelType
from graph_schema.roles import Role
from loaders.store import Direction, GraphStore, Outcome
from resolvers.analytics.flights import RETRY_AFTER
from resolvers.appeals.events import AppealEvents
from resolvers.audit import append, audit_event
from resolvers.context import ApiConfig, RequestContext
from resolvers.limits import parse_document
from resolvers.point_lookups import PointLookups
from resolvers.privacy import Viewer
from service import json_chunks
from service.access import Access, Refusal
from service.kept_answers import Answer, KeptAnswers
from service.request_log import request_id

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_CHARSET = "; charset=utf-8"

outcomes: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("civicmesh_graphql_outcomes", default=None)
"""Where a request's GraphQL outcome (``ok``, ``field_errors``, ``request_error``) is also told,
when set: a reader process (:mod:`service.reader`) sends it back with the answer, so that the
service counts relayed requests' results as its own."""


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, None when neither is acceptable.

    >>> negotiate("application/graphql-response+json, application/json;q=0.9")
    'application/graphql-response+json'
    >>> negotiate("application/json")
    'application/json'
    >>> negotiate("*/*")
    'application/json'
    >>> negotiate("application/graphql-response+json, */*")
    'application/graphql-response+json'
    >>> negotiate(None)
    'application/json'
    >>> negotiate("text/plain") is None
    True
    """
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            candidate, rank = GRAPHQL_RESPONSE, (2, 1)
        elif media == JSON:
            candidate, rank = JSON, (2, 0)
        elif media in ("application/*", "*/*"):
            candidate, rank = JSON, (1 if media == "application/*" else 0, 0)
        else:
            continue
        score = (q, *rank)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """True when the request failed before execution: a GraphQL response without ``data``."""
    if isinstance(result, PreExecutionError):
        return True
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())


class _Encoded(dict[str, Any]):
    """A response whose JSON was encoded already, in slices (:func:`service.json_chunks.encode`)."""

    encoded: bytes = b""


def _error_body(message: str, code: str, **extensions: Any) -> bytes:
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return json.dumps({"errors": [error]}, ensure_ascii=False).encode()


def deadline_response(deadline: float, media: str) -> Response:
    """504 ``DEADLINE_EXCEEDED``: the answer of a query stopped at its deadline (its work cancelled),
    whether it ran here or waited for a reader (:mod:`service.reader_relay`)."""
    message = (
        f"The request did not finish within its deadline of {deadline:g} s and was stopped; ask for "
        "less (a smaller area, fewer fields) or try again when the service is less busy."
    )
    body = _error_body(message, "DEADLINE_EXCEEDED", deadline=deadline)
    return Response(body, status_code=504, media_type=media + _CHARSET)


def is_mutation(method: str, body: bytes) -> bool:
    """Whether a POST body asks for a mutation (a body that does not parse is not one: it is refused later).

    A body without the word ``mutation`` is not one and is not parsed; the others are parsed
    once per distinct document (the same bounded cache as execution's, within its token limit).

    >>> is_mutation("POST", b'{"query": "mutation M { createStreet(input: {}) { errors { code } } }"}')
    True
    >>> is_mutation("POST", b'{"query": "{ streets { totalCount } }"}'), is_mutation("GET", b"")
    (False, False)
    >>> is_mutation("POST", b'{"query": "query mutation { streets { totalCount } }"}')
    False
    """
    if method != "POST" or b"mutation" not in body:
        return False
    try:
        data = json.loads(body)
        kinds = _operation_kinds(data["query"])
    except (ValueError, TypeError, KeyError, GraphQLError):
        return False
    name = data.get("operationName")
    if name is None:
        return any(kinds.values()) if len(kinds) == 1 else False
    return kinds.get(name, False)


_CLASSIFY_TOKENS = 1_000_000
"""No token limit of its own: a mutation is never mistaken for a query (which a disconnect may
cancel) because it is long; execution applies the configured limit."""


@functools.lru_cache(maxsize=256)
def _operation_kinds(query: str) -> dict[str | None, bool]:
    """Each operation of ``query`` by name (None when unnamed): whether it is a mutation."""
    document = parse_document(query, _CLASSIFY_TOKENS)
    return {
        (d.name.value if d.name is not None else None): d.operation == OperationType.MUTATION
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }


async def _disconnected(receive: Receive) -> None:
    """Returns when the client goes away (after the body was read, ``receive`` only tells of that)."""
    while (await receive())["type"] != "http.disconnect":
        pass


UNEXPECTED = "INTERNAL_SERVER_ERROR"
"""The code of an error no other code describes (a bug: its message is masked, "Unexpected
error.", and its traceback logged with the request id)."""


def _code_every_error(data: GraphQLHTTPResponse) -> None:
    """Give every error of a response without ``extensions.code`` the code :data:`UNEXPECTED`.

    >>> data = {"errors": [{"message": "Unexpected error."}, {"message": "x", "extensions": {"code": "C"}}]}
    >>> _code_every_error(data); [e["extensions"]["code"] for e in data["errors"]]
    ['INTERNAL_SERVER_ERROR', 'C']
    """
    for error in cast("list[dict[str, Any]]", data.get("errors") or []):
        extensions = error.get("extensions") or {}
        if not extensions.get("code"):
            error["extensions"] = {**extensions, "code": UNEXPECTED}


def _viewer_key(viewer: Viewer) -> tuple[Any, ...]:
    """What of the viewer an answer depends on (not the request's disclosures collector)."""
    return (viewer.sub, viewer.role, viewer.scope, viewer.reveal_pii)


def _codes(result: ExecutionResult) -> set[str]:
    return {str((e.extensions or {}).get("code")) for e in result.errors or ()}


class GraphQLView(GraphQL[RequestContext, None]):
    """strawberry's ASGI view with the spec's media types and status codes and civicmesh's context."""

    def __init__(
        self,
        schema: BaseSchema,
        store: Callable[[], GraphStore],
        config: ApiConfig,
        graphiql: bool,
        on_result: Callable[[str], None] | None = None,
        access: Access | None = None,
        events: AppealEvents | None = None,
        deadline: float | None = None,
        kept: KeptAnswers | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self._store = store
        self._config = config
        self._on_result = on_result
        self._access = access or Access(None, config.reveal_pii)
        self._events = events or AppealEvents()
        self._deadline = deadline
        self.kept = kept if kept is not None else KeptAnswers(0.0)
        """Point lookups' answers kept whole (:mod:`service.kept_answers`)."""
        self._lookups = PointLookups(cast(Schema, schema)._schema)

    async def _scope_label(self, scope: str) -> str | None:
        (record,) = await self._store().get_nodes([scope])
        return record.label if record is not None else None

    async def _worker_areas(self, sub: str) -> list[str] | None:
        store = self._store()
        (record,) = await store.get_nodes([sub])
        if record is None or record.label != Label.WORKER.value:
            return None
        (edges,) = await store.neighbours([sub], RelType.WORKS_IN.value, Direction.OUT)
        return sorted(e.node.id for e in edges)

    async def _unauthorized(self, refusal: Refusal, media: str) -> Response:
        """401 for a refused token, and a DENIED event in the audit trail."""
        event = replace(
            audit_event(None, "authenticate", Outcome.DENIED, code=refusal.code, request_id=request_id.get()),
            actor=refusal.sub,
            name=refusal.name,
            role=refusal.role,
            scope=refusal.scope,
        )
        await append(self._store(), event)
        challenge = 'Bearer realm="civicmesh"'
        if refusal.code != "TOKEN_MISSING":  # RFC 6750: no error code when no token was sent
            said = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "?" for c in refusal.message)
            challenge += f', error="invalid_token", error_description="{said}"'
        error = {"message": refusal.message, "extensions": {"code": "UNAUTHENTICATED", "reason": refusal.code}}
        body = json.dumps({"errors": [error]}, ensure_ascii=False).encode()
        return Response(body, status_code=401, media_type=media + _CHARSET, headers={"WWW-Authenticate": challenge})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        method = request.method
        if method not in ("GET", "POST"):
            await self._refuse(405, "GraphQL is served over GET (queries) and POST", JSON, {"Allow": "GET, POST"})(
                scope, receive, send
            )
            return
        if method == "GET" and self.should_render_graphql_ide(self.request_adapter_class(request)):
            await super().__call__(scope, receive, send)
            return
        media = negotiate(request.headers.get("accept"))
        if media is None:
            await self._refuse(406, f"this endpoint answers {GRAPHQL_RESPONSE} or {JSON}; see the Accept header", JSON)(
                scope, receive, send
            )
            return
        request.state.graphql_media_type = media
        viewer = await self._access.identify(
            request.headers.get("authorization"), self._scope_label, self._worker_areas
        )
        if isinstance(viewer, Refusal):
            await (await self._unauthorized(viewer, media))(scope, receive, send)
            return
        request.state.viewer = viewer
        body = await request.body()  # read now: from here on, receive() only tells of a disconnect
        writes = is_mutation(method, body)
        key: tuple[Any, ...] | None = None
        if self.kept.enabled and not writes:
            key = (
                media,
                _viewer_key(viewer),
                method,
                request.headers.get("content-type"),
                scope.get("query_string", b""),
                body,
            )
            answer = self.kept.get(key)
            if answer is not None:
                self._told("ok")
                await send({"type": "http.response.start", "status": 200, "headers": list(answer.headers)})
                await send({"type": "http.response.body", "body": answer.body})
                return
            mark = self.kept.mark()
        try:
            if writes:
                response = await self.run(request)
            else:
                answered = await self._run_watched(request, receive, media)
                if answered is None:
                    return  # the client went away: its work was cancelled, nobody to answer
                response = answered
                if key is not None:
                    self._keep(key, mark, request, body, viewer, response)
        except HTTPException as exc:
            headers = {"Allow": "POST"} if exc.status_code == 405 else None
            response = self._refuse(exc.status_code, exc.reason, media, headers)
        await response(scope, receive, send)

    def _keep(
        self, key: tuple[Any, ...], mark: int, request: Request, body: bytes, viewer: Viewer, response: Response
    ) -> None:
        """Keep ``response`` when it answers a point lookup whole: status 200, no error, nothing
        disclosed (:mod:`service.kept_answers`)."""
        if response.status_code != 200 or b'"errors"' in response.body:
            return
        if viewer.disclosures is not None and viewer.disclosures.ids:
            return
        try:
            data = json.loads(body) if request.method == "POST" else dict(request.query_params)
            if isinstance(data.get("variables"), str):  # GET: the variables are JSON text
                data["variables"] = json.loads(data["variables"])
            query, name, variables = data["query"], data.get("operationName"), data.get("variables")
        except (ValueError, TypeError, KeyError, AttributeError):
            return
        if (
            not isinstance(query, str)
            or not isinstance(name, (str, type(None)))
            or not isinstance(variables, (dict, type(None)))
        ):
            return
        ids = self._lookups.ids(query, name, variables)
        if ids is not None:
            self.kept.put(
                key,
                mark,
                ids,
                scoped=viewer.scope is not None or viewer.role is not Role.ADMIN,
                answer=Answer(list(response.raw_headers), bytes(response.body)),
            )

    def _told(self, outcome: str) -> None:
        """Count a GraphQL outcome (the metrics, and a reader's report of what it served)."""
        if self._on_result is not None:
            self._on_result(outcome)
        if (told := outcomes.get()) is not None:
            told.append(outcome)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Subscriptions (graphql-transport-ws): the token of the upgrade request's Authorization
        header decides the viewer, as for HTTP; a refused token closes the socket (4401) with a
        DENIED audit event."""
        socket = WebSocket(scope, receive=receive, send=send)
        viewer = await self._access.identify(socket.headers.get("authorization"), self._scope_label, self._worker_areas)
        if isinstance(viewer, Refusal):
            event = audit_event(None, "authenticate", Outcome.DENIED, code=viewer.code)
            await append(self._store(), replace(event, actor=viewer.sub, name=viewer.name, role=viewer.role))
            # accepted, then closed with graphql-transport-ws's "Unauthorized" (a refused handshake
            # would reach the client only as an HTTP 403 without the reason)
            offered = scope.get("subprotocols") or []
            chosen = GRAPHQL_TRANSPORT_WS_PROTOCOL if GRAPHQL_TRANSPORT_WS_PROTOCOL in offered else None
            await socket.accept(subprotocol=chosen)
            await socket.close(code=4401, reason=viewer.code)
            return
        socket.state.viewer = viewer
        await super().__call__(scope, receive, send)

    async def _run_watched(self, request: Request, receive: Receive, media: str) -> Response | None:
        """Run a query until it answers, its deadline passes (504, DEADLINE_EXCEEDED) or its
        client disconnects (None); in the last two cases its work is cancelled."""
        work = asyncio.ensure_future(self.run(request))
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            done, _ = await asyncio.wait({work, gone}, timeout=self._deadline, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            if not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await work
        if work in done:
            return work.result()
        if gone in done:
            return None
        return deadline_response(cast(float, self._deadline), media)

    def _refuse(self, status: int, message: str, media: str, headers: dict[str, str] | None = None) -> Response:
        code = {
            400: "BAD_REQUEST",
            401: "UNAUTHENTICATED",
            404: "NOT_FOUND",
            405: "METHOD_NOT_ALLOWED",
            406: "NOT_ACCEPTABLE",
            413: "PAYLOAD_TOO_LARGE",
            415: "UNSUPPORTED_MEDIA_TYPE",
        }.get(status, "BAD_REQUEST")
        return Response(_error_body(message, code), status_code=status, media_type=media + _CHARSET, headers=headers)

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        viewer = getattr(request.state, "viewer", None) if isinstance(request, (Request, WebSocket)) else None
        return RequestContext.create(
            self._store(),
            self._config,
            request=request,
            response=response,
            viewer=viewer,
            request_id=request_id.get(),
            events=self._events,
        )

    async def get_sub_response(self, request: Any) -> Response:
        sub = await super().get_sub_response(request)
        if isinstance(request, Request):
            request.state.graphql_sub_response = sub
            sub.graphql_media_type = getattr(request.state, "graphql_media_type", JSON)  # type: ignore[attr-defined]
        return sub

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            if request_adapter.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, "mutations are not allowed over GET; send them with POST") from exc
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        _code_every_error(data)
        outcome = "request_error" if is_request_error(result) else "field_errors" if result.errors else "ok"
        self._told(outcome)
        if "TOO_MANY_ANALYSES" in _codes(result):
            sub = getattr(request.state, "graphql_sub_response", None)
            if sub is not None:
                sub.status_code = 429
                sub.headers["Retry-After"] = str(RETRY_AFTER)
        if is_request_error(result):
            data.pop("data", None)
            if getattr(request.state, "graphql_media_type", JSON) == GRAPHQL_RESPONSE:
                sub = getattr(request.state, "graphql_sub_response", None)
                if sub is not None:
                    sub.status_code = 400
        if json_chunks.estimate(data) > json_chunks.CHUNK:  # a big answer: encoded here, in slices
            encoded = _Encoded(data)
            encoded.encoded = await json_chunks.encode(data)
            return cast(GraphQLHTTPResponse, encoded)
        return data

    def encode_json(self, data: object) -> bytes:
        if isinstance(data, _Encoded):
            return data.encoded
        return json_chunks.dumps(data).encode()

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = getattr(sub_response, "graphql_media_type", JSON) + _CHARSET
        return response
