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
from typing import Annotated, Any

import strawberry

from graph_schema import AREA_LABELS, Label, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from resolvers.context import Info
from resolvers.errors import ERRORS, UserError, camel
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
from resolvers.mutations.node_inputs import (
    AllianceMemberPayload,
    AlliancePayload,
    BuildingPayload,
    CommunityPayload,
    CreateAllianceInput,
    CreateAllianceMemberInput,
    CreateBuildingInput,
    CreateCommunityInput,
    CreateGridInput,
    CreateHouseholdInput,
    CreatePartyMemberInput,
    CreatePartyOrganizationInput,
    CreateStreetInput,
    CreateVanguardStationInput,
    GridPayload,
    HouseholdPayload,
    PartyMemberPayload,
    PartyOrganizationPayload,
    StreetPayload,
    UpdateAllianceInput,
    UpdateAllianceMemberInput,
    UpdateBuildingInput,
    UpdateCommunityInput,
    UpdateGridInput,
    UpdateHouseholdInput,
    UpdatePartyMemberInput,
    UpdatePartyOrganizationInput,
    UpdateStreetInput,
    UpdateVanguardStationInput,
    VanguardStationPayload,
)
from resolvers.node import as_node, global_id

NEW = "The new node's properties and the relationships written with it."
CHANGES = "Which node to change (its global ID), and the properties to set or remove."


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
    Label.VANGUARD_STATION: (
        _Link("building", RelType.LOCATED_IN, Label.BUILDING),
        _Link("party_group", RelType.ATTACHED_TO, Label.PARTY_ORGANIZATION),
    ),
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
            other = parse_id(value, camel(link.attr), [link.other.value])[1]
            rels.append(Rel(link.rel_type.value, node_id, other))
            fields[f"{link.rel_type.value}.end"] = camel(link.attr)
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
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the deleted node; null when errors is not empty."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


DeleteId = Annotated[
    strawberry.ID,
    strawberry.argument(description="Global ID of the node to delete; a node of another type is refused (WRONG_TYPE)."),
]


async def delete_node(info: Info, label: Label, value: strawberry.ID) -> DeletePayload:
    """Delete a node and its relationships; an area with PART_OF children is refused."""
    try:
        record = await fetch(info, value, "id", [label.value])
        await write(info, WriteBatch(delete_nodes=[record.id], only_leaves=label in AREA_LABELS), {"id": "id"})
        return DeletePayload(deleted_id=global_id(record), errors=[])
    except Refused as refused:
        return DeletePayload(deleted_id=None, errors=refused.errors)


_HIERARCHY_DOC = " Its one PART_OF parent is written with it, atomically."


