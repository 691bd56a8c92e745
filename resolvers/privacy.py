"""Who sees what: the one place where the API decides to mask personal information.

Every GraphQL type that shows a personal property (household ``headName``, ``phone``,
``headIdNumber``, ``address``, ``tags``; member ``name``, ``phone``, ``idNumber``,
``gender``, ``birthYear``) asks :meth:`Viewer.reveal`, which masks through
:mod:`graph_schema.privacy`.  The service makes the viewer from the request
(``service.access``: a bearer token's grant, or ``Settings.reveal_pii`` without one).  What a
viewer may read at all is its scope (:mod:`loaders.scope`, applied by the stores); what it
may write, :mod:`resolvers.permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from graph_schema import PII_FIELDS, Label, Node
from graph_schema.privacy import mask_value
from graph_schema.roles import Role

NEVER_REVEALED: frozenset[Role] = frozenset({Role.ANALYST, Role.ALLIANCE_UNIT})
"""Roles that never see personal information unmasked, whatever their grant says."""


@dataclass(slots=True)
class Disclosures:
    """What one request showed unmasked: the ids of the nodes and the names of their personal
    fields (for the audit trail; never the values)."""

    ids: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.ids)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person (or service) a request acts for.

    ``sub`` and ``name`` identify them (a token's subject and display name; None for an
    anonymous request), ``role`` and ``scope`` (the local id of the node the role is bound to,
    None for the whole city) decide what they may read and write, and ``reveal_pii`` whether
    personal information is shown unmasked to them.  ``disclosures`` (one per request, see
    :meth:`for_request`) collects what was shown unmasked, for the audit trail.
    """

    reveal_pii: bool = False
    role: Role = Role.ADMIN
    scope: str | None = None
    sub: str | None = None
    name: str | None = None
    disclosures: Disclosures | None = field(default=None, compare=False, repr=False)

    def for_request(self) -> Viewer:
        """This viewer with a fresh :class:`Disclosures` collector, for one request."""
        return replace(self, disclosures=Disclosures())

    @property
    def sees_pii(self) -> bool:
        """Whether personal information is shown to this viewer unmasked: granted
        ``reveal_pii``, in a role that may see it (never an analyst or an alliance unit)."""
        return self.reveal_pii and self.role not in NEVER_REVEALED

    def reveal(self, record: Node, field: str) -> Any:
        """The value of ``record.properties[field]`` as this viewer may see it."""
        value = record.properties.get(field)
        if value is None:
            return value
        if self.sees_pii:
            if self.disclosures is not None:
                self.disclosures.ids.add(record.id)
                self.disclosures.fields.add(field)
            return value
        return mask_value(record.label, field, value)

    def may_search(self, label: str) -> bool:
        """Whether names of ``label`` may be searched or filtered on (names of members are PII)."""
        return self.sees_pii or "name" not in PII_FIELDS.get(Label(label), frozenset())
