"""Who uses civicmesh: roles, each bound to one node of the graph (its *scope*).

A viewer acts in one :class:`Role`.  Every role but ``ADMIN`` (and an unscoped ``CITY`` or
``ANALYST``) is bound to a node whose label :data:`SCOPE_LABELS` allows; what the role may read
and write is decided from that node (``docs/design.md``, "Users, roles and scopes").

>>> Role("GRID_WORKER").scope_labels
frozenset({<Label.GRID: 'Grid'>})
>>> Role.ADMIN.needs_scope, Role.CITY.needs_scope, Role.STREET.needs_scope
(False, False, True)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from graph_schema.contract import AREA_LABELS, Label


class Role(StrEnum):
    """A viewer's role."""

    ADMIN = "ADMIN"
    """Everything, and the audit log."""
    CITY = "CITY"
    """The city (no scope) or one street: areas, organizations, alliances, links."""
    STREET = "STREET"
    """One street's subtree."""
    COMMUNITY = "COMMUNITY"
    """One community's subtree."""
    GRID_WORKER = "GRID_WORKER"
    """One grid: buildings, households, residents, branches, stations."""
    VANGUARD = "VANGUARD"
    """One party member: the households and members they link."""
    ALLIANCE_UNIT = "ALLIANCE_UNIT"
    """One alliance member unit: its unit, alliances and aggregate figures of the areas served."""
    ANALYST = "ANALYST"
    """Analytics inside an area (or everywhere); node records always masked; no writes."""

    @property
    def scope_labels(self) -> frozenset[Label]:
        """The labels the scope node of this role may have (empty: the role takes no scope)."""
        return SCOPE_LABELS[self]

    @property
    def needs_scope(self) -> bool:
        """Whether a viewer of this role must be bound to a node."""
        return self not in UNSCOPED_ALLOWED


SCOPE_LABELS: Final[dict[Role, frozenset[Label]]] = {
    Role.ADMIN: frozenset(),
    Role.CITY: frozenset({Label.STREET}),
    Role.STREET: frozenset({Label.STREET}),
    Role.COMMUNITY: frozenset({Label.COMMUNITY}),
    Role.GRID_WORKER: frozenset({Label.GRID}),
    Role.VANGUARD: frozenset({Label.PARTY_MEMBER}),
    Role.ALLIANCE_UNIT: frozenset({Label.ALLIANCE_MEMBER}),
    Role.ANALYST: frozenset(AREA_LABELS),
}
"""Which labels each role's scope node may have."""

UNSCOPED_ALLOWED: Final[frozenset[Role]] = frozenset({Role.ADMIN, Role.CITY, Role.ANALYST})
"""Roles that may act without a scope (the whole city)."""
