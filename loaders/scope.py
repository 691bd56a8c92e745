"""What one viewer may read: a :class:`Scope`, resolved once per request and passed to every
read of the store port, which applies it inside its own queries.

A scope is a *root* area, whose PART_OF subtree is inside together with what
``graph_schema.WITHIN_VIA`` attaches to it (members through the household they live in,
organizations through the area they govern, stations through their building), plus two
explicit sets of ids: ``ids`` (whole records) and ``name_only`` (visible, but only by name:
the root's ancestors, the areas an alliance unit's alliances serve).  Everything else behaves
as if it did not exist.  ``None`` instead of a scope means the whole city.

Which scope a role gets (``docs/design.md``, "Users, roles and scopes"):

=================  ===============================================================================
ADMIN              the whole city
CITY, ANALYST      the whole city, or their area's subtree (root), ancestors by name
STREET, COMMUNITY  their area's subtree, its ancestors by name
GRID_WORKER        their grid's subtree, its ancestors by name
VANGUARD           themselves, the households and members they LINK, the stations they run and
                   the buildings those stand in, the appeals assigned to them or concerning or
                   raised by the households they LINK (ids)
ALLIANCE_UNIT      their unit, the alliances it joined and the appeals assigned to it (ids); the
                   areas those serve (by name)
=================  ===============================================================================

Resolving a scope costs a store round trip or two (the ancestors, or a vanguard's links), so
resolved scopes are kept per store, until this process writes to the store (its
``generation`` changes) or for at most ``max_age`` seconds: a write by another process shows
in a kept scope's explicit sets within ``max_age`` (the root's subtree is always read live).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph_schema import Node
from graph_schema.roles import Role
from loaders.expiring import ExpiringCache

if TYPE_CHECKING:
    from loaders.store import GraphStore


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of the graph one viewer may read (see the module docstring)."""

    root: str | None = None
    """An area: its PART_OF subtree and what WITHIN_VIA attaches to it are inside."""
    ids: frozenset[str] = field(default_factory=frozenset)
    """Further nodes whose whole records are visible."""
    name_only: frozenset[str] = field(default_factory=frozenset)
    """Nodes visible by their name only (ancestors of the root, areas served)."""

    @property
    def listed(self) -> frozenset[str]:
        """Every explicitly visible id (``ids`` and ``name_only``)."""
        return self.ids | self.name_only

    def present(self, node: Node) -> Node:
        """``node`` as this scope shows it: a name-only node keeps nothing but its name."""
        if node.id in self.name_only and node.id not in self.ids:
            return Node(node.label, node.id, {"name": node.name})
        return node


NOTHING = Scope()
"""A scope in which nothing is visible (a viewer bound to a node that does not exist)."""

_AREA_ROLES = frozenset({Role.CITY, Role.STREET, Role.COMMUNITY, Role.GRID_WORKER, Role.ANALYST})


async def resolve_scope(store: GraphStore, role: Role, scope_id: str | None) -> Scope | None:
    """The scope of a viewer acting in ``role`` bound to ``scope_id`` (None: the whole city).

    Asks the store without a scope (these reads decide the scope).  A bound node that does
    not exist, or has a label the role cannot be bound to, gives :data:`NOTHING`.
    """
    from loaders.store import Direction

    if role is Role.ADMIN or (scope_id is None and not role.needs_scope):
        return None
    if scope_id is None:
        return NOTHING
    (bound,) = await store.get_nodes([scope_id])
    if bound is None or bound.label not in {label.value for label in role.scope_labels}:
        return NOTHING
    if role in _AREA_ROLES:
        (chain,) = await store.ancestors([scope_id], "PART_OF")
        return Scope(root=scope_id, name_only=frozenset(n.id for n in chain))
    if role is Role.VANGUARD:
        links, runs = await asyncio.gather(
            store.neighbours([scope_id], "LINKS", Direction.OUT),
            store.neighbours([scope_id], "RUNS", Direction.OUT),
        )
        stations = [e.node.id for e in runs[0]]
        buildings = await store.neighbours(stations, "LOCATED_IN", Direction.OUT) if stations else []
        ids = {scope_id, *(e.node.id for e in links[0]), *stations}
        ids.update(e.node.id for found in buildings for e in found)
        ids.update(await _appeals_of(store, [scope_id], [e.node.id for e in links[0] if e.node.label == "Household"]))
        return Scope(ids=frozenset(ids))
    if role is Role.ALLIANCE_UNIT:
        (joined,) = await store.neighbours([scope_id], "JOINED", Direction.OUT)
        alliances = [e.node.id for e in joined]
        served = await store.neighbours(alliances, "SERVES", Direction.OUT) if alliances else []
        return Scope(
            ids=frozenset({scope_id, *alliances, *await _appeals_of(store, [scope_id], [])}),
            name_only=frozenset(e.node.id for found in served for e in found),
        )
    return NOTHING  # pragma: no cover - every role is handled above


async def _appeals_of(store: GraphStore, handlers: list[str], households: list[str]) -> set[str]:
    """The appeals assigned to ``handlers`` and those concerning or raised by ``households``: what
    a vanguard (or an alliance unit) works on besides its own nodes."""
    from loaders.store import Direction

    found: set[str] = set()
    for ids, rel_type in ((handlers, "ASSIGNED_TO"), (households, "CONCERNS"), (households, "RAISED_BY")):
        if ids:
            for edges in await store.neighbours(ids, rel_type, Direction.IN, labels=["Appeal"]):
                found.update(e.node.id for e in edges)
    return found


class ScopeCache:
    """Resolved scopes of one store, shared by the requests of one process: each resolved once at
    a time and refreshed in the background when it ages (:class:`loaders.expiring.ExpiringCache`)."""

    def __init__(self, store: GraphStore, max_age: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_age = max_age
        self._kept: ExpiringCache[tuple[Role, str | None, int], Scope | None] = ExpiringCache(max_age, clock)

    async def get(self, role: Role, scope_id: str | None) -> Scope | None:
        """The scope of (role, scope_id): kept, or resolved now."""
        return await self._kept.get(
            (role, scope_id, self.store.generation), lambda: resolve_scope(self.store, role, scope_id)
        )

    def invalidate(self) -> None:
        """Forget every kept scope (after a write through this process)."""
        self._kept.invalidate()


_CACHES: weakref.WeakKeyDictionary[GraphStore, ScopeCache] = weakref.WeakKeyDictionary()


def scope_cache(store: GraphStore) -> ScopeCache:
    """The one scope cache of ``store`` in this process (made on first use)."""
    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = ScopeCache(store)
    return cache
