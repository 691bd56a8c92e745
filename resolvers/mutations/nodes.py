# mypy: disable-error-code="untyped-decorator, valid-type"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Create, update and delete for every label.

``createX`` takes the node's properties (an optional ``id``, else one is made) and, for a
child of the governance network, its one PART_OF parent, written with it in one batch.
``updateX`` changes the given properties (null removes an optional one).  ``deleteX``
removes the node with its relationships, and refuses an area that still has children.
"""

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


# The fields below are made by factories: this module does not postpone annotations, so that the
# input and payload types, closed over, are objects strawberry reads as they are.


def _create(label: Label, input_type: Any, payload: Any, attr: str, description: str) -> Any:
    """``createX``: the input's node written (with its relationships); the payload names it ``attr``."""

    async def resolve(self: Any, info: Info, input: Annotated[input_type, strawberry.argument(description=NEW)]) -> Any:
        node, errors = await create_node(info, label, input)
        return payload(**{attr: node, "errors": errors})

    resolve.__annotations__["return"] = payload
    return strawberry.mutation(resolver=resolve, description=description)


def _update(label: Label, input_type: Any, payload: Any, attr: str, description: str) -> Any:
    """``updateX``: the given properties changed; the payload names the node ``attr``."""

    async def resolve(
        self: Any, info: Info, input: Annotated[input_type, strawberry.argument(description=CHANGES)]
    ) -> Any:
        node, errors = await update_node(info, label, input)
        return payload(**{attr: node, "errors": errors})

    resolve.__annotations__["return"] = payload
    return strawberry.mutation(resolver=resolve, description=description)


def _delete(label: Label, description: str) -> Any:
    """``deleteX``: the node and its relationships deleted (an area with children refused)."""

    async def resolve(self: Any, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, label, id)

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type(description="Create, update and delete, for every node type.")
class NodeMutation:
    # Street
    create_street = _create(Label.STREET, CreateStreetInput, StreetPayload, "street", "Create a street or town.")
    update_street = _update(Label.STREET, UpdateStreetInput, StreetPayload, "street", "Change a street's properties.")
    delete_street = _delete(Label.STREET, "Delete a street (refused while communities are part of it).")

    # Community
    create_community = _create(
        Label.COMMUNITY,
        CreateCommunityInput,
        CommunityPayload,
        "community",
        "Create a community in a street." + _HIERARCHY_DOC,
    )
    update_community = _update(
        Label.COMMUNITY, UpdateCommunityInput, CommunityPayload, "community", "Change a community's properties."
    )
    delete_community = _delete(Label.COMMUNITY, "Delete a community (refused while grids are part of it).")

    # Grid
    create_grid = _create(
        Label.GRID, CreateGridInput, GridPayload, "grid", "Create a grid in a community." + _HIERARCHY_DOC
    )
    update_grid = _update(Label.GRID, UpdateGridInput, GridPayload, "grid", "Change a grid's properties.")
    delete_grid = _delete(Label.GRID, "Delete a grid (refused while buildings are part of it).")

    # Building
    create_building = _create(
        Label.BUILDING,
        CreateBuildingInput,
        BuildingPayload,
        "building",
        "Create a building or courtyard in a grid." + _HIERARCHY_DOC,
    )
    update_building = _update(
        Label.BUILDING, UpdateBuildingInput, BuildingPayload, "building", "Change a building's properties."
    )
    delete_building = _delete(Label.BUILDING, "Delete a building (refused while households are part of it).")

    # Household
    create_household = _create(
        Label.HOUSEHOLD,
        CreateHouseholdInput,
        HouseholdPayload,
        "household",
        "Create a household in a building." + _HIERARCHY_DOC,
    )
    update_household = _update(
        Label.HOUSEHOLD, UpdateHouseholdInput, HouseholdPayload, "household", "Change a household's properties."
    )
    delete_household = _delete(Label.HOUSEHOLD, "Delete a household and its relationships.")

    # PartyOrganization
    create_party_organization = _create(
        Label.PARTY_ORGANIZATION,
        CreatePartyOrganizationInput,
        PartyOrganizationPayload,
        "party_organization",
        "Create a party organization (optionally under the one it reports to).",
    )
    update_party_organization = _update(
        Label.PARTY_ORGANIZATION,
        UpdatePartyOrganizationInput,
        PartyOrganizationPayload,
        "party_organization",
        "Change a party organization's properties.",
    )
    delete_party_organization = _delete(Label.PARTY_ORGANIZATION, "Delete a party organization and its relationships.")

    # PartyMember
    create_party_member = _create(
        Label.PARTY_MEMBER,
        CreatePartyMemberInput,
        PartyMemberPayload,
        "party_member",
        "Create a party member (optionally with household and organization).",
    )
    update_party_member = _update(
        Label.PARTY_MEMBER,
        UpdatePartyMemberInput,
        PartyMemberPayload,
        "party_member",
        "Change a party member's properties.",
    )
    delete_party_member = _delete(Label.PARTY_MEMBER, "Delete a party member and its relationships.")

    # VanguardStation
    create_vanguard_station = _create(
        Label.VANGUARD_STATION,
        CreateVanguardStationInput,
        VanguardStationPayload,
        "vanguard_station",
        "Create a vanguard station (optionally in a building).",
    )
    update_vanguard_station = _update(
        Label.VANGUARD_STATION,
        UpdateVanguardStationInput,
        VanguardStationPayload,
        "vanguard_station",
        "Change a vanguard station's properties.",
    )
    delete_vanguard_station = _delete(Label.VANGUARD_STATION, "Delete a vanguard station and its relationships.")

    # Alliance
    create_alliance = _create(
        Label.ALLIANCE, CreateAllianceInput, AlliancePayload, "alliance", "Create a party-building alliance."
    )
    update_alliance = _update(
        Label.ALLIANCE, UpdateAllianceInput, AlliancePayload, "alliance", "Change an alliance's properties."
    )
    delete_alliance = _delete(Label.ALLIANCE, "Delete an alliance and its relationships.")

    # AllianceMember
    create_alliance_member = _create(
        Label.ALLIANCE_MEMBER,
        CreateAllianceMemberInput,
        AllianceMemberPayload,
        "alliance_member",
        "Create an alliance member unit.",
    )
    update_alliance_member = _update(
        Label.ALLIANCE_MEMBER,
        UpdateAllianceMemberInput,
        AllianceMemberPayload,
        "alliance_member",
        "Change an alliance member unit's properties.",
    )
    delete_alliance_member = _delete(Label.ALLIANCE_MEMBER, "Delete an alliance member unit and its relationships.")
