# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""The party: organizations (their tree, what they govern), members and vanguard stations.

Members' ``name``, ``phone`` and ``idNumber`` are personal information, masked unless PII is
revealed (``resolvers.privacy``).
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from loaders.store import Direction
from resolvers.appeals import walks
from resolvers.assessments import walks as assessment_walks
from resolvers.connections import (
    related_one,
)
from resolvers.context import Info
from resolvers.enums import Gender, MemberKind, OrgLevel
from resolvers.errors import ClientError
from resolvers.filters import (
    PartyMemberFilter,
    PartyOrganizationFilter,
    VanguardStationFilter,
)
from resolvers.lazy_types import (
    AllianceMemberT,
    AllianceT,
    BuildingT,
    CommunityT,
    HouseholdT,
    PartyMemberT,
    PartyOrganizationT,
    VanguardStationT,
)
from resolvers.node import Area, Node, as_node, global_id, node_type
from resolvers.properties import prop
from resolvers.walk_fields import listing, walk
from resolvers.work import walks as work_walks
from resolvers.workers import walks as worker_walks

OUT, IN = Direction.OUT, Direction.IN
REPORTS_TO = RelType.REPORTS_TO.value
PM, HH, ORG = Label.PARTY_MEMBER.value, Label.HOUSEHOLD.value, Label.PARTY_ORGANIZATION.value


MaxDepth = Annotated[
    int,
    strawberry.argument(
        description="How many REPORTS_TO steps to follow, from 1 to the service's limit (10 unless configured); "
        "outside that range the request is refused (BAD_DEPTH)."
    ),
]


def _depth(info: Info, value: int, argument: str) -> int:
    limit = info.context.config.max_subtree_depth
    if value < 1 or value > limit:
        raise ClientError(f"{argument} must be between 1 and {limit}, got {value}", "BAD_DEPTH")
    return value


@strawberry.type(description="An organization below another one, and how many REPORTS_TO steps below it is.")
class SubtreeEntry:
    node: PartyOrganization = strawberry.field(description="The organization below.")
    depth: int = strawberry.field(description="REPORTS_TO steps from the organization asked about: 1 for a child.")


@node_type(Label.PARTY_ORGANIZATION)
@strawberry.type(
    description="A party organization (党组织): street or community committee, grid branch, building group, or a "
    "unit's own branch; they form one tree through REPORTS_TO."
)
class PartyOrganization(Node):
    name: str = strawberry.field(description=prop(Label.PARTY_ORGANIZATION, "name"))
    level: OrgLevel = strawberry.field(description=prop(Label.PARTY_ORGANIZATION, "level"))
    external: bool = strawberry.field(description=prop(Label.PARTY_ORGANIZATION, "external"))

    assigned_appeals = walks.assigned_appeals()
    activities_held = walks.activities_held()
    guided_by = worker_walks.guided_by()
    projects_led = work_walks.projects_led()
    star = assessment_walks.star()
    assessments = assessment_walks.assessments()
    assessments_made = assessment_walks.assessments_made()

    @classmethod
    def from_record(cls, record: Record) -> PartyOrganization:
        p = record.properties
        return cls(
            id=global_id(record), record=record, name=record.name, level=p["level"], external=bool(p.get("external"))
        )

    @strawberry.field(description="The organization it reports to (REPORTS_TO), none at the top.")
    async def parent(self, info: Info) -> PartyOrganization | None:
        return await related_one(info, self.record, REPORTS_TO, OUT)

    children = walk(REPORTS_TO, IN, PartyOrganizationT, "Organizations that report to it.")

    @strawberry.field(description="The chain of organizations above it (REPORTS_TO), nearest first; empty at the top.")
    async def ancestors(self, info: Info, max_depth: MaxDepth = 10) -> list[PartyOrganization]:
        found = await info.context.loaders.ancestors(REPORTS_TO, _depth(info, max_depth, "maxDepth")).load(
            self.record.id
        )
        return [as_node(n) for n in found]

    @strawberry.field(
        description="Organizations below it within maxDepth REPORTS_TO steps, breadth-first (by depth); not "
        "paged, so keep maxDepth small on large trees."
    )
    async def subtree(self, info: Info, max_depth: MaxDepth = 3) -> list[SubtreeEntry]:
        found = await info.context.loaders.descendants(REPORTS_TO, _depth(info, max_depth, "maxDepth")).load(
            self.record.id
        )
        return [SubtreeEntry(node=as_node(n), depth=d) for n, d in found]

    governs = walk(
        RelType.GOVERNS, OUT, Area, "The areas it governs (GOVERNS): its street, community, grids or buildings."
    )

    members = walk(RelType.MEMBER_OF, IN, PartyMemberT, "Its members (MEMBER_OF).")
    part_time_members = walk(RelType.SITS_ON, IN, PartyMemberT, "Part-time committee members (兼职委员, SITS_ON).")
    leads_alliances = walk(RelType.LED_BY, IN, AllianceT, "Alliances it leads (LED_BY).", labels=[Label.ALLIANCE.value])

    @strawberry.field(description="The alliance member unit whose own branch it is (BRANCH_OF), if any.")
    async def unit(self, info: Info) -> AllianceMemberT | None:
        return await related_one(info, self.record, RelType.BRANCH_OF, OUT)

    stations = walk(
        RelType.ATTACHED_TO,
        IN,
        VanguardStationT,
        "The vanguard stations set by this party group (ATTACHED_TO, 根据党小组划分): one for a "
        "building or grid group.",
    )


