# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""``Appeal`` (诉求) and ``Activity`` (活动/会议) as GraphQL types, with every relationship.

An appeal walks to who raised it (``raisedBy``), where it is (``concerns``), who handles it
(``assignedTo``, with the date) and the meetings that discussed it (``discussedIn``); an
activity to who held it, where, what it discussed and who attended.  The other ends walk
back through the fields of :mod:`resolvers.appeals.walks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from graph_schema.appeals import OPEN_STATUSES, parse_history_entry
from loaders.store import Direction
from resolvers.appeals.enums import ActivityKind, AppealCategory, AppealSource, AppealStatus, Satisfaction
from resolvers.connections import After, Before, Connection, First, Last, related, related_all, related_one
from resolvers.context import Info
from resolvers.node import Area, Node, as_node, date_of, global_id, node_type
from resolvers.properties import PII
from resolvers.work import walks as work_walks

OUT, IN = Direction.OUT, Direction.IN

AsOf = Annotated[
    dt.date | None,
    strawberry.argument(description="The day to judge by (default: today, on the service's clock)."),
]


def is_overdue(record: Record, as_of: dt.date) -> bool:
    """Whether an appeal is still open (REPORTED, ACCEPTED or ASSIGNED) and its due day is before ``as_of``."""
    p = record.properties
    due = date_of(p.get("due"))
    return p.get("status") in OPEN_STATUSES and due is not None and due < as_of


@strawberry.type(description="One step of an appeal's workflow (流转记录): when, from which status to which, by whom.")
class AppealTransition:
    at: dt.datetime = strawberry.field(description="When the step was taken (an ISO date-time with its offset).")
    from_: AppealStatus | None = strawberry.field(
        name="from", description="The status before the step; null for the report that created the appeal."
    )
    to: AppealStatus = strawberry.field(description="The status after the step.")
    actor: str = strawberry.field(
        description="Who took it: the token's subject or name, 'anonymous' without a token (an import names its "
        "source)."
    )


@strawberry.type(description="Who handles an appeal (承办, ASSIGNED_TO) and since when.")
class Assignment:
    handler: Node = strawberry.field(
        description="The handler: a PartyMember (e.g. a vanguard), an AllianceMember unit, a PartyOrganization or an "
        "Alliance."
    )
    since: dt.date | None = strawberry.field(description="The day it was assigned to this handler; null when unknown.")


@node_type(Label.APPEAL)
@strawberry.type(
    description="A resident's appeal (诉求): a problem brought to the network, followed from report to resolution "
    "through 接、派、办、督、评. Its description is personal information."
)
class Appeal(Node):
    title: str = strawberry.field(description="A short title (标题), e.g. 3栋楼顶漏水.")
    category: AppealCategory = strawberry.field(description="What it is about (类别).")
    source: AppealSource = strawberry.field(description="How it reached the network (来源).")
    status: AppealStatus = strawberry.field(description="Where it stands in the workflow (状态).")
    difficult: bool = strawberry.field(
        description="Whether it is a difficult problem (疑难), e.g. one for a roundtable; absent means false."
    )
    reported_on: dt.date = strawberry.field(description="The day it was reported (反映日期).")
    accepted_on: dt.date | None = strawberry.field(description="The day it was accepted (受理日期); null before.")
    rejected_on: dt.date | None = strawberry.field(
        description="The day it was rejected (不予受理日期); null unless REJECTED."
    )
    rejection_reason: str | None = strawberry.field(
        description="Why it was rejected (不予受理理由); null unless REJECTED."
    )
    resolved_on: dt.date | None = strawberry.field(
        description="The day its handler resolved it (办结日期); null until RESOLVED, and again once reopened."
    )
    closed_on: dt.date | None = strawberry.field(description="The day it was closed (归档日期); null unless CLOSED.")
    due: dt.date | None = strawberry.field(
        description="The day it must be resolved by (办理时限): given when reported, else the report day plus the "
        "days the service's table gives its category (doubled when difficult)."
    )
    satisfaction: Satisfaction | None = strawberry.field(
        description="The resident's latest review (满意度); null until reviewed."
    )
    earned_by = work_walks.earned_by()

    @classmethod
    def from_record(cls, record: Record) -> Appeal:
        p = record.properties
        return cls(
            id=global_id(record),
            record=record,
            title=str(p.get("title", "")),
            category=p["category"],
            source=p["source"],
            status=p["status"],
            difficult=bool(p.get("difficult")),
            reported_on=date_of(p.get("reported_on")) or dt.date.min,
            accepted_on=date_of(p.get("accepted_on")),
            rejected_on=date_of(p.get("rejected_on")),
            rejection_reason=p.get("rejection_reason"),
            resolved_on=date_of(p.get("resolved_on")),
            closed_on=date_of(p.get("closed_on")),
            due=date_of(p.get("due")),
            satisfaction=p.get("satisfaction"),
        )

    @strawberry.field(
        description="What the resident said (诉求内容); null when not recorded. "
        + PII.format(example="null: withheld whole, as free text cannot be masked in part")
    )
    def description(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "description")

    @strawberry.field(description="Every step of its workflow, oldest first (流转记录).")
    def history(self) -> list[AppealTransition]:
        out = []
        for entry in self.record.properties.get("history") or []:
            at, from_status, to_status, actor = parse_history_entry(entry)
            out.append(
                AppealTransition(
                    at=dt.datetime.fromisoformat(at),
                    from_=AppealStatus(from_status) if from_status else None,
                    to=AppealStatus(to_status),
                    actor=actor,
                )
            )
        return out

    @strawberry.field(
        description="Whether it is overdue on asOf: still open (REPORTED, ACCEPTED or ASSIGNED) with its due day "
        "before asOf."
    )
    def overdue(self, as_of: AsOf = None) -> bool:
        return is_overdue(self.record, as_of or dt.date.today())

    @strawberry.field(
        description="Who raised it (反映人, RAISED_BY): a Household or a PartyMember; null when not recorded."
    )
    async def raised_by(self, info: Info) -> Node | None:
        return await related_one(info, self.record, RelType.RAISED_BY, OUT)

    @strawberry.field(
        description="Where it is (涉及, CONCERNS): a Household, Building, Grid or Community. The appeal lies within "
        "that place and every area above it."
    )
    async def concerns(self, info: Info) -> Node | None:
        return await related_one(info, self.record, RelType.CONCERNS, OUT)

    @strawberry.field(description="Who handles it (承办, ASSIGNED_TO) and since when; null before it is assigned.")
    async def assigned_to(self, info: Info) -> Assignment | None:
        found = await related_all(info, self.record, RelType.ASSIGNED_TO, OUT)
        if not found:
            return None
        edge = found[0]
        return Assignment(handler=as_node(edge.node), since=date_of(edge.relationship.properties.get("since")))

    @strawberry.field(description="The meetings that discussed it (DISCUSSED), e.g. roundtables.")
    async def discussed_in(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Activity]:
        return await related(info, self.record, RelType.DISCUSSED, IN, None, first, after, last, before)


@node_type(Label.ACTIVITY)
@strawberry.type(description="An activity or meeting (活动/会议), e.g. a roundtable (圆桌会议) that discusses appeals.")
class Activity(Node):
    title: str = strawberry.field(description="Its subject (主题).")
    kind: ActivityKind = strawberry.field(description="What kind of activity it is (类型).")
    on: dt.date = strawberry.field(description="The day it took place (日期).")

    @classmethod
    def from_record(cls, record: Record) -> Activity:
        p = record.properties
        return cls(
            id=global_id(record),
            record=record,
            title=str(p.get("title", "")),
            kind=p["kind"],
            on=date_of(p.get("on")) or dt.date.min,
        )

    @strawberry.field(
        description="Who held it (主办, HELD_BY): a PartyOrganization, an Alliance or, for a monthly contact (月联), "
        "the vanguard PartyMember."
    )
    async def held_by(self, info: Info) -> Node | None:
        return await related_one(info, self.record, RelType.HELD_BY, OUT)

    @strawberry.field(description="Where it was held (地点, HELD_IN): a street, community, grid or building.")
    async def held_in(self, info: Info) -> Area | None:
        return await related_one(info, self.record, RelType.HELD_IN, OUT)

    @strawberry.field(description="The appeals it discussed (议题, DISCUSSED).")
    async def discussed(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Appeal]:
        return await related(info, self.record, RelType.DISCUSSED, OUT, None, first, after, last, before)

    served_households = work_walks.served_households()
    project = work_walks.advanced_project()
    earned_by = work_walks.earned_by()

    @strawberry.field(description="Who attended (参加, ATTENDED): party members and alliance member units.")
    async def attendees(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Node]:
        return await related(info, self.record, RelType.ATTENDED, IN, None, first, after, last, before)


def appeal_or_none(record: Record | None) -> Any:
    return as_node(record) if record is not None and record.label == Label.APPEAL.value else None
