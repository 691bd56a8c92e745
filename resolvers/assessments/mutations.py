# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""``recordAssessment``: record one check of a branch in a round of the 双强双优 campaign.

The viewer's right is judged by :func:`resolvers.permissions.check_assessment` (the branch and
the kind of check); the store refuses what the contract does not allow (a party group or a
street committee or an external branch rated: NOT_RATED; a worker who is not an instructor
named as assessor: NOT_INSTRUCTOR; a rectification deadline missing or out of place:
ASSESSMENT; a score outside the template: FORMAT), writing nothing.  The mutation is audited
like every other.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph_schema import Label, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from resolvers.assessments.enums import AssessmentKind
from resolvers.assessments.types import Assessment
from resolvers.context import Info
from resolvers.enums import Star
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, new_id, parse_id, refuse_forbidden, write
from resolvers.node import as_node
from resolvers.permissions import Forbidden, check_assessment

_ORG = Label.PARTY_ORGANIZATION.value
_ASSESSORS = [_ORG, Label.WORKER.value]
_FIELDS = {"ASSESSES.end": "branch", "ASSESSED_BY.end": "assessedBy", "rectify_by": "rectifyBy"}


@strawberry.input(description="Requirements met in one category of the template (分项得分).")
class CategoryScoreInput:
    category: str = strawberry.field(description="The category's code (ORGANIZATION_SETUP) or Chinese name (组织设置).")
    met: int = strawberry.field(description="Requirements of the category met, from 0 to the category's count.")


@strawberry.input(description="One assessment (考核) of a branch.")
class RecordAssessmentInput:
    branch: strawberry.ID = strawberry.field(
        description="Global ID of the PartyOrganization rated: a grid, unit or community-level branch."
    )
    round: str = strawberry.field(description="The round (轮次), '<year>-<n>', e.g. 2026-2.")
    kind: AssessmentKind = strawberry.field(description="Which check it is (考核方式).")
    on: dt.date = strawberry.field(description="The day of the assessment (考核日期).")
    result: Star = strawberry.field(description="The rating given (评定等次).")
    scores: list[CategoryScoreInput] = strawberry.field(
        default_factory=list, description="Requirements met per category (分项得分); each category at most once."
    )
    rectify_by: dt.date | None = strawberry.field(
        default=None,
        description="The rectification deadline (整改期限): required for an UNQUALIFIED result of a SECOND, CROSS or "
        "SPOT check, refused for any other result.",
    )
    assessed_by: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of who assessed (考核单位): PartyOrganizations, and Workers who are instructors "
        "(INSTRUCTOR, 指导员; another worker is refused: NOT_INSTRUCTOR).",
    )


@strawberry.type(description="The result of recordAssessment: the assessment as written, or why nothing was.")
class AssessmentPayload:
    assessment: Assessment | None = strawberry.field(description="The new assessment; null when errors is not empty.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


async def _fetch(info: Info, value: str, field: str, labels: list[str] | None = None) -> Record:
    label, node_id = parse_id(value, field, labels or [_ORG])
    (record,) = await info.context.store.get_nodes([node_id])
    if record is None or record.label != label:
        raise Refused([UserError.of(field, "NOT_FOUND", f"there is no {label} with ID {value!r}")])
    return record


@strawberry.type(description="The recordAssessment field of Mutation.")
class AssessmentMutation:
    @strawberry.mutation(
        description="Record one assessment (考核) of a branch: the branch's own check, the second check, a "
        "cross-check or a spot-check of a round. The branch then shows the result of its final assessment as its "
        "star."
    )
    async def record_assessment(
        self, info: Info, input: Annotated[RecordAssessmentInput, strawberry.argument(description="The assessment.")]
    ) -> AssessmentPayload:
        try:
            branch = await _fetch(info, input.branch, "branch")
            try:
                await check_assessment(info, branch, input.kind.value)
            except Forbidden as forbidden:
                refuse_forbidden(info, forbidden)
            assessment_id = new_id(Label.ASSESSMENT)
            rels = [Rel(RelType.ASSESSES.value, assessment_id, branch.id)]
            for i, value in enumerate(input.assessed_by):
                by = await _fetch(info, value, f"assessedBy[{i}]", _ASSESSORS)
                rels.append(Rel(RelType.ASSESSED_BY.value, assessment_id, by.id))
            props: dict[str, object] = {
                "round": input.round.strip(),
                "kind": input.kind.value,
                "on": input.on.isoformat(),
                "result": input.result.value,
            }
            if input.scores:
                props["scores"] = [f"{s.category.strip()}:{s.met}" for s in input.scores]
            if input.rectify_by is not None:
                props["rectify_by"] = input.rectify_by.isoformat()
            record = Record(Label.ASSESSMENT.value, assessment_id, props)
            await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), _FIELDS, judged=True)
        except Refused as refused:
            return AssessmentPayload(assessment=None, errors=refused.errors)
        return AssessmentPayload(assessment=as_node(record), errors=[])
