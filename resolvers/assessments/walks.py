# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The assessment relationships seen from a party organization, as fields it takes with one line
each (``assessments = walks.assessments()``):

* ``star``: the star the organization shows: its final assessment's result, else its given star;
* ``assessments``: its assessment history (ASSESSES), oldest round first, least authoritative
  kind first within a round, so the last one of a round is that round's final one;
* ``assessmentsMade``: the assessments it made (ASSESSED_BY); an instructor's (``Worker``)
  ``assessmentsMade`` too (the same name and type, so that a query on Node may select both).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import Label, RelType
from graph_schema.assessments import AUTHORITY, final_star, round_key
from graph_schema.contract import AssessmentKind
from loaders.store import Direction
from resolvers.connections import After, Before, Connection, First, Last, related, related_all
from resolvers.context import Info
from resolvers.enums import Star

if TYPE_CHECKING:
    from resolvers.assessments.types import Assessment

AssessmentT = Annotated["Assessment", strawberry.lazy("resolvers.assessments.types")]
IN = Direction.IN
ASSESSMENT = [Label.ASSESSMENT.value]


def _order(props: Any) -> tuple[tuple[int, int], int, str]:
    kind = str(props.get("kind"))
    authority = AUTHORITY[AssessmentKind(kind)] if kind in AssessmentKind.__members__ else -1
    return round_key(str(props.get("round", ""))), authority, str(props.get("on", ""))


async def _history(root: Any, info: Info) -> list[AssessmentT]:
    from resolvers.node import as_node

    edges = await related_all(info, root.record, RelType.ASSESSES, IN, ASSESSMENT)
    return [as_node(e.node) for e in sorted(edges, key=lambda e: (_order(e.node.properties), e.node.id))]


async def _star(root: Any, info: Info) -> Star | None:
    edges = await related_all(info, root.record, RelType.ASSESSES, IN, ASSESSMENT)
    star = final_star([e.node.properties for e in edges], root.record.properties.get("star"))
    return Star(star) if star is not None else None


async def _made(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[AssessmentT]:
    return await related(info, root.record, RelType.ASSESSED_BY, IN, ASSESSMENT, first, after, last, before)


def star() -> Any:
    return strawberry.field(
        resolver=_star,
        description='Star rating (星级) of a branch in the "双强双优" campaign: the result of its final assessment '
        "(of its latest round, the most authoritative check: SPOT, then CROSS, SECOND, SELF) when it has "
        "assessments, else the star it was given; null when unrated.",
    )


def assessments() -> Any:
    return strawberry.field(
        resolver=_history,
        description="Its assessment history (考核, ASSESSES): oldest round first, and within a round the least "
        "authoritative check first, so the last of a round is that round's final one.",
    )


def assessments_made(description: str = "Assessments it made of branches (考核单位, ASSESSED_BY), by id.") -> Any:
    return strawberry.field(resolver=_made, description=description)
