# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Relay connections: root listings (keyset pages from the store) and relationship lists.

``XConnection`` lists nodes of type X; relationships with properties get their own edge
types: ``XSinceConnection`` (``since`` of LINKS, REPORTED_TO, JOINED) and
``XVisitConnection`` (``on`` of VISITED).  Every connection has ``edges``, ``nodes``,
``pageInfo`` and ``totalCount`` (counted only when asked for).

Relationship lists come from the request's DataLoaders, one store round trip per layer of a
query.  They are ordered by the other node's id (then the visit date); a first page asks the
store for ``first + 1`` relationships, other pages are cut from the whole list.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from graph_schema import Node as Record
from loaders.cursors import decode_cursor, encode_cursor
from loaders.store import Direction, NodeFilter, Order, Page
from loaders.store import Edge as StoreEdge
from resolvers.context import ApiConfig, Info
from resolvers.errors import ClientError
from resolvers.node import BUILDERS, as_node, date_of
from resolvers.selection import connection_plan

T = TypeVar("T")

# --- the page arguments every listing takes --------------------------------------------
First = Annotated[
    int | None,
    strawberry.argument(
        description="Forward paging: at most this many nodes (default 100, at most 500, unless the service is "
        "configured otherwise; more is refused with PAGE_SIZE_EXCEEDED). Not with last."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Forward paging: the nodes after this cursor (pageInfo.endCursor of the page before). Goes "
        "with first."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Backward paging: at most this many nodes, the last ones before `before` (or of the listing); "
        "the same limits as first. Not with first."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Backward paging: the nodes before this cursor (pageInfo.startCursor of the page after). Goes "
        "with last."
    ),
]

_CURSOR = "Opaque position of this edge in its listing: pass it as after (or before) to page on from here."


@strawberry.type(description="Where a page sits in its listing (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether nodes follow this page (when paging backwards: whether `before` was given)."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether nodes precede this page (when paging forwards: whether `after` was given)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first edge (pass it as before for the page before); null when the page "
        "is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last edge (pass it as after for the next page); null when the page is "
        "empty."
    )


def _cursor(key: Any) -> str:
    return key if isinstance(key, str) else encode_cursor(key[1], key[0])


@strawberry.type(description="A node in a listing, with its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The node.")
    key: strawberry.Private[Any]

    @strawberry.field(description=_CURSOR)
    def cursor(self) -> str:
        return _cursor(self.key)


@strawberry.type(description="A node reached through a relationship that has a start date (since).")
class SinceEdge(Generic[T]):
    node: T = strawberry.field(description="The node at the other end of the relationship.")
    since: dt.date | None = strawberry.field(
        description="When the relationship started (its since property); null when not recorded."
    )
    key: strawberry.Private[Any]

    @strawberry.field(description=_CURSOR)
    def cursor(self) -> str:
        return _cursor(self.key)


@strawberry.type(description="A visit (走访): the node at the other end and the day of the visit.")
class VisitEdge(Generic[T]):
    node: T = strawberry.field(description="The node at the other end: the visiting member or the visited household.")
    on: dt.date = strawberry.field(description="The day of the visit.")
    key: strawberry.Private[Any]

    @strawberry.field(description=_CURSOR)
    def cursor(self) -> str:
        return _cursor(self.key)


@strawberry.type(
    description="A page of nodes (Relay connection). Root listings are sorted by orderBy (id ascending by "
    "default); the lists of a node's relationships by the other node's id."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The nodes of this page with their cursors, in listing order.")
    page_info: PageInfo = strawberry.field(description="Whether there are more pages, and the cursors to reach them.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of this page (the edges' nodes, for clients that need no cursors).")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]

    @strawberry.field(
        description="How many nodes the whole listing has (all pages, filter applied); counted only when selected."
    )
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type(
    description="A page of nodes reached through relationships with a start date (LINKS, REPORTED_TO, JOINED), "
    "sorted by the other node's id."
)
class SinceConnection(Generic[T]):
    edges: list[SinceEdge[T]] = strawberry.field(
        description="The nodes of this page with the relationships' since dates."
    )
    page_info: PageInfo = strawberry.field(description="Whether there are more pages, and the cursors to reach them.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(
        description="The nodes of this page (the edges' nodes, for clients that need neither cursors nor dates)."
    )
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]

    @strawberry.field(
        description="How many relationships the whole listing has (all pages); counted only when selected."
    )
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type(
    description="A page of visits (VISITED, 月联月访), sorted by the other node's id, then by the day of the visit."
)
class VisitConnection(Generic[T]):
    edges: list[VisitEdge[T]] = strawberry.field(description="The visits of this page: who or what, and on which day.")
    page_info: PageInfo = strawberry.field(description="Whether there are more pages, and the cursors to reach them.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of this page (a node visited twice appears twice).")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]

    @strawberry.field(description="How many visits the whole listing has (all pages); counted only when selected.")
    async def total_count(self) -> int:
        return await self.count()


