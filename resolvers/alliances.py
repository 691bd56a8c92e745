# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""Party-building alliances (党建联盟) and their member units (联盟成员单位)."""

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
from resolvers.enums import ResourceKind, UnitKind
from resolvers.filters import AllianceFilter, AllianceMemberFilter
from resolvers.lazy_types import AllianceMemberT, BuildingT, PartyOrganizationT
from resolvers.node import Area, Node, global_id, node_type
from resolvers.properties import prop
from resolvers.walk_fields import listing, walk
from resolvers.workers import walks as worker_walks

OUT, IN = Direction.OUT, Direction.IN


@node_type(Label.ALLIANCE)
@strawberry.type(
    description="A party-building alliance (党建联盟): led by party organizations, it pools member units to serve "
    "communities and streets."
)
class Alliance(Node):
    name: str = strawberry.field(description=prop(Label.ALLIANCE, "name"))
    theme: str | None = strawberry.field(description=prop(Label.ALLIANCE, "theme"))

    assigned_appeals = walks.assigned_appeals()
    activities_held = walks.activities_held()

    @classmethod
    def from_record(cls, record: Record) -> Alliance:
        return cls(id=global_id(record), record=record, name=record.name, theme=record.properties.get("theme"))

    led_by = walk(RelType.LED_BY, OUT, PartyOrganizationT, "The party organizations that lead it (LED_BY).")
    serves = walk(RelType.SERVES, OUT, Area, "The areas it serves (SERVES): communities and streets.")
    members = walk(
        RelType.JOINED, IN, AllianceMemberT, "Its member units (JOINED), with the date they joined.", kind="since"
    )


@node_type(Label.ALLIANCE_MEMBER)
@strawberry.type(description="An alliance member unit (联盟成员单位): enterprise, bank, association, property company…")
class AllianceMember(Node):
    name: str = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "name"))
    kind: UnitKind = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "kind"))
    credit_code: str | None = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "credit_code"))
    resources: list[ResourceKind] = strawberry.field(description=prop(Label.ALLIANCE_MEMBER, "resources"))

    assigned_appeals = walks.assigned_appeals()
    activities_attended = walks.activities_attended()
    guided_by = worker_walks.guided_by()

    @classmethod
    def from_record(cls, record: Record) -> AllianceMember:
        p = record.properties
        return cls(
            id=global_id(record),
            record=record,
            name=record.name,
            kind=p["kind"],
            credit_code=p.get("credit_code"),
            resources=p.get("resources") or [],
        )

    alliances = walk(RelType.JOINED, OUT, Alliance, "Alliances it joined (JOINED), with the date.", kind="since")
    manages = walk(RelType.MANAGES, OUT, BuildingT, "Buildings it manages (MANAGES), for a property company.")

    @strawberry.field(description="Its own party branch (BRANCH_OF), if it has one (the first by id if several).")
    async def branch(self, info: Info) -> PartyOrganizationT | None:
        return await related_one(info, self.record, RelType.BRANCH_OF, IN)


@strawberry.type(description="Root listings of the party-building alliances and their units.")
class AllianceQuery:
    alliances = listing(
        Label.ALLIANCE, Alliance, AllianceFilter, "Party-building alliances (党建联盟), a page at a time."
    )
    alliance_members = listing(
        Label.ALLIANCE_MEMBER,
        AllianceMember,
        AllianceMemberFilter,
        "Alliance member units (联盟成员单位), a page at a time.",
    )
