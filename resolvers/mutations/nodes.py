# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Create, update and delete for every label.

``createX`` takes the node's properties (an optional ``id``, else one is made) and, for a
child of the governance network, its one PART_OF parent, written with it in one batch.
``updateX`` changes the given properties (null removes an optional one).  ``deleteX``
removes the node with its relationships, and refuses an area that still has children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from graph_schema import AREA_LABELS, Label, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from resolvers.alliances import Alliance, AllianceMember
from resolvers.areas import Building, Community, Grid, Household, Street
from resolvers.context import Info
from resolvers.enums import (
    BuildingKind,
    Gender,
    GridKind,
    HouseholdTag,
    MemberKind,
    OrgLevel,
    ResourceKind,
    Star,
    UnitKind,
)
from resolvers.errors import UserError
from resolvers.mutations.common import (
    Refused,
    changes_of,
    fetch,
    field_names,
    new_id,
    parse_id,
    properties_of,
    write,
)
from resolvers.node import as_node, global_id
from resolvers.organization import PartyMember, PartyOrganization, VanguardStation

_ID = "The id inside the graph (unique across all labels); made up when omitted."
UNSET: Any = strawberry.UNSET


@dataclass(frozen=True, slots=True)
class _Link:
    """A relationship that a create input may ask for: input attribute, type, other label."""

    attr: str
    rel_type: RelType
    other: Label
    outgoing: bool = True


_LINKS: dict[Label, tuple[_Link, ...]] = {
    Label.COMMUNITY: (_Link("street", RelType.PART_OF, Label.STREET),),
    Label.GRID: (_Link("community", RelType.PART_OF, Label.COMMUNITY),),
    Label.BUILDING: (_Link("grid", RelType.PART_OF, Label.GRID),),
    Label.HOUSEHOLD: (_Link("building", RelType.PART_OF, Label.BUILDING),),
    Label.PARTY_ORGANIZATION: (_Link("parent", RelType.REPORTS_TO, Label.PARTY_ORGANIZATION),),
    Label.PARTY_MEMBER: (
        _Link("household", RelType.LIVES_IN, Label.HOUSEHOLD),
        _Link("organization", RelType.MEMBER_OF, Label.PARTY_ORGANIZATION),
    ),
    Label.VANGUARD_STATION: (_Link("building", RelType.LOCATED_IN, Label.BUILDING),),
}


async def create_node(info: Info, label: Label, data: Any) -> tuple[Any, list[UserError]]:
    """Write a new node (and the relationships its input names) in one batch."""
    try:
        node_id = data.id or new_id(label)
        props = properties_of(label, data)
        rels: list[Rel] = []
        fields = field_names(label)
        for link in _LINKS.get(label, ()):
            value = getattr(data, link.attr, None)
            if value is None:
                continue
            other = parse_id(value, link.attr, [link.other.value])[1]
            rels.append(Rel(link.rel_type.value, node_id, other))
            fields[f"{link.rel_type.value}.end"] = link.attr
        record = Record(label.value, node_id, props)
        await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), fields)
        return as_node(record), []
    except Refused as refused:
        return None, refused.errors


async def update_node(info: Info, label: Label, data: Any) -> tuple[Any, list[UserError]]:
    """Change the given properties of an existing node."""
    try:
        old = await fetch(info, data.id, "id", [label.value])
        change = Record(label.value, old.id, changes_of(label, data))
        await write(info, WriteBatch(nodes=[change], patch=True), field_names(label))
        (record,) = await info.context.store.get_nodes([old.id])
        if record is None:  # deleted by another request since this one wrote
            raise Refused([UserError.of("id", "NOT_FOUND", f"there is no {label.value} with ID {data.id!r}")])
        return as_node(record), []
    except Refused as refused:
        return None, refused.errors


@strawberry.type(description="The result of a delete: the global ID of what was deleted, or why nothing was.")
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


async def delete_node(info: Info, label: Label, value: strawberry.ID) -> DeletePayload:
    """Delete a node and its relationships; an area with PART_OF children is refused."""
    try:
        record = await fetch(info, value, "id", [label.value])
        await write(info, WriteBatch(delete_nodes=[record.id], only_leaves=label in AREA_LABELS), {"id": "id"})
        return DeletePayload(deleted_id=global_id(record), errors=[])
    except Refused as refused:
        return DeletePayload(deleted_id=None, errors=refused.errors)


