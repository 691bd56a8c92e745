# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""The governance network (一张网): streets, communities, grids, buildings and households.

Each child has exactly one PART_OF parent; every level walks up (``street``, ``community``,
``grid``, ``building``) and down (``communities``, ``grids``, ``buildings``, ``households``).
"""

from __future__ import annotations

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from loaders.store import Direction
from resolvers.appeals import walks
from resolvers.connections import (
    related_one,
)
from resolvers.context import Info
from resolvers.enums import BuildingKind, CommunityKind, GridKind, HouseholdTag
from resolvers.filters import (
    BuildingFilter,
    CommunityFilter,
    GridFilter,
    HouseholdFilter,
    StreetFilter,
)
from resolvers.lazy_types import (
    AllianceMemberT,
    AllianceT,
    BuildingT,
    CommunityT,
    GridT,
    HouseholdT,
    PartyMemberT,
    PartyOrganizationT,
    VanguardStationT,
)
from resolvers.node import Area, Node, global_id, node_type
from resolvers.properties import prop
from resolvers.walk_fields import listing, walk
from resolvers.work import walks as work_walks
from resolvers.workers import walks as worker_walks

OUT, IN = Direction.OUT, Direction.IN
PART_OF, GOVERNS, SERVES = RelType.PART_OF.value, RelType.GOVERNS.value, RelType.SERVES.value
ORG = [Label.PARTY_ORGANIZATION.value]


@node_type(Label.STREET)
@strawberry.type(description="A street or town (街道/镇): the top of the governance network (一张网).")
class Street(Area):
    code: str | None = strawberry.field(description=prop(Label.STREET, "code"))

    appeals_within = walks.appeals_within()
    activities = walks.activities_here()
    workers = worker_walks.workers()
    guidance_stations = worker_walks.guidance_stations()
    secretary_projects = work_walks.projects_here()

    @classmethod
    def from_record(cls, record: Record) -> Street:
        return cls(id=global_id(record), record=record, name=record.name, code=record.properties.get("code"))

    communities = walk(PART_OF, IN, CommunityT, "Its communities (PART_OF).", labels=[Label.COMMUNITY.value])
    governed_by = walk(GOVERNS, IN, PartyOrganizationT, "The party organizations that govern it (GOVERNS).", labels=ORG)
    served_by = walk(SERVES, IN, AllianceT, "The alliances that serve it (SERVES).")


@node_type(Label.COMMUNITY)
@strawberry.type(description="A community (社区) or a village (村, kind VILLAGE), part of one street.")
class Community(Area):
    code: str | None = strawberry.field(description=prop(Label.COMMUNITY, "code"))

    appeals = walks.appeals()
    appeals_within = walks.appeals_within()
    activities = walks.activities_here()
    workers = worker_walks.workers()
    secretary_projects = work_walks.projects_here()

    @classmethod
    def from_record(cls, record: Record) -> Community:
        return cls(id=global_id(record), record=record, name=record.name, code=record.properties.get("code"))

    @strawberry.field(
        description="An urban community (社区) or a village (村); COMMUNITY when the record names no kind."
    )
    def kind(self) -> CommunityKind:
        return CommunityKind(self.record.properties.get("kind") or CommunityKind.COMMUNITY.value)

    @strawberry.field(description="The street it is part of.")
    async def street(self, info: Info) -> Street | None:
        return await related_one(info, self.record, PART_OF, OUT)

    grids = walk(PART_OF, IN, GridT, "Its grids (PART_OF).", labels=[Label.GRID.value])
    governed_by = walk(GOVERNS, IN, PartyOrganizationT, "The party organizations that govern it (GOVERNS).", labels=ORG)
    served_by = walk(SERVES, IN, AllianceT, "The alliances that serve it (SERVES).")
    reported_members = walk(
        RelType.REPORTED_TO,
        IN,
        PartyMemberT,
        "In-service members registered here (三报到, REPORTED_TO), with the date.",
        kind="since",
    )


@node_type(Label.GRID)
@strawberry.type(description="A grid (网格) of about 300 households, part of one community.")
class Grid(Area):
    kinds: list[GridKind] = strawberry.field(description=prop(Label.GRID, "kinds"))
    target_households: int = strawberry.field(
        description="The households the grid should have (目标户数): its own target when recorded, else the norm "
        "of 300. Structure analytics flag a grid outside ±50% of it."
    )

    appeals = walks.appeals()
    appeals_within = walks.appeals_within()
    activities = walks.activities_here()
    workers = worker_walks.workers()
    secretary_projects = work_walks.projects_here()

    @classmethod
    def from_record(cls, record: Record) -> Grid:
        p = record.properties
        return cls(
            id=global_id(record),
            record=record,
            name=record.name,
            kinds=p.get("kinds") or [],
            target_households=p.get("target_households") or 300,
        )

    @strawberry.field(description="The community it is part of.")
    async def community(self, info: Info) -> Community | None:
        return await related_one(info, self.record, PART_OF, OUT)

    buildings = walk(PART_OF, IN, BuildingT, "Its buildings and courtyards (PART_OF).", labels=[Label.BUILDING.value])
    governed_by = walk(GOVERNS, IN, PartyOrganizationT, "The party organizations that govern it (GOVERNS).", labels=ORG)


@node_type(Label.BUILDING)
@strawberry.type(description="A building (楼栋) or courtyard (院落), part of one grid.")
class Building(Area):
    kind: BuildingKind = strawberry.field(description=prop(Label.BUILDING, "kind"))
    address: str | None = strawberry.field(description=prop(Label.BUILDING, "address"))

    appeals = walks.appeals()
    appeals_within = walks.appeals_within()
    activities = walks.activities_here()
    workers = worker_walks.workers()
    secretary_projects = work_walks.projects_here()

    @classmethod
    def from_record(cls, record: Record) -> Building:
        p = record.properties
        return cls(id=global_id(record), record=record, name=record.name, kind=p["kind"], address=p.get("address"))

    @strawberry.field(description="The grid it is part of.")
    async def grid(self, info: Info) -> Grid | None:
        return await related_one(info, self.record, PART_OF, OUT)

    households = walk(PART_OF, IN, HouseholdT, "Its households (PART_OF).", labels=[Label.HOUSEHOLD.value])
    governed_by = walk(
        GOVERNS,
        IN,
        PartyOrganizationT,
        "The party organizations that govern it (GOVERNS), e.g. a building group.",
        labels=ORG,
    )

    stations = walk(RelType.LOCATED_IN, IN, VanguardStationT, "Vanguard stations located here (LOCATED_IN).")
    managed_by = walk(
        RelType.MANAGES,
        IN,
        AllianceMemberT,
        "Alliance member units that manage it (MANAGES), e.g. its property company.",
    )


@node_type(Label.HOUSEHOLD)
@strawberry.type(
    description="A household (户), part of one building. headName, phone, headIdNumber, address and the vulnerable "
    "tags are personal information: masked or withheld unless the viewer may see personal information."
)
class Household(Node):
    name: str = strawberry.field(description=prop(Label.HOUSEHOLD, "name"))
    size: int | None = strawberry.field(description=prop(Label.HOUSEHOLD, "size"))

    appeals = walks.appeals()
    raised_appeals = walks.raised_appeals()
    activities_serving = work_walks.served_by()

    @classmethod
    def from_record(cls, record: Record) -> Household:
        p = record.properties
        return cls(id=global_id(record), record=record, name=record.name, size=p.get("size"))

    @strawberry.field(
        description="The household's own address, below its building's (personal information: null unless PII is "
        "revealed; the building's address is public)."
    )
    def address(self, info: Info) -> str | None:
        value = info.context.viewer.reveal(self.record, "address")
        return value if isinstance(value, str) else None

    @strawberry.field(
        description="Tags. LOW_INCOME, DISABILITY, ELDERLY_ALONE and KEY_GROUP are personal information: left out "
        "unless PII is revealed."
    )
    def tags(self, info: Info) -> list[HouseholdTag]:
        value = info.context.viewer.reveal(self.record, "tags")
        return [HouseholdTag(t) for t in value] if isinstance(value, list) else []

    @strawberry.field(description=prop(Label.HOUSEHOLD, "head_name"))
    def head_name(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "head_name")

    @strawberry.field(description=prop(Label.HOUSEHOLD, "phone"))
    def phone(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "phone")

    @strawberry.field(description=prop(Label.HOUSEHOLD, "head_id_number"))
    def head_id_number(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "head_id_number")

    @strawberry.field(description="The building it is part of.")
    async def building(self, info: Info) -> Building | None:
        return await related_one(info, self.record, PART_OF, OUT)

    residents = walk(RelType.LIVES_IN, IN, PartyMemberT, "Party members who live here (LIVES_IN).")
    linked_by = walk(
        RelType.LINKS,
        IN,
        PartyMemberT,
        "Vanguard members who link this household (1+10+N, LINKS), with the date.",
        kind="since",
    )

    visits = walk(
        RelType.VISITED,
        IN,
        PartyMemberT,
        "Visits to this household (月联月访, VISITED): who came and when.",
        kind="visit",
    )


@strawberry.type(description="Root listings of the governance network (一张网).")
class AreaQuery:
    streets = listing(Label.STREET, Street, StreetFilter, "Streets and towns (街道/镇), a page at a time.")
    communities = listing(
        Label.COMMUNITY,
        Community,
        CommunityFilter,
        "Communities (社区) and villages (村), a page at a time; filter by kind for one of them.",
    )
    grids = listing(Label.GRID, Grid, GridFilter, "Grids (网格), a page at a time.")
    buildings = listing(
        Label.BUILDING, Building, BuildingFilter, "Buildings and courtyards (楼栋/院落), a page at a time."
    )
    households = listing(
        Label.HOUSEHOLD,
        Household,
        HouseholdFilter,
        "Households (户), a page at a time (names are not personal information).",
    )
