# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Filter and order inputs of the root listings, and their translation to the store's terms."""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry

from graph_schema import AREA_LABELS, VULNERABLE_TAGS, Label
from loaders.store import NodeFilter, Order
from resolvers.context import Info
from resolvers.enums import (
    BuildingKind,
    CommunityKind,
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

FILTER = "Only the nodes that meet every condition given (null or {}: all of them)."
_NAME = "Nodes whose name contains this text (case-insensitive; Chinese substrings work)."
_WITHIN = (
    "Only nodes within this area (global ID of a Street, Community, Grid or Building): under it through "
    "PART_OF, or for members, organizations and stations through where they live, what they govern or where "
    "they are."
)


@strawberry.input(description="How to sort a listing; id is always the final tie-break, so pages never overlap.")
class NodeOrder:
    field: OrderField = strawberry.field(default=OrderField.ID, description="What to sort by (default ID).")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending (default ASC)."
    )


OrderBy = Annotated[
    NodeOrder | None,
    strawberry.argument(
        description="How to sort the listing (null: by id, ascending). Cursors belong to one order: keep it the "
        "same while paging."
    ),
]


@strawberry.input(description="Conditions on streets and towns (街道/镇).")
class StreetFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)


@strawberry.input(description="Conditions on communities (社区) and villages (村).")
class CommunityFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: CommunityKind | None = strawberry.field(
        default=None, description="Only urban communities (COMMUNITY, including those without a kind) or villages."
    )


@strawberry.input(description="Conditions on grids (网格).")
class GridFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: GridKind | None = strawberry.field(default=None, description="Grids whose kinds include this one.")


@strawberry.input(description="Conditions on buildings and courtyards (楼栋/院落).")
class BuildingFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: BuildingKind | None = strawberry.field(default=None, description="Only buildings, or only courtyards.")


@strawberry.input(description="Conditions on households (户).")
class HouseholdFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    tag: HouseholdTag | None = strawberry.field(
        default=None,
        description="Households tagged with this tag (vulnerable tags only where PII is revealed).",
    )


@strawberry.input(description="Conditions on party organizations (党组织).")
class PartyOrganizationFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    level: OrgLevel | None = strawberry.field(default=None, description="Organizations of this level.")
    star: Star | None = strawberry.field(
        default=None, description="Organizations with this star rating (the unrated cannot be asked for here)."
    )


@strawberry.input(description="Conditions on party members (党员).")
class PartyMemberFilter:
    name_contains: str | None = strawberry.field(
        default=None,
        description=_NAME + " Member names are personal information: refused (code PII) unless the viewer may "
        "see personal information.",
    )
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)
    kind: MemberKind | None = strawberry.field(default=None, description="Members of this kind.")
    vanguard: bool | None = strawberry.field(
        default=None, description="true: vanguard members (先锋党员) only; false: the others only."
    )


@strawberry.input(description="Conditions on vanguard stations (先锋驿站).")
class VanguardStationFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    within: strawberry.ID | None = strawberry.field(default=None, description=_WITHIN)


@strawberry.input(description="Conditions on party-building alliances (党建联盟).")
class AllianceFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)


@strawberry.input(description="Conditions on alliance member units (联盟成员单位).")
class AllianceMemberFilter:
    name_contains: str | None = strawberry.field(default=None, description=_NAME)
    kind: UnitKind | None = strawberry.field(default=None, description="Units of this kind.")
    resource: ResourceKind | None = strawberry.field(default=None, description="Units that bring this resource.")


_VULNERABLE = frozenset(tag.value for tag in VULNERABLE_TAGS)
_EQUALS = {"kind", "level", "star", "vanguard", "tag", "resource", "role", "full_time"}
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
    unless = None
    if label is Label.COMMUNITY and equals.get("kind") == CommunityKind.COMMUNITY.value:
        # a community without a kind is an urban community: "not a village"
        del equals["kind"]
        unless = NodeFilter(equals={"kind": CommunityKind.VILLAGE.value})
    within = getattr(flt, "within", None)
    area = decode_id(within, AREA_NAMES, "filter.within")[1] if within else None
    if not name and not equals and area is None and unless is None:
        return None
    return NodeFilter(name_contains=name or None, equals=equals, within=area, unless=unless)


def node_order(info: Info, label: Label, order: NodeOrder | None) -> Order:
    if order is None:
        return Order()
    if order.field is OrderField.NAME and not info.context.viewer.may_search(label):
        raise ClientError(f"names of {label} are personal information: ordering by them is not allowed", "PII")
    field = cast(str, order.field.value)  # strawberry.enum_value's value, unwrapped by strawberry.enum
    return Order(field=field, descending=order.direction is OrderDirection.DESC)