# --- inputs ---------------------------------------------------------------------------
@strawberry.input
class CreateStreetInput:
    name: str
    code: str | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateStreetInput:
    id: strawberry.ID
    name: str | None = UNSET
    code: str | None = UNSET


@strawberry.input
class CreateCommunityInput:
    name: str
    street: strawberry.ID = strawberry.field(description="The street it is part of (PART_OF).")
    code: str | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateCommunityInput:
    id: strawberry.ID
    name: str | None = UNSET
    code: str | None = UNSET


@strawberry.input
class CreateGridInput:
    name: str
    community: strawberry.ID = strawberry.field(description="The community it is part of (PART_OF).")
    kinds: list[GridKind] | None = None
    target_households: int | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateGridInput:
    id: strawberry.ID
    name: str | None = UNSET
    kinds: list[GridKind] | None = UNSET
    target_households: int | None = UNSET


@strawberry.input
class CreateBuildingInput:
    name: str
    kind: BuildingKind
    grid: strawberry.ID = strawberry.field(description="The grid it is part of (PART_OF).")
    address: str | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateBuildingInput:
    id: strawberry.ID
    name: str | None = UNSET
    kind: BuildingKind | None = UNSET
    address: str | None = UNSET


@strawberry.input
class CreateHouseholdInput:
    name: str
    building: strawberry.ID = strawberry.field(description="The building it is part of (PART_OF).")
    address: str | None = None
    size: int | None = None
    tags: list[HouseholdTag] | None = None
    head_name: str | None = None
    phone: str | None = None
    head_id_number: str | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateHouseholdInput:
    id: strawberry.ID
    name: str | None = UNSET
    address: str | None = UNSET
    size: int | None = UNSET
    tags: list[HouseholdTag] | None = UNSET
    head_name: str | None = UNSET
    phone: str | None = UNSET
    head_id_number: str | None = UNSET


@strawberry.input
class CreatePartyOrganizationInput:
    name: str
    level: OrgLevel
    star: Star | None = None
    parent: strawberry.ID | None = strawberry.field(default=None, description="The organization it reports to.")
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdatePartyOrganizationInput:
    id: strawberry.ID
    name: str | None = UNSET
    level: OrgLevel | None = UNSET
    star: Star | None = UNSET


@strawberry.input
class CreatePartyMemberInput:
    name: str
    kind: MemberKind
    vanguard: bool | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    phone: str | None = None
    id_number: str | None = None
    household: strawberry.ID | None = strawberry.field(default=None, description="The household it lives in.")
    organization: strawberry.ID | None = strawberry.field(default=None, description="The organization it belongs to.")
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdatePartyMemberInput:
    id: strawberry.ID
    name: str | None = UNSET
    kind: MemberKind | None = UNSET
    vanguard: bool | None = UNSET
    gender: Gender | None = UNSET
    birth_year: int | None = UNSET
    phone: str | None = UNSET
    id_number: str | None = UNSET


@strawberry.input
class CreateVanguardStationInput:
    name: str
    building: strawberry.ID | None = strawberry.field(default=None, description="The building it is in.")
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateVanguardStationInput:
    id: strawberry.ID
    name: str | None = UNSET


@strawberry.input
class CreateAllianceInput:
    name: str
    theme: str | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateAllianceInput:
    id: strawberry.ID
    name: str | None = UNSET
    theme: str | None = UNSET


@strawberry.input
class CreateAllianceMemberInput:
    name: str
    kind: UnitKind
    credit_code: str | None = None
    resources: list[ResourceKind] | None = None
    id: str | None = strawberry.field(default=None, description=_ID)


@strawberry.input
class UpdateAllianceMemberInput:
    id: strawberry.ID
    name: str | None = UNSET
    kind: UnitKind | None = UNSET
    credit_code: str | None = UNSET
    resources: list[ResourceKind] | None = UNSET


# --- payloads -------------------------------------------------------------------------
@strawberry.type
class StreetPayload:
    street: Street | None
    errors: list[UserError]


@strawberry.type
class CommunityPayload:
    community: Community | None
    errors: list[UserError]


@strawberry.type
class GridPayload:
    grid: Grid | None
    errors: list[UserError]


