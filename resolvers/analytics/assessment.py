# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``assessment``: the 双强双优 star ratings of an area's branches in rounds (analytics.assessment)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from analytics.assessment import assessment_report
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info


@strawberry.type(description="The 双强双优 star ratings of the branches of an area in a round, and how they changed.")
class AssessmentResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    round: str | None = strawberry.field(
        description="The round looked at (the latest when none was asked for); null without assessments."
    )
    rounds: list[str] = strawberry.field(description="Every round the area's branches were assessed in, oldest first.")
    branches: int = strawberry.field(description="Branches in the area (grid, unit and rated community-level ones).")
    assessed: int = strawberry.field(description="Branches with an assessment in the round.")
    rose: int = strawberry.field(description="Branches whose final result of the round is above the round before's.")
    fell: int = strawberry.field(description="Branches whose final result of the round is below the round before's.")
    disagreements: int = strawberry.field(
        description="Cross- and spot-checks of the round whose result differs from the branch's own (SELF) check."
    )
    overdue: int = strawberry.field(
        description="Branches whose final result is UNQUALIFIED and whose rectification deadline is before asOf."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze assessment` prints): the spread per street "
        "and round, the branches that rose or fell, the disagreeing checks and the overdue rectifications."
    )


@strawberry.type(description="The assessment field of Query.")
class AssessmentQuery:
    @strawberry.field(
        description="The 双强双优 star ratings in rounds: spread per street and round, branches that rose or fell, "
        "checks that disagree with the self-check, overdue rectifications."
    )
    async def assessment(
        self,
        info: Info,
        area: AreaArg = None,
        round: Annotated[
            str | None, strawberry.argument(description="The round, e.g. 2026-2 (default: the latest).")
        ] = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(
                description="The day rectifications are overdue against (default: the latest assessment's day)."
            ),
        ] = None,
    ) -> AssessmentResult:
        snap = await _snapshot(info)
        rep = await run(
            info,
            assessment_report,
            snap.graph,
            await area_in_scope(info, area),
            round=round,
            as_of=as_of,
            index=snap.index,
        )
        label = "City" if rep["area"] is None else str(snap.graph.nodes[rep["area"]]["label"])
        return AssessmentResult(
            area=area_ref(rep["area"], label, rep["name"]),
            round=rep["round"],
            rounds=list(rep["rounds"]),
            branches=rep["branches"],
            assessed=rep["assessed"],
            rose=len(rep["rose"]),
            fell=len(rep["fell"]),
            disagreements=len(rep["disagreements"]),
            overdue=len(rep["overdue"]),
            details=as_json(rep),
        )