@node_type(Label.PARTY_MEMBER)
@strawberry.type(
    description="A party member (党员). name, phone, idNumber, gender and birthYear are personal information: "
    "masked or withheld unless the viewer may see personal information; party membership itself is sensitive."
)
class PartyMember(Node):
    kind: MemberKind = strawberry.field(description=prop(Label.PARTY_MEMBER, "kind"))
    vanguard: bool = strawberry.field(description=prop(Label.PARTY_MEMBER, "vanguard"))

    raised_appeals = walks.raised_appeals()
    assigned_appeals = walks.assigned_appeals()
    activities_attended = walks.activities_attended()
    worker = worker_walks.worker()
    activities_held = work_walks.activities_held()
    projects_leading = work_walks.projects_leading()
    points = work_walks.points()
    points_by_month = work_walks.points_by_month()

    @classmethod
    def from_record(cls, record: Record) -> PartyMember:
        p = record.properties
        return cls(id=global_id(record), record=record, kind=p["kind"], vanguard=bool(p.get("vanguard")))

    @strawberry.field(description="Gender (personal information: null unless PII is revealed).")
    def gender(self, info: Info) -> Gender | None:
        value = info.context.viewer.reveal(self.record, "gender")
        return Gender(value) if isinstance(value, str) else None

    @strawberry.field(description="Year of birth (personal information: null unless PII is revealed).")
    def birth_year(self, info: Info) -> int | None:
        value = info.context.viewer.reveal(self.record, "birth_year")
        return value if isinstance(value, int) else None

    @strawberry.field(description=prop(Label.PARTY_MEMBER, "name"))
    def name(self, info: Info) -> str:
        return str(info.context.viewer.reveal(self.record, "name") or "")

    @strawberry.field(description=prop(Label.PARTY_MEMBER, "phone"))
    def phone(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "phone")

    @strawberry.field(description=prop(Label.PARTY_MEMBER, "id_number"))
    def id_number(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "id_number")

    organizations = walk(RelType.MEMBER_OF, OUT, PartyOrganization, "Organizations it is a member of (MEMBER_OF).")
    sits_on = walk(RelType.SITS_ON, OUT, PartyOrganization, "Party committees it sits on part-time (SITS_ON).")

    @strawberry.field(description="The household it lives in (LIVES_IN).")
    async def household(self, info: Info) -> HouseholdT | None:
        return await related_one(info, self.record, RelType.LIVES_IN, OUT)

    reported_to = walk(
        RelType.REPORTED_TO,
        OUT,
        CommunityT,
        "Communities it reported to (三报到, REPORTED_TO), with the date.",
        kind="since",
    )

    stations = walk(RelType.RUNS, OUT, VanguardStationT, "Vanguard stations it runs (RUNS).")
    linked_members = walk(
        RelType.LINKS,
        OUT,
        PartyMemberT,
        "Members this vanguard links (the 10 of 1+10+N, LINKS), with the date.",
        labels=[PM],
        kind="since",
    )

    linked_households = walk(
        RelType.LINKS,
        OUT,
        HouseholdT,
        "Households this vanguard links (the N of 1+10+N, LINKS), with the date.",
        labels=[HH],
        kind="since",
    )

    linked_by = walk(
        RelType.LINKS, IN, PartyMemberT, "Vanguard members who link this member (LINKS), with the date.", kind="since"
    )

    visits = walk(
        RelType.VISITED, OUT, HouseholdT, "Households it visited (月联月访, VISITED), with the day.", kind="visit"
    )


@node_type(Label.VANGUARD_STATION)
@strawberry.type(
    description="A vanguard station (先锋驿站 / 党员中心户): the fourth level of the grid system, run by vanguard "
    "members in a building."
)
class VanguardStation(Node):
    name: str = strawberry.field(description=prop(Label.VANGUARD_STATION, "name"))

    @classmethod
    def from_record(cls, record: Record) -> VanguardStation:
        return cls(id=global_id(record), record=record, name=record.name)

    @strawberry.field(description="The building it is in (LOCATED_IN).")
    async def building(self, info: Info) -> BuildingT | None:
        return await related_one(info, self.record, RelType.LOCATED_IN, OUT)

    run_by = walk(RelType.RUNS, IN, PartyMember, "The members who run it (RUNS).")

    @strawberry.field(
        description="The party group it is set by (ATTACHED_TO, 根据党小组划分): a building or grid group; "
        "null when it is attached to none."
    )
    async def party_group(self, info: Info) -> PartyOrganization | None:
        return await related_one(info, self.record, RelType.ATTACHED_TO, OUT)


@strawberry.type(description="Root listings of the party: organizations, members, stations.")
class OrganizationQuery:
    party_organizations = listing(
        Label.PARTY_ORGANIZATION,
        PartyOrganization,
        PartyOrganizationFilter,
        "Party organizations (党组织), a page at a time.",
    )
    party_members = listing(
        Label.PARTY_MEMBER,
        PartyMember,
        PartyMemberFilter,
        "Party members (党员), a page at a time. Filtering or ordering by name is refused (code PII) "
        "unless the viewer may see personal information.",
    )

    vanguard_stations = listing(
        Label.VANGUARD_STATION,
        VanguardStation,
        VanguardStationFilter,
        "Vanguard stations (先锋驿站), a page at a time.",
    )


__all__ = ["OrganizationQuery", "PartyMember", "PartyOrganization", "SubtreeEntry", "VanguardStation"]
