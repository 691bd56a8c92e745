# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Filter and order inputs of the root listings, and their translation to the store's terms."""

from __future__ import annotations

from typing import Any

import strawberry

from graph_schema import AREA_LABELS, VULNERABLE_TAGS, Label
from loaders.store import NodeFilter, Order
from resolvers.context import Info
from resolvers.enums import (
    BuildingKind,
    GridKind,
    HouseholdTag,
    MemberKind,
    OrderDirection,
    OrderField,
    OrgLevel,
    ResourceKind,
    Star,
    UnitKind,
)
from resolvers.errors import ClientError
from resolvers.node import decode_id

AREA_NAMES = [a.value for a in AREA_LABELS]

_NAME = "Nodes whose name contains this text (case-insensitive; Chinese substrings work)."
_WITHIN = (
    "Only nodes within this area (global ID of a Street, Community, Grid or Building): under it through "
    "PART_OF, or for members, organizations and stations through where they live, what they govern or where "
    "they are."
)


@strawberry.input(description="How to sort a listing.")
class NodeOrder:
    field: OrderField = OrderField.ID
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class StreetFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)


@strawberry.input
class CommunityFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)


@strawberry.input
class GridFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: GridKind | None = strawberry.field(default=None, description="Grids whose kinds include this one.")


@strawberry.input
class BuildingFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: BuildingKind | None = None


@strawberry.input
class HouseholdFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    tag: HouseholdTag | None = strawberry.field(
        default=None,
        description="Households tagged with this tag (vulnerable tags only where PII is revealed).",
    )


@strawberry.input
class PartyOrganizationFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    level: OrgLevel | None = None
    star: Star | None = None


@strawberry.input
class PartyMemberFilter:
    name_contains: str | None = strawberry.field(
        default=None, description=_NAME + " Member names are personal information: only where PII is revealed."
    )
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: MemberKind | None = None
    vanguard: bool | None = None


@strawberry.input
class VanguardStationFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)


@strawberry.input
class AllianceFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)


@strawberry.input
class AllianceMemberFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    kind: UnitKind | None = None
    resource: ResourceKind | None = strawberry.field(default=None, description="Units that bring this resource.")


_VULNERABLE = frozenset(tag.value for tag in VULNERABLE_TAGS)
_EQUALS = {"kind", "level", "star", "vanguard", "tag", "resource"}
_PROPERTY = {"tag": "tags", "resource": "resources"}
_LIST_KIND = {Label.GRID: "kinds"}


def node_filter(info: Info, label: Label, flt: Any | None) -> NodeFilter | None:
    """The store filter of a GraphQL filter input (None when it filters nothing)."""
    if flt is None:
        return None
    name = getattr(flt, "name_contains", None)
    if name and not info.context.viewer.may_search(label):
        raise ClientError(f"names of {label} are personal information: filtering on them is not allowed", "PII")
    equals: dict[str, Any] = {}
    for attr in _EQUALS:
        value = getattr(flt, attr, None)
        if value is None:
            continue
        if attr == "tag" and value.value in _VULNERABLE and not info.context.viewer.sees_pii:
            raise ClientError(f"the tag {value.value} is personal information: filtering on it is not allowed", "PII")
        prop = _PROPERTY.get(attr, attr)
        if attr == "kind":
            prop = _LIST_KIND.get(label, "kind")
        equals[prop] = value.value if hasattr(value, "value") else value
    within = getattr(flt, "within", None)
    area = decode_id(within, AREA_NAMES, "filter.within")[1] if within else None
    if not name and not equals and area is None:
        return None
    return NodeFilter(name_contains=name or None, equals=equals, within=area)


def node_order(info: Info, label: Label, order: NodeOrder | None) -> Order:
    if order is None:
        return Order()
    if order.field is OrderField.NAME and not info.context.viewer.may_search(label):
        raise ClientError(f"names of {label} are personal information: ordering by them is not allowed", "PII")
    return Order(field=order.field.value, descending=order.direction is OrderDirection.DESC)
