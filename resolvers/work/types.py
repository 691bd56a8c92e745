# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""Secretary projects (书记项目) and points (积分) as GraphQL types."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from loaders.store import Direction
from resolvers.connections import After, Before, Connection, First, Last, related, related_all, related_one
from resolvers.context import Info
from resolvers.lazy_types import ActivityT, PartyMemberT, PartyOrganizationT
from resolvers.node import Area, Node, as_node, date_of, global_id, node_type
from resolvers.work import walks
from resolvers.work.enums import ProjectCategory, ProjectStage

OUT, IN = Direction.OUT, Direction.IN


@node_type(Label.SECRETARY_PROJECT)
@strawberry.type(
    description="A secretary project (书记项目): a piece of community work an organization proposes, members lead, "
    "residents take part in and review (组织发起、党员领办、群众参与、居民评议). It lies within the area it is held in."
)
class SecretaryProject(Node):
    title: str = strawberry.field(description="Its title (项目名称).")
    category: ProjectCategory = strawberry.field(description="Which of the 10 kinds it is (类别).")
    stage: ProjectStage = strawberry.field(description="Where it stands (阶段): PROPOSED, LED, IN_PROGRESS, REVIEWED.")
    proposed_on: dt.date = strawberry.field(description="The day the organization proposed it (发起日期).")
    led_on: dt.date | None = strawberry.field(description="The day members took it on (领办日期); null before LED.")
    started_on: dt.date | None = strawberry.field(
        description="The day residents' work on it started (实施日期); null before IN_PROGRESS."
    )
    reviewed_on: dt.date | None = strawberry.field(
        description="The day residents reviewed it (评议日期); null before REVIEWED."
    )
    review_score: int | None = strawberry.field(
        description="The residents' review score (居民评议得分, 0 to 100); null before REVIEWED."
    )

    @classmethod
    def from_record(cls, record: Record) -> SecretaryProject:
        p = record.properties
        score = p.get("review_score")
        return cls(
            id=global_id(record),
            record=record,
            title=str(p.get("title", "")),
            category=p["category"],
            stage=p["stage"],
            proposed_on=date_of(p.get("proposed_on")) or dt.date.min,
            led_on=date_of(p.get("led_on")),
            started_on=date_of(p.get("started_on")),
            reviewed_on=date_of(p.get("reviewed_on")),
            review_score=score if isinstance(score, int) else None,
        )

    earned_by = walks.earned_by()

    @strawberry.field(
        description="The party organization that leads it (牵头党组织, LED_BY), by id: a connection like "
        "Alliance.ledBy, usually of one."
    )
    async def led_by(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[PartyOrganizationT]:
        return await related(
            info, self.record, RelType.LED_BY, OUT, [Label.PARTY_ORGANIZATION.value], first, after, last, before
        )

    @strawberry.field(description="Where it is (地点, HELD_IN): a street, community, grid or building.")
    async def held_in(self, info: Info) -> Area | None:
        return await related_one(info, self.record, RelType.HELD_IN, OUT)

    @strawberry.field(description="The members who lead it (领办, LEADS), by id.")
    async def leaders(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[PartyMemberT]:
        return await related(
            info, self.record, RelType.LEADS, IN, [Label.PARTY_MEMBER.value], first, after, last, before
        )

    @strawberry.field(description="The events that advanced it (推进项目, ADVANCES), by id.")
    async def events(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[ActivityT]:
        return await related(
            info, self.record, RelType.ADVANCES, IN, [Label.ACTIVITY.value], first, after, last, before
        )


@strawberry.type(description="Points (积分) a member earned once (EARNED): how many, when, why and from what.")
class PointsEntry:
    points: int = strawberry.field(description="How many points (积分).")
    on: dt.date = strawberry.field(description="The day they were earned (日期).")
    reason: str | None = strawberry.field(description="Why (事由), e.g. 参加志愿服务; null when not recorded.")
    source: Node = strawberry.field(
        description="What earned them: an Activity (by its kind), a SecretaryProject (leading it) or an Appeal "
        "(handling it)."
    )


@strawberry.type(description="A member's points (积分) in a year, one month of it, or ever.")
class MemberPoints:
    year: int | None = strawberry.field(description="The calendar year; null: every year.")
    month: int | None = strawberry.field(description="The month (1 to 12); null: the whole year.")
    total: int = strawberry.field(description="The points earned in the period.")
    entries: list[PointsEntry] = strawberry.field(description="Every EARNED in the period, oldest first.")


@strawberry.type(description="A member's points in one month.")
class MonthPoints:
    month: int = strawberry.field(description="The month (1 to 12).")
    total: int = strawberry.field(description="The points earned in that month.")


async def points_entries(info: Info, member: Record) -> list[PointsEntry]:
    """Every EARNED of ``member`` the viewer may read, oldest first (then by source id)."""
    found = await related_all(info, member, RelType.EARNED, OUT)
    entries = []
    for edge in found:
        p = edge.relationship.properties
        on = date_of(p.get("on"))
        points = p.get("points")
        if on is None or not isinstance(points, int):
            continue
        reason = p.get("reason")
        entries.append(
            PointsEntry(
                points=points, on=on, reason=reason if isinstance(reason, str) else None, source=as_node(edge.node)
            )
        )
    entries.sort(key=lambda e: (e.on, e.source.record.id))
    return entries