# --- page arguments -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Window:
    """Resolved Relay arguments: ``size`` nodes after ``after`` (forwards) or before
    ``before`` (``backward``)."""

    size: int
    after: str | None = None
    before: str | None = None
    backward: bool = False

    @property
    def first_page(self) -> bool:
        return not self.backward and self.after is None and self.before is None


def window(config: ApiConfig, first: int | None, after: str | None, last: int | None, before: str | None) -> Window:
    """Check and resolve first/after/last/before (a :class:`ClientError` says what is wrong)."""
    limit = config.max_page_size
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise ClientError(f"{name} must not be negative, got {value}", "BAD_PAGE")
        if value is not None and value > limit:
            raise ClientError(
                f"{name}: {value} is more than the largest page this service serves ({limit}); "
                "page through the listing with after/before",
                "PAGE_SIZE_EXCEEDED",
            )
    if first is not None and last is not None:
        raise ClientError("give first (with after) or last (with before), not both", "BAD_PAGE")
    if last is not None or (before is not None and first is None):
        if after is not None:
            raise ClientError("after goes with first; use before with last", "BAD_PAGE")
        size = last if last is not None else min(config.default_page_size, limit)
        return Window(size=size, before=before, backward=True)
    if before is not None:
        raise ClientError("before goes with last; use after with first", "BAD_PAGE")
    size = first if first is not None else min(config.default_page_size, limit)
    return Window(size=size, after=after)


def _check_cursor(cursor: str | None, argument: str) -> tuple[Any, str] | None:
    if cursor is None:
        return None
    try:
        return decode_cursor(cursor)
    except ValueError as exc:
        raise ClientError(f"{argument}: {exc}", "BAD_CURSOR") from None


def _asks_page_info(info: Info) -> bool:
    """Whether pageInfo is selected (a page of ``first: 0`` still says whether nodes follow)."""
    return connection_plan(info).page_info


# --- root listings --------------------------------------------------------------------
async def list_connection(
    info: Info,
    label: str,
    flt: NodeFilter | None,
    order: Order,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Any:
    """A page of the nodes of ``label`` (keyset pagination in the store)."""
    ctx = info.context
    win = window(ctx.config, first, after, last, before)
    _check_cursor(win.after, "after")
    _check_cursor(win.before, "before")
    loaders = ctx.loaders
    plan = connection_plan(info)
    if not plan.page or (win.size == 0 and not _asks_page_info(info)):
        page = Page(nodes=[], cursors=[], has_more=False)  # only totalCount: the count alone runs
    else:
        page = await loaders.list_nodes(
            label,
            filter=flt,
            order=order,
            first=win.size,
            after=win.before if win.backward else win.after,
            backward=win.backward,
            props=plan.props,
        )
    edges = [Edge(node=as_node(n), key=c) for n, c in zip(page.nodes, page.cursors, strict=True)]
    if win.backward:
        has_previous, has_next = page.has_more, win.before is not None
    else:
        has_previous, has_next = win.after is not None, page.has_more
    info_ = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )

    async def count() -> int:
        return await loaders.count_nodes(label, flt)

    return Connection(edges=edges, page_info=info_, count=count)


# --- relationship lists ---------------------------------------------------------------
EdgeKind = type[Edge[Any]] | type[SinceEdge[Any]] | type[VisitEdge[Any]]


def _sort_key(edge: StoreEdge) -> tuple[str, str]:
    return edge.node.id, str(edge.relationship.properties.get("on", ""))