@strawberry.type(description="Create, update and delete, for every node type.")
class NodeMutation:
    # Street
    @strawberry.mutation(description="Create a street or town.")
    async def create_street(
        self, info: Info, input: Annotated[CreateStreetInput, strawberry.argument(description=NEW)]
    ) -> StreetPayload:
        node, errors = await create_node(info, Label.STREET, input)
        return StreetPayload(street=node, errors=errors)

    @strawberry.mutation(description="Change a street's properties.")
    async def update_street(
        self, info: Info, input: Annotated[UpdateStreetInput, strawberry.argument(description=CHANGES)]
    ) -> StreetPayload:
        node, errors = await update_node(info, Label.STREET, input)
        return StreetPayload(street=node, errors=errors)

    @strawberry.mutation(description="Delete a street (refused while communities are part of it).")
    async def delete_street(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.STREET, id)

    # Community
    @strawberry.mutation(description="Create a community in a street." + _HIERARCHY_DOC)
    async def create_community(
        self, info: Info, input: Annotated[CreateCommunityInput, strawberry.argument(description=NEW)]
    ) -> CommunityPayload:
        node, errors = await create_node(info, Label.COMMUNITY, input)
        return CommunityPayload(community=node, errors=errors)

    @strawberry.mutation(description="Change a community's properties.")
    async def update_community(
        self, info: Info, input: Annotated[UpdateCommunityInput, strawberry.argument(description=CHANGES)]
    ) -> CommunityPayload:
        node, errors = await update_node(info, Label.COMMUNITY, input)
        return CommunityPayload(community=node, errors=errors)

    @strawberry.mutation(description="Delete a community (refused while grids are part of it).")
    async def delete_community(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.COMMUNITY, id)

    # Grid
    @strawberry.mutation(description="Create a grid in a community." + _HIERARCHY_DOC)
    async def create_grid(
        self, info: Info, input: Annotated[CreateGridInput, strawberry.argument(description=NEW)]
    ) -> GridPayload:
        node, errors = await create_node(info, Label.GRID, input)
        return GridPayload(grid=node, errors=errors)

    @strawberry.mutation(description="Change a grid's properties.")
    async def update_grid(
        self, info: Info, input: Annotated[UpdateGridInput, strawberry.argument(description=CHANGES)]
    ) -> GridPayload:
        node, errors = await update_node(info, Label.GRID, input)
        return GridPayload(grid=node, errors=errors)

    @strawberry.mutation(description="Delete a grid (refused while buildings are part of it).")
    async def delete_grid(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.GRID, id)

    # Building
    @strawberry.mutation(description="Create a building or courtyard in a grid." + _HIERARCHY_DOC)
    async def create_building(
        self, info: Info, input: Annotated[CreateBuildingInput, strawberry.argument(description=NEW)]
    ) -> BuildingPayload:
        node, errors = await create_node(info, Label.BUILDING, input)
        return BuildingPayload(building=node, errors=errors)

    @strawberry.mutation(description="Change a building's properties.")
    async def update_building(
        self, info: Info, input: Annotated[UpdateBuildingInput, strawberry.argument(description=CHANGES)]
    ) -> BuildingPayload:
        node, errors = await update_node(info, Label.BUILDING, input)
        return BuildingPayload(building=node, errors=errors)

    @strawberry.mutation(description="Delete a building (refused while households are part of it).")
    async def delete_building(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.BUILDING, id)

    # Household
    @strawberry.mutation(description="Create a household in a building." + _HIERARCHY_DOC)
    async def create_household(
        self, info: Info, input: Annotated[CreateHouseholdInput, strawberry.argument(description=NEW)]
    ) -> HouseholdPayload:
        node, errors = await create_node(info, Label.HOUSEHOLD, input)
        return HouseholdPayload(household=node, errors=errors)

    @strawberry.mutation(description="Change a household's properties.")
    async def update_household(
        self, info: Info, input: Annotated[UpdateHouseholdInput, strawberry.argument(description=CHANGES)]
    ) -> HouseholdPayload:
        node, errors = await update_node(info, Label.HOUSEHOLD, input)
        return HouseholdPayload(household=node, errors=errors)

    @strawberry.mutation(description="Delete a household and its relationships.")
    async def delete_household(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.HOUSEHOLD, id)

    # PartyOrganization
    @strawberry.mutation(description="Create a party organization (optionally under the one it reports to).")
    async def create_party_organization(
        self, info: Info, input: Annotated[CreatePartyOrganizationInput, strawberry.argument(description=NEW)]
    ) -> PartyOrganizationPayload:
        node, errors = await create_node(info, Label.PARTY_ORGANIZATION, input)
        return PartyOrganizationPayload(party_organization=node, errors=errors)

    @strawberry.mutation(description="Change a party organization's properties.")
    async def update_party_organization(
        self, info: Info, input: Annotated[UpdatePartyOrganizationInput, strawberry.argument(description=CHANGES)]
    ) -> PartyOrganizationPayload:
        node, errors = await update_node(info, Label.PARTY_ORGANIZATION, input)
        return PartyOrganizationPayload(party_organization=node, errors=errors)

    @strawberry.mutation(description="Delete a party organization and its relationships.")
    async def delete_party_organization(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.PARTY_ORGANIZATION, id)

    # PartyMember
    @strawberry.mutation(description="Create a party member (optionally with household and organization).")
    async def create_party_member(
        self, info: Info, input: Annotated[CreatePartyMemberInput, strawberry.argument(description=NEW)]
    ) -> PartyMemberPayload:
        node, errors = await create_node(info, Label.PARTY_MEMBER, input)
        return PartyMemberPayload(party_member=node, errors=errors)

    @strawberry.mutation(description="Change a party member's properties.")
    async def update_party_member(
        self, info: Info, input: Annotated[UpdatePartyMemberInput, strawberry.argument(description=CHANGES)]
    ) -> PartyMemberPayload:
        node, errors = await update_node(info, Label.PARTY_MEMBER, input)
        return PartyMemberPayload(party_member=node, errors=errors)

    @strawberry.mutation(description="Delete a party member and its relationships.")
    async def delete_party_member(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.PARTY_MEMBER, id)

    # VanguardStation
    @strawberry.mutation(description="Create a vanguard station (optionally in a building).")
    async def create_vanguard_station(
        self, info: Info, input: Annotated[CreateVanguardStationInput, strawberry.argument(description=NEW)]
    ) -> VanguardStationPayload:
        node, errors = await create_node(info, Label.VANGUARD_STATION, input)
        return VanguardStationPayload(vanguard_station=node, errors=errors)

    @strawberry.mutation(description="Change a vanguard station's properties.")
    async def update_vanguard_station(
        self, info: Info, input: Annotated[UpdateVanguardStationInput, strawberry.argument(description=CHANGES)]
    ) -> VanguardStationPayload:
        node, errors = await update_node(info, Label.VANGUARD_STATION, input)
        return VanguardStationPayload(vanguard_station=node, errors=errors)

    @strawberry.mutation(description="Delete a vanguard station and its relationships.")
    async def delete_vanguard_station(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.VANGUARD_STATION, id)

    # Alliance
    @strawberry.mutation(description="Create a party-building alliance.")
    async def create_alliance(
        self, info: Info, input: Annotated[CreateAllianceInput, strawberry.argument(description=NEW)]
    ) -> AlliancePayload:
        node, errors = await create_node(info, Label.ALLIANCE, input)
        return AlliancePayload(alliance=node, errors=errors)

    @strawberry.mutation(description="Change an alliance's properties.")
    async def update_alliance(
        self, info: Info, input: Annotated[UpdateAllianceInput, strawberry.argument(description=CHANGES)]
    ) -> AlliancePayload:
        node, errors = await update_node(info, Label.ALLIANCE, input)
        return AlliancePayload(alliance=node, errors=errors)

    @strawberry.mutation(description="Delete an alliance and its relationships.")
    async def delete_alliance(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.ALLIANCE, id)

    # AllianceMember
    @strawberry.mutation(description="Create an alliance member unit.")
    async def create_alliance_member(
        self, info: Info, input: Annotated[CreateAllianceMemberInput, strawberry.argument(description=NEW)]
    ) -> AllianceMemberPayload:
        node, errors = await create_node(info, Label.ALLIANCE_MEMBER, input)
        return AllianceMemberPayload(alliance_member=node, errors=errors)

    @strawberry.mutation(description="Change an alliance member unit's properties.")
    async def update_alliance_member(
        self, info: Info, input: Annotated[UpdateAllianceMemberInput, strawberry.argument(description=CHANGES)]
    ) -> AllianceMemberPayload:
        node, errors = await update_node(info, Label.ALLIANCE_MEMBER, input)
        return AllianceMemberPayload(alliance_member=node, errors=errors)

    @strawberry.mutation(description="Delete an alliance member unit and its relationships.")
    async def delete_alliance_member(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.ALLIANCE_MEMBER, id)
