# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The inputs and payloads of the create and update mutations, one pair of inputs per label.

A create input names the node's properties (with an optional ``id``) and the relationships
written with it; an update input names the node by its global ID and the properties to
change.  Their fields are described by the same sentences as the output types'
(:mod:`resolvers.properties`).
"""

from __future__ import annotations

from typing import Any

import strawberry

from graph_schema import Label
from resolvers.alliances import Alliance, AllianceMember
from resolvers.areas import Building, Community, Grid, Household, Street
from resolvers.enums import (
    BuildingKind,
    CommunityKind,
    Gender,
    GridKind,
    HouseholdTag,
    MemberKind,
    OrgLevel,
    ResourceKind,
    Star,
    UnitKind,
)
from resolvers.errors import ERRORS, UserError
from resolvers.organization import PartyMember, PartyOrganization, VanguardStation
from resolvers.properties import ID, UPDATE_ID, change, prop

UNSET: Any = strawberry.UNSET

_PARENTS = {
    Label.COMMUNITY: ", and its street, written with it in one batch.",
    Label.GRID: ", and its community, written with it in one batch.",
    Label.BUILDING: ", and its grid, written with it in one batch.",
    Label.HOUSEHOLD: ", and its building, written with it in one batch.",
    Label.PARTY_ORGANIZATION: ", and optionally the organization it reports to, written with it in one batch.",
    Label.PARTY_MEMBER: ", and optionally its household and organization, written with it in one batch.",
    Label.VANGUARD_STATION: ", and optionally its building and party group, written with it in one batch.",
}
for _label in Label:
    _PARENTS.setdefault(_label, ".")
_UPDATE = (
    "Changes to one {what}: the fields given are set, null removes an optional property, omitted fields stay as "
    "they are."
)
_NODE = "The {what} as stored after the write; null when errors is not empty."


# --- inputs ---------------------------------------------------------------------------
@strawberry.input(description="A new street or town (街道/镇): its properties" + _PARENTS[Label.STREET])
class CreateStreetInput:
    name: str = strawberry.field(description=prop(Label.STREET, "name"))
    code: str | None = strawberry.field(default=None, description=prop(Label.STREET, "code"))
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="street or town"))
class UpdateStreetInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.STREET, "name"))
    code: str | None = strawberry.field(default=UNSET, description=change(Label.STREET, "code"))


@strawberry.input(description="A new community (社区): its properties" + _PARENTS[Label.COMMUNITY])
class CreateCommunityInput:
    name: str = strawberry.field(description=prop(Label.COMMUNITY, "name"))
    street: strawberry.ID = strawberry.field(description="Global ID of the street it is part of (PART_OF).")
    code: str | None = strawberry.field(default=None, description=prop(Label.COMMUNITY, "code"))
    id: str | None = strawberry.field(default=None, description=ID)
    kind: CommunityKind | None = strawberry.field(
        default=None, description=prop(Label.COMMUNITY, "kind") + " Null: none recorded (reads as COMMUNITY)."
    )


@strawberry.input(description=_UPDATE.format(what="community"))
class UpdateCommunityInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.COMMUNITY, "name"))
    code: str | None = strawberry.field(default=UNSET, description=change(Label.COMMUNITY, "code"))
    kind: CommunityKind | None = strawberry.field(default=UNSET, description=change(Label.COMMUNITY, "kind"))


@strawberry.input(description="A new grid (网格): its properties" + _PARENTS[Label.GRID])
class CreateGridInput:
    name: str = strawberry.field(description=prop(Label.GRID, "name"))
    community: strawberry.ID = strawberry.field(description="Global ID of the community it is part of (PART_OF).")
    kinds: list[GridKind] | None = strawberry.field(default=None, description=prop(Label.GRID, "kinds"))
    target_households: int | None = strawberry.field(default=None, description=prop(Label.GRID, "target_households"))
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="grid"))
class UpdateGridInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.GRID, "name"))
    kinds: list[GridKind] | None = strawberry.field(default=UNSET, description=change(Label.GRID, "kinds"))
    target_households: int | None = strawberry.field(default=UNSET, description=change(Label.GRID, "target_households"))


@strawberry.input(description="A new building or courtyard (楼栋/院落): its properties" + _PARENTS[Label.BUILDING])
class CreateBuildingInput:
    name: str = strawberry.field(description=prop(Label.BUILDING, "name"))
    kind: BuildingKind = strawberry.field(description=prop(Label.BUILDING, "kind"))
    grid: strawberry.ID = strawberry.field(description="Global ID of the grid it is part of (PART_OF).")
    address: str | None = strawberry.field(default=None, description=prop(Label.BUILDING, "address"))
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="building or courtyard"))
class UpdateBuildingInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.BUILDING, "name"))
    kind: BuildingKind | None = strawberry.field(default=UNSET, description=change(Label.BUILDING, "kind"))
    address: str | None = strawberry.field(default=UNSET, description=change(Label.BUILDING, "address"))


@strawberry.input(description="A new household (户): its properties" + _PARENTS[Label.HOUSEHOLD])
class CreateHouseholdInput:
    name: str = strawberry.field(description=prop(Label.HOUSEHOLD, "name"))
    building: strawberry.ID = strawberry.field(description="Global ID of the building it is part of (PART_OF).")
    address: str | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "address"))
    size: int | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "size"))
    tags: list[HouseholdTag] | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "tags"))
    head_name: str | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "head_name"))
    phone: str | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "phone"))
    head_id_number: str | None = strawberry.field(default=None, description=prop(Label.HOUSEHOLD, "head_id_number"))
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="household"))
class UpdateHouseholdInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "name"))
    address: str | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "address"))
    size: int | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "size"))
    tags: list[HouseholdTag] | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "tags"))
    head_name: str | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "head_name"))
    phone: str | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "phone"))
    head_id_number: str | None = strawberry.field(default=UNSET, description=change(Label.HOUSEHOLD, "head_id_number"))


@strawberry.input(description="A new party organization (党组织): its properties" + _PARENTS[Label.PARTY_ORGANIZATION])
class CreatePartyOrganizationInput:
    name: str = strawberry.field(description=prop(Label.PARTY_ORGANIZATION, "name"))
    level: OrgLevel = strawberry.field(description=prop(Label.PARTY_ORGANIZATION, "level"))
    star: Star | None = strawberry.field(default=None, description=prop(Label.PARTY_ORGANIZATION, "star"))
    external: bool | None = strawberry.field(default=None, description=prop(Label.PARTY_ORGANIZATION, "external"))
    parent: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the organization it reports to (REPORTS_TO); null: none."
    )
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="party organization"))
class UpdatePartyOrganizationInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.PARTY_ORGANIZATION, "name"))
    level: OrgLevel | None = strawberry.field(default=UNSET, description=change(Label.PARTY_ORGANIZATION, "level"))
    star: Star | None = strawberry.field(default=UNSET, description=change(Label.PARTY_ORGANIZATION, "star"))
    external: bool | None = strawberry.field(default=UNSET, description=change(Label.PARTY_ORGANIZATION, "external"))


@strawberry.input(description="A new party member (党员): its properties" + _PARENTS[Label.PARTY_MEMBER])
class CreatePartyMemberInput:
    name: str = strawberry.field(description=prop(Label.PARTY_MEMBER, "name"))
    kind: MemberKind = strawberry.field(description=prop(Label.PARTY_MEMBER, "kind"))
    vanguard: bool | None = strawberry.field(default=None, description=prop(Label.PARTY_MEMBER, "vanguard"))
    gender: Gender | None = strawberry.field(default=None, description=prop(Label.PARTY_MEMBER, "gender"))
    birth_year: int | None = strawberry.field(default=None, description=prop(Label.PARTY_MEMBER, "birth_year"))
    phone: str | None = strawberry.field(default=None, description=prop(Label.PARTY_MEMBER, "phone"))
    id_number: str | None = strawberry.field(default=None, description=prop(Label.PARTY_MEMBER, "id_number"))
    household: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the household it lives in (LIVES_IN); null: none."
    )
    organization: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the organization it belongs to (MEMBER_OF); null: none."
    )
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="party member"))
class UpdatePartyMemberInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "name"))
    kind: MemberKind | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "kind"))
    vanguard: bool | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "vanguard"))
    gender: Gender | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "gender"))
    birth_year: int | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "birth_year"))
    phone: str | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "phone"))
    id_number: str | None = strawberry.field(default=UNSET, description=change(Label.PARTY_MEMBER, "id_number"))


@strawberry.input(description="A new vanguard station (先锋驿站): its properties" + _PARENTS[Label.VANGUARD_STATION])
class CreateVanguardStationInput:
    name: str = strawberry.field(description=prop(Label.VANGUARD_STATION, "name"))
    building: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the building it is in (LOCATED_IN); null: none."
    )
    id: str | None = strawberry.field(default=None, description=ID)
    party_group: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of the party group that sets it (ATTACHED_TO, 根据党小组划分): a building or grid "
        "group; null: none.",
    )


@strawberry.input(description=_UPDATE.format(what="vanguard station"))
class UpdateVanguardStationInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.VANGUARD_STATION, "name"))


@strawberry.input(description="A new party-building alliance (党建联盟): its properties" + _PARENTS[Label.ALLIANCE])
class CreateAllianceInput:
    name: str = strawberry.field(description=prop(Label.ALLIANCE, "name"))
    theme: str | None = strawberry.field(default=None, description=prop(Label.ALLIANCE, "theme"))
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="party-building alliance"))
class UpdateAllianceInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.ALLIANCE, "name"))
    theme: str | None = strawberry.field(default=UNSET, description=change(Label.ALLIANCE, "theme"))


@strawberry.input(
    description="A new alliance member unit (联盟成员单位): its properties" + _PARENTS[Label.ALLIANCE_MEMBER]
)
class CreateAllianceMemberInput:
    name: str = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "name"))
    kind: UnitKind = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "kind"))
    credit_code: str | None = strawberry.field(default=None, description=prop(Label.ALLIANCE_MEMBER, "credit_code"))
    resources: list[ResourceKind] | None = strawberry.field(
        default=None, description=prop(Label.ALLIANCE_MEMBER, "resources")
    )
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="alliance member unit"))
class UpdateAllianceMemberInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.ALLIANCE_MEMBER, "name"))
    kind: UnitKind | None = strawberry.field(default=UNSET, description=change(Label.ALLIANCE_MEMBER, "kind"))
    credit_code: str | None = strawberry.field(default=UNSET, description=change(Label.ALLIANCE_MEMBER, "credit_code"))
    resources: list[ResourceKind] | None = strawberry.field(
        default=UNSET, description=change(Label.ALLIANCE_MEMBER, "resources")
    )


# --- payloads -------------------------------------------------------------------------
@strawberry.type(
    description="The result of creating or changing a street or town: the node, or why nothing was written."
)
class StreetPayload:
    street: Street | None = strawberry.field(description=_NODE.format(what="street or town"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of creating or changing a community: the node, or why nothing was written.")
class CommunityPayload:
    community: Community | None = strawberry.field(description=_NODE.format(what="community"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of creating or changing a grid: the node, or why nothing was written.")
class GridPayload:
    grid: Grid | None = strawberry.field(description=_NODE.format(what="grid"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(
    description="The result of creating or changing a building or courtyard: the node, or why nothing was written."
)
class BuildingPayload:
    building: Building | None = strawberry.field(description=_NODE.format(what="building or courtyard"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of creating or changing a household: the node, or why nothing was written.")
class HouseholdPayload:
    household: Household | None = strawberry.field(description=_NODE.format(what="household"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(
    description="The result of creating or changing a party organization: the node, or why nothing was written."
)
class PartyOrganizationPayload:
    party_organization: PartyOrganization | None = strawberry.field(description=_NODE.format(what="party organization"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of creating or changing a party member: the node, or why nothing was written.")
class PartyMemberPayload:
    party_member: PartyMember | None = strawberry.field(description=_NODE.format(what="party member"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(
    description="The result of creating or changing a vanguard station: the node, or why nothing was written."
)
class VanguardStationPayload:
    vanguard_station: VanguardStation | None = strawberry.field(description=_NODE.format(what="vanguard station"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(
    description="The result of creating or changing a party-building alliance: the node, or why nothing was written."
)
class AlliancePayload:
    alliance: Alliance | None = strawberry.field(description=_NODE.format(what="party-building alliance"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(
    description="The result of creating or changing an alliance member unit: the node, or why nothing was written."
)
class AllianceMemberPayload:
    alliance_member: AllianceMember | None = strawberry.field(description=_NODE.format(what="alliance member unit"))
    errors: list[UserError] = strawberry.field(description=ERRORS)