def _make_edge(kind: str, edge: StoreEdge) -> Any:
    node = as_node(edge.node)
    key = (edge.node.id, str(edge.relationship.properties.get("on", "")))
    if kind == "since":
        return SinceEdge(node=node, since=date_of(edge.relationship.properties.get("since")), key=key)
    if kind == "visit":
        on = date_of(edge.relationship.properties.get("on")) or dt.date.min
        return VisitEdge(node=node, on=on, key=key)
    return Edge(node=node, key=key)


def _make_edges(kind: str, chosen: Sequence[StoreEdge]) -> list[Any]:
    """The edges of a page (plain edges, the hot case, in one loop: the same as ``_make_edge``)."""
    if kind != "plain":
        return [_make_edge(kind, e) for e in chosen]
    types = BUILDERS
    out = []
    for e in chosen:
        record = e.node
        on = e.relationship.properties.get("on", "")
        out.append(Edge(node=types[record.label](record), key=(record.id, on if type(on) is str else str(on))))
    return out


_CONNECTIONS: dict[str, Any] = {"plain": Connection, "since": SinceConnection, "visit": VisitConnection}


async def related(
    info: Info,
    record: Record,
    rel_type: str,
    direction: Direction,
    labels: Sequence[str] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    kind: str = "plain",
) -> Any:
    """A page of the nodes at the other end of ``record``'s relationships."""
    ctx = info.context
    win = window(ctx.config, first, after, last, before)
    loaders = ctx.loaders
    plan = connection_plan(info)
    if not plan.page or (win.size == 0 and not _asks_page_info(info)):
        chosen, has_previous, has_next = [], False, False  # only totalCount: the count alone runs
    elif win.first_page:
        found = await loaders.neighbours(rel_type, direction, labels, win.size + 1, plan.props, plan.below).load(
            record.id
        )
        chosen, has_previous, has_next = found[: win.size], False, len(found) > win.size
    else:
        found = await loaders.neighbours(rel_type, direction, labels, None, plan.props).load(record.id)
        keys = [_sort_key(e) for e in found]
        lo, hi = 0, len(found)
        mark = _check_cursor(win.after, "after")
        if mark is not None:
            lo = bisect.bisect_right(keys, (mark[1], str(mark[0])))
        mark = _check_cursor(win.before, "before")
        if mark is not None:
            hi = bisect.bisect_left(keys, (mark[1], str(mark[0])))
        hi = max(lo, hi)
        if win.backward:
            start = max(lo, hi - win.size)
            chosen, has_previous, has_next = found[start:hi], start > 0, hi < len(found)
        else:
            end = min(hi, lo + win.size)
            chosen, has_previous, has_next = found[lo:end], lo > 0, end < len(found)
    edges = _make_edges(kind, chosen)
    page_info = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=_cursor(edges[0].key) if edges else None,
        end_cursor=_cursor(edges[-1].key) if edges else None,
    )
    counter = loaders.count(rel_type, direction, labels)

    async def count() -> int:
        return await counter.load(record.id)

    return _CONNECTIONS[kind](edges=edges, page_info=page_info, count=count)


async def related_one(
    info: Info, record: Record, rel_type: str, direction: Direction, labels: Sequence[str] | None = None
) -> Any:
    """The node at the other end of ``record``'s one relationship of ``rel_type`` (e.g. its
    PART_OF parent), or None."""
    found = await info.context.loaders.neighbours(rel_type, direction, labels).load(record.id)
    return as_node(found[0].node) if found else None


async def related_all(
    info: Info, record: Record, rel_type: str, direction: Direction, labels: Sequence[str] | None = None
) -> list[StoreEdge]:
    """Every relationship of ``rel_type`` of ``record`` (small lists only)."""
    return await info.context.loaders.neighbours(rel_type, direction, labels).load(record.id)


__all__ = [
    "After",
    "Before",
    "Connection",
    "Edge",
    "EdgeKind",
    "First",
    "Last",
    "PageInfo",
    "SinceConnection",
    "SinceEdge",
    "VisitConnection",
    "VisitEdge",
    "Window",
    "list_connection",
    "related",
    "related_all",
    "related_one",
    "window",
]
