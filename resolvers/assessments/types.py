# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""``Assessment`` (考核) as a GraphQL type: a check of a branch in a round of the 双强双优 campaign.

An assessment walks to the branch it rates (``assesses``) and to who assessed it
(``assessedBy``); a branch walks back through :mod:`resolvers.assessments.walks`.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from graph_schema.assessments import CATEGORIES, parse_score
from loaders.store import Direction
from resolvers.assessments.enums import AssessmentKind
from resolvers.connections import related_all, related_one
from resolvers.context import Info
from resolvers.enums import Star
from resolvers.node import Node, as_node, date_of, global_id, node_type

OUT = Direction.OUT


@strawberry.type(description="Requirements a branch met in one category of the 双强双优 template (分项得分).")
class CategoryScore:
    category: str = strawberry.field(description="The category's code, e.g. ORGANIZATION_SETUP.")
    name: str = strawberry.field(description="The category's Chinese name, e.g. 组织设置.")
    met: int = strawberry.field(description="Requirements of the category the branch met.")
    requirements: int = strawberry.field(description="Requirements the category has (the template's).")
    synthetic: bool = strawberry.field(
        description="True when the category is the project's synthetic one (the article does not name it)."
    )


def category_scores(values: object) -> list[CategoryScore]:
    """The stored ``scores`` of an assessment as CategoryScore objects (entries that do not parse are left out)."""
    out = []
    for entry in values if isinstance(values, list) else []:
        try:
            code, met = parse_score(str(entry))
        except ValueError:
            continue
        c = CATEGORIES[code]
        out.append(
            CategoryScore(category=code, name=c.zh, met=met, requirements=len(c.requirements), synthetic=c.synthetic)
        )
    return out


@node_type(Label.ASSESSMENT)
@strawberry.type(
    description="An assessment (考核) of a branch in a round of the 双强双优 star-rating campaign: its own check, the "
    "second check, a cross-check or a spot-check, with the result and the requirements met per category."
)
class Assessment(Node):
    round: str = strawberry.field(description="The round of the campaign (轮次), '<year>-<n>', e.g. 2026-1.")
    kind: AssessmentKind = strawberry.field(description="Which check it is (考核方式).")
    on: dt.date = strawberry.field(description="The day of the assessment (考核日期).")
    result: Star = strawberry.field(description="The rating it gave (评定等次).")
    scores: list[CategoryScore] = strawberry.field(
        description="Requirements met per category of the template (分项得分); categories not scored are left out."
    )
    rectify_by: dt.date | None = strawberry.field(
        description="The rectification deadline (整改期限) of an UNQUALIFIED branch; null otherwise."
    )

    @classmethod
    def from_record(cls, record: Record) -> Assessment:
        p = record.properties
        return cls(
            id=global_id(record),
            record=record,
            round=str(p.get("round", "")),
            kind=p["kind"],
            on=date_of(p.get("on")) or dt.date.min,
            result=p["result"],
            scores=category_scores(p.get("scores")),
            rectify_by=date_of(p.get("rectify_by")),
        )

    @strawberry.field(description="The branch it rates (考核对象, ASSESSES).")
    async def assesses(self, info: Info) -> Node | None:
        return await related_one(info, self.record, RelType.ASSESSES, OUT)

    @strawberry.field(
        description="Who assessed it (考核单位, ASSESSED_BY): party organizations (the branch itself, the organization "
        "it reports to, a committee of another street) and instructors (Worker, 指导员); empty when not recorded."
    )
    async def assessed_by(self, info: Info) -> list[Node]:
        edges = await related_all(info, self.record, RelType.ASSESSED_BY, OUT)
        return [as_node(e.node) for e in sorted(edges, key=lambda e: e.node.id)]