@strawberry.type
class BuildingPayload:
    building: Building | None
    errors: list[UserError]


@strawberry.type
class HouseholdPayload:
    household: Household | None
    errors: list[UserError]


@strawberry.type
class PartyOrganizationPayload:
    party_organization: PartyOrganization | None
    errors: list[UserError]


@strawberry.type
class PartyMemberPayload:
    party_member: PartyMember | None
    errors: list[UserError]


@strawberry.type
class VanguardStationPayload:
    vanguard_station: VanguardStation | None
    errors: list[UserError]


@strawberry.type
class AlliancePayload:
    alliance: Alliance | None
    errors: list[UserError]


@strawberry.type
class AllianceMemberPayload:
    alliance_member: AllianceMember | None
    errors: list[UserError]


_HIERARCHY_DOC = " Its one PART_OF parent is written with it, atomically."


@strawberry.type
class NodeMutation:
    # Street
    @strawberry.mutation(description="Create a street or town.")
    async def create_street(self, info: Info, input: CreateStreetInput) -> StreetPayload:
        node, errors = await create_node(info, Label.STREET, input)
        return StreetPayload(street=node, errors=errors)

    @strawberry.mutation(description="Change a street's properties.")
    async def update_street(self, info: Info, input: UpdateStreetInput) -> StreetPayload:
        node, errors = await update_node(info, Label.STREET, input)
        return StreetPayload(street=node, errors=errors)

    @strawberry.mutation(description="Delete a street (refused while communities are part of it).")
    async def delete_street(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.STREET, id)

    # Community
    @strawberry.mutation(description="Create a community in a street." + _HIERARCHY_DOC)
    async def create_community(self, info: Info, input: CreateCommunityInput) -> CommunityPayload:
        node, errors = await create_node(info, Label.COMMUNITY, input)
        return CommunityPayload(community=node, errors=errors)

    @strawberry.mutation(description="Change a community's properties.")
    async def update_community(self, info: Info, input: UpdateCommunityInput) -> CommunityPayload:
        node, errors = await update_node(info, Label.COMMUNITY, input)
        return CommunityPayload(community=node, errors=errors)

    @strawberry.mutation(description="Delete a community (refused while grids are part of it).")
    async def delete_community(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.COMMUNITY, id)

    # Grid
    @strawberry.mutation(description="Create a grid in a community." + _HIERARCHY_DOC)
    async def create_grid(self, info: Info, input: CreateGridInput) -> GridPayload:
        node, errors = await create_node(info, Label.GRID, input)
        return GridPayload(grid=node, errors=errors)

    @strawberry.mutation(description="Change a grid's properties.")
    async def update_grid(self, info: Info, input: UpdateGridInput) -> GridPayload:
        node, errors = await update_node(info, Label.GRID, input)
        return GridPayload(grid=node, errors=errors)

    @strawberry.mutation(description="Delete a grid (refused while buildings are part of it).")
    async def delete_grid(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.GRID, id)

    # Building
    @strawberry.mutation(description="Create a building or courtyard in a grid." + _HIERARCHY_DOC)
    async def create_building(self, info: Info, input: CreateBuildingInput) -> BuildingPayload:
        node, errors = await create_node(info, Label.BUILDING, input)
        return BuildingPayload(building=node, errors=errors)

    @strawberry.mutation(description="Change a building's properties.")
    async def update_building(self, info: Info, input: UpdateBuildingInput) -> BuildingPayload:
        node, errors = await update_node(info, Label.BUILDING, input)
        return BuildingPayload(building=node, errors=errors)

    @strawberry.mutation(description="Delete a building (refused while households are part of it).")
    async def delete_building(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.BUILDING, id)

    # Household
    @strawberry.mutation(description="Create a household in a building." + _HIERARCHY_DOC)
    async def create_household(self, info: Info, input: CreateHouseholdInput) -> HouseholdPayload:
        node, errors = await create_node(info, Label.HOUSEHOLD, input)
        return HouseholdPayload(household=node, errors=errors)

    @strawberry.mutation(description="Change a household's properties.")
    async def update_household(self, info: Info, input: UpdateHouseholdInput) -> HouseholdPayload:
        node, errors = await update_node(info, Label.HOUSEHOLD, input)
        return HouseholdPayload(household=node, errors=errors)

    @strawberry.mutation(description="Delete a household and its relationships.")
    async def delete_household(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.HOUSEHOLD, id)

    # PartyOrganization
    @strawberry.mutation(description="Create a party organization (optionally under the one it reports to).")
    async def create_party_organization(
        self, info: Info, input: CreatePartyOrganizationInput
    ) -> PartyOrganizationPayload:
        node, errors = await create_node(info, Label.PARTY_ORGANIZATION, input)
        return PartyOrganizationPayload(party_organization=node, errors=errors)

    @strawberry.mutation(description="Change a party organization's properties.")
    async def update_party_organization(
        self, info: Info, input: UpdatePartyOrganizationInput
    ) -> PartyOrganizationPayload:
        node, errors = await update_node(info, Label.PARTY_ORGANIZATION, input)
        return PartyOrganizationPayload(party_organization=node, errors=errors)

    @strawberry.mutation(description="Delete a party organization and its relationships.")
    async def delete_party_organization(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.PARTY_ORGANIZATION, id)

    # PartyMember
    @strawberry.mutation(description="Create a party member (optionally with household and organization).")
    async def create_party_member(self, info: Info, input: CreatePartyMemberInput) -> PartyMemberPayload:
        node, errors = await create_node(info, Label.PARTY_MEMBER, input)
        return PartyMemberPayload(party_member=node, errors=errors)

    @strawberry.mutation(description="Change a party member's properties.")
    async def update_party_member(self, info: Info, input: UpdatePartyMemberInput) -> PartyMemberPayload:
        node, errors = await update_node(info, Label.PARTY_MEMBER, input)
        return PartyMemberPayload(party_member=node, errors=errors)

    @strawberry.mutation(description="Delete a party member and its relationships.")
    async def delete_party_member(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.PARTY_MEMBER, id)

    # VanguardStation
    @strawberry.mutation(description="Create a vanguard station (optionally in a building).")
    async def create_vanguard_station(self, info: Info, input: CreateVanguardStationInput) -> VanguardStationPayload:
        node, errors = await create_node(info, Label.VANGUARD_STATION, input)
        return VanguardStationPayload(vanguard_station=node, errors=errors)

    @strawberry.mutation(description="Change a vanguard station's properties.")
    async def update_vanguard_station(self, info: Info, input: UpdateVanguardStationInput) -> VanguardStationPayload:
        node, errors = await update_node(info, Label.VANGUARD_STATION, input)
        return VanguardStationPayload(vanguard_station=node, errors=errors)

    @strawberry.mutation(description="Delete a vanguard station and its relationships.")
    async def delete_vanguard_station(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.VANGUARD_STATION, id)

    # Alliance
    @strawberry.mutation(description="Create a party-building alliance.")
    async def create_alliance(self, info: Info, input: CreateAllianceInput) -> AlliancePayload:
        node, errors = await create_node(info, Label.ALLIANCE, input)
        return AlliancePayload(alliance=node, errors=errors)

    @strawberry.mutation(description="Change an alliance's properties.")
    async def update_alliance(self, info: Info, input: UpdateAllianceInput) -> AlliancePayload:
        node, errors = await update_node(info, Label.ALLIANCE, input)
        return AlliancePayload(alliance=node, errors=errors)

    @strawberry.mutation(description="Delete an alliance and its relationships.")
    async def delete_alliance(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.ALLIANCE, id)

    # AllianceMember
    @strawberry.mutation(description="Create an alliance member unit.")
    async def create_alliance_member(self, info: Info, input: CreateAllianceMemberInput) -> AllianceMemberPayload:
        node, errors = await create_node(info, Label.ALLIANCE_MEMBER, input)
        return AllianceMemberPayload(alliance_member=node, errors=errors)

    @strawberry.mutation(description="Change an alliance member unit's properties.")
    async def update_alliance_member(self, info: Info, input: UpdateAllianceMemberInput) -> AllianceMemberPayload:
        node, errors = await update_node(info, Label.ALLIANCE_MEMBER, input)
        return AllianceMemberPayload(alliance_member=node, errors=errors)

    @strawberry.mutation(description="Delete an alliance member unit and its relationships.")
    async def delete_alliance_member(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await delete_node(info, Label.ALLIANCE_MEMBER, id)
