# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The monthly work as mutations: secretary projects (create, update, move a stage) and
``recordActivity``, which awards the attendees their points (积分).

A project moves one stage at a time, in the order of 组织发起、党员领办、群众参与、居民评议
(PROPOSED → LED → IN_PROGRESS → REVIEWED); any other move is refused (``INVALID_TRANSITION``).
Moving to LED names its leaders (LEADS; ``REQUIRED`` without any), who each EARN the points of
``"SecretaryProject"``; the review score comes with REVIEWED and only then (``REQUIRED`` /
``NOT_ALLOWED``).  Each stage's day (``led_on``…) is the move's ``on`` (today by default), never
before the stage before (``BAD_DATE``).  The move is guarded by the stage it read
(``WriteBatch.expect``): of two concurrent moves the second is refused.

``recordActivity`` writes the activity, its HELD_BY, HELD_IN, ATTENDED, SERVED (and ADVANCES
for a SECRETARY_PROJECT_EVENT, which must name its project) and one EARNED per attending party
member with the points of the activity's kind (the service's points table), in one write.

Rights are :func:`resolvers.permissions.check_work`'s; every mutation is audited like the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any

import strawberry

from graph_schema import AREA_LABELS, POINTS_TABLE, Label, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from graph_schema.contract import ENUM_ZH, ProjectStage
from loaders.store import Direction
from resolvers.appeals.enums import ActivityKind
from resolvers.appeals.mutations import ActivityPayload, fetch
from resolvers.context import Info
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, new_id, refuse_forbidden, write
from resolvers.node import as_node
from resolvers.permissions import Forbidden, check_work
from resolvers.work.enums import ProjectCategory
from resolvers.work.types import SecretaryProject

SP = Label.SECRETARY_PROJECT.value
AREAS = [a.value for a in AREA_LABELS]
_STAGES = list(ProjectStage)
_STAGE_DAY = {
    ProjectStage.PROPOSED: "proposed_on",
    ProjectStage.LED: "led_on",
    ProjectStage.IN_PROGRESS: "started_on",
    ProjectStage.REVIEWED: "reviewed_on",
}
_FIELDS = {"proposed_on": "proposedOn", "review_score": "reviewScore", "HELD_IN.end": "heldIn"}
_ID = "Global ID of the secretary project."


@strawberry.type(description="The result of a secretary-project mutation: the project as written, or why nothing was.")
class SecretaryProjectPayload:
    project: SecretaryProject | None = strawberry.field(
        description="The project after the write; null when errors is not empty."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A new secretary project (书记项目), as an organization proposes it (组织发起).")
class CreateSecretaryProjectInput:
    title: str = strawberry.field(description="Its title (项目名称); not blank.")
    category: ProjectCategory = strawberry.field(description="Which of the 10 kinds it is (类别).")
    led_by: strawberry.ID = strawberry.field(description="Global ID of the PartyOrganization that leads it (LED_BY).")
    held_in: strawberry.ID = strawberry.field(
        description="Where it is (HELD_IN): global ID of a Street, Community, Grid or Building."
    )
    proposed_on: dt.date | None = strawberry.field(
        default=None, description="The day it was proposed (default: today)."
    )


@strawberry.input(description="Changes to a secretary project's title or category; omitted fields stay as they are.")
class UpdateSecretaryProjectInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    title: str | None = strawberry.field(default=None, description="The new title (项目名称); null: unchanged.")
    category: ProjectCategory | None = strawberry.field(default=None, description="The new category; null: unchanged.")


@strawberry.input(description="Move a secretary project to its next stage.")
class MoveSecretaryProjectInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    to: ProjectStage = strawberry.field(
        description="The next stage: LED after PROPOSED, IN_PROGRESS after LED, REVIEWED after IN_PROGRESS."
    )
    on: dt.date | None = strawberry.field(
        default=None, description="The day of the move (default: today); not before the previous stage's day."
    )
    leaders: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="For LED: global IDs of the PartyMembers who lead it (LEADS), at least one; each earns the "
        "points of leading a project. Not allowed for other stages.",
    )
    review_score: int | None = strawberry.field(
        default=None, description="For REVIEWED, and required there: the residents' score (居民评议得分, 0 to 100)."
    )


@strawberry.input(description="An activity or meeting (活动/会议) to record, with who took part and whom it served.")
class RecordActivityInput:
    title: str = strawberry.field(description="Its subject (主题); not blank.")
    kind: ActivityKind = strawberry.field(description="What kind of activity it is (类型).")
    on: dt.date = strawberry.field(description="The day it took place (日期).")
    held_by: strawberry.ID = strawberry.field(
        description="Who held it (主办): global ID of a PartyOrganization, an Alliance or, for a MONTHLY_CONTACT, "
        "the vanguard PartyMember."
    )
    held_in: strawberry.ID = strawberry.field(
        description="Where (地点): global ID of a Street, Community, Grid or Building."
    )
    attendees: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of the PartyMembers and AllianceMembers who took part (ATTENDED); each party "
        "member earns the points of the kind.",
    )
    served_households: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Global IDs of the Households it served (服务对象, SERVED)."
    )
    project: strawberry.ID | None = strawberry.field(
        default=None,
        description="For a SECRETARY_PROJECT_EVENT, and required there: global ID of the SecretaryProject it "
        "advances (ADVANCES). Not allowed for other kinds.",
    )


def _today() -> dt.date:
    return dt.date.today()


def _points(info: Info, key: str) -> int:
    table = info.context.config.points
    return int(table.get(key, POINTS_TABLE[key]))


async def _judge(info: Info, action: str, place: Record | None, field: str, **kw: Any) -> None:
    try:
        await check_work(info, action, place=place, field=field, **kw)
    except Forbidden as forbidden:
        refuse_forbidden(info, forbidden)


async def _place(info: Info, project: Record) -> Record | None:
    found = await info.context.loaders.neighbours(RelType.HELD_IN.value, Direction.OUT, None).load(project.id)
    return found[0].node if found else None


def _blank(value: str | None, field: str) -> None:
    if value is not None and not value.strip():
        raise Refused([UserError.of(field, "REQUIRED", f"the {field} must not be blank")])


@strawberry.type(description="Writing secretary projects and activities (the monthly work).")
class WorkMutation:
    @strawberry.mutation(
        description="Propose a secretary project (组织发起): PROPOSED, led by an organization, held in an area."
    )
    async def create_secretary_project(
        self,
        info: Info,
        input: Annotated[CreateSecretaryProjectInput, strawberry.argument(description="The project.")],
    ) -> SecretaryProjectPayload:
        try:
            _blank(input.title, "title")
            org = await fetch(info, input.led_by, "ledBy", [Label.PARTY_ORGANIZATION.value])
            place = await fetch(info, input.held_in, "heldIn", AREAS)
            await _judge(info, "project", place, "heldIn")
            pid = new_id(Label.SECRETARY_PROJECT)
            props = {
                "title": input.title.strip(),
                "category": input.category.value,
                "stage": ProjectStage.PROPOSED.value,
                "proposed_on": (input.proposed_on or _today()).isoformat(),
            }
            record = Record(SP, pid, props)
            rels = [Rel(RelType.LED_BY.value, pid, org.id), Rel(RelType.HELD_IN.value, pid, place.id)]
            await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), _FIELDS, judged=True)
        except Refused as refused:
            return SecretaryProjectPayload(project=None, errors=refused.errors)
        return SecretaryProjectPayload(project=as_node(record), errors=[])

    @strawberry.mutation(description="Change a secretary project's title or category.")
    async def update_secretary_project(
        self,
        info: Info,
        input: Annotated[UpdateSecretaryProjectInput, strawberry.argument(description="The changes.")],
    ) -> SecretaryProjectPayload:
        try:
            _blank(input.title, "title")
            project = await fetch(info, input.id, "id", [SP])
            await _judge(info, "project", await _place(info, project), "id")
            changes: dict[str, Any] = {}
            if input.title is not None:
                changes["title"] = input.title.strip()
            if input.category is not None:
                changes["category"] = input.category.value
            if changes:
                patch = Record(SP, project.id, changes)
                await write(info, WriteBatch(nodes=[patch], patch=True), _FIELDS, judged=True)
            (record,) = await info.context.store.get_nodes([project.id])
        except Refused as refused:
            return SecretaryProjectPayload(project=None, errors=refused.errors)
        return SecretaryProjectPayload(project=as_node(record) if record is not None else None, errors=[])

    @strawberry.mutation(
        description="Move a secretary project to its next stage (PROPOSED → LED → IN_PROGRESS → REVIEWED): LED with "
        "its leaders, who earn their points; REVIEWED with the residents' score. INVALID_TRANSITION for any other "
        "move."
    )
    async def move_secretary_project(
        self,
        info: Info,
        input: Annotated[MoveSecretaryProjectInput, strawberry.argument(description="The project and its move.")],
    ) -> SecretaryProjectPayload:
        try:
            project = await fetch(info, input.id, "id", [SP])
            await _judge(info, "project", await _place(info, project), "id")
            batch = await _move(info, project, input)
            await write(info, batch, _FIELDS, judged=True)
            (record,) = await info.context.store.get_nodes([project.id])
        except Refused as refused:
            return SecretaryProjectPayload(project=None, errors=refused.errors)
        return SecretaryProjectPayload(project=as_node(record) if record is not None else None, errors=[])

    @strawberry.mutation(
        description="Record an activity (活动): who held it, where, who attended and which households it served, in "
        "one write; every attending party member earns the points of its kind (积分, EARNED on its day)."
    )
    async def record_activity(
        self, info: Info, input: Annotated[RecordActivityInput, strawberry.argument(description="The activity.")]
    ) -> ActivityPayload:
        try:
            batch = await _activity(info, input)
            await write(info, batch, {"HELD_BY.end": "heldBy", "HELD_IN.end": "heldIn"}, judged=True)
        except Refused as refused:
            return ActivityPayload(activity=None, errors=refused.errors)
        return ActivityPayload(activity=as_node(batch.nodes[0]), errors=[])


async def _move(info: Info, project: Record, data: MoveSecretaryProjectInput) -> WriteBatch:
    p = project.properties
    current = ProjectStage(p["stage"])
    to = ProjectStage(data.to.value)
    at = _STAGES.index(current)
    if at + 1 >= len(_STAGES) or _STAGES[at + 1] is not to:
        nxt = _STAGES[at + 1].value if at + 1 < len(_STAGES) else "none (it is reviewed)"
        raise Refused(
            [
                UserError.of(
                    "to",
                    "INVALID_TRANSITION",
                    f"a {current.value} project ({ENUM_ZH['ProjectStage'][current.value]}) moves next to {nxt}, "
                    f"not {to.value}",
                )
            ]
        )
    on = data.on or _today()
    previous = str(p.get(_STAGE_DAY[current]) or "")
    if previous and on.isoformat() < previous:
        raise Refused(
            [
                UserError.of(
                    "on", "BAD_DATE", f"{on.isoformat()} is before the project's {_STAGE_DAY[current]} {previous}"
                )
            ]
        )
    problems: list[UserError] = []
    if data.leaders and to is not ProjectStage.LED:
        problems.append(UserError.of("leaders", "NOT_ALLOWED", "leaders are named when a project moves to LED"))
    if data.review_score is not None and to is not ProjectStage.REVIEWED:
        problems.append(UserError.of("reviewScore", "NOT_ALLOWED", "the review score comes with REVIEWED only"))
    if to is ProjectStage.REVIEWED and data.review_score is None:
        problems.append(UserError.of("reviewScore", "REQUIRED", "a reviewed project needs the residents' score"))
    if to is ProjectStage.LED and not data.leaders:
        problems.append(UserError.of("leaders", "REQUIRED", "a project moves to LED with at least one leader"))
    if problems:
        raise Refused(problems)
    day = on.isoformat()
    changes: dict[str, Any] = {"stage": to.value, _STAGE_DAY[to]: day}
    if data.review_score is not None:
        changes["review_score"] = data.review_score
    rels: list[Rel] = []
    for i, value in enumerate(data.leaders):
        leader = await fetch(info, value, f"leaders[{i}]", [Label.PARTY_MEMBER.value])
        rels.append(Rel(RelType.LEADS.value, leader.id, project.id))
        props = {"points": _points(info, SP), "on": day, "reason": "领办书记项目"}
        rels.append(Rel(RelType.EARNED.value, leader.id, project.id, props))
    return WriteBatch(
        nodes=[Record(SP, project.id, changes)],
        relationships=rels,
        patch=True,
        expect={project.id: {"stage": current.value}},
    )


async def _activity(info: Info, data: RecordActivityInput) -> WriteBatch:
    _blank(data.title, "title")
    kind = data.kind.value
    holders = [Label.PARTY_ORGANIZATION.value, Label.ALLIANCE.value]
    if kind == "MONTHLY_CONTACT":
        holders.append(Label.PARTY_MEMBER.value)
    holder = await fetch(info, data.held_by, "heldBy", holders)
    place = await fetch(info, data.held_in, "heldIn", AREAS)
    await _judge(info, "activity", place, "heldIn", holder=holder.id, kind=kind)
    if (data.project is None) == (kind == "SECRETARY_PROJECT_EVENT"):
        code, why = (
            ("REQUIRED", "a SECRETARY_PROJECT_EVENT names the project it advances")
            if data.project is None
            else ("NOT_ALLOWED", "only a SECRETARY_PROJECT_EVENT advances a project")
        )
        raise Refused([UserError.of("project", code, why)])
    aid = new_id(Label.ACTIVITY)
    day = data.on.isoformat()
    record = Record(Label.ACTIVITY.value, aid, {"title": data.title.strip(), "kind": kind, "on": day})
    rels = [Rel(RelType.HELD_BY.value, aid, holder.id), Rel(RelType.HELD_IN.value, aid, place.id)]
    if data.project is not None:
        project = await fetch(info, data.project, "project", [SP])
        rels.append(Rel(RelType.ADVANCES.value, aid, project.id))
    points = _points(info, kind)
    reason = f"参加{ENUM_ZH['ActivityKind'][kind]}"
    seen: set[str] = set()
    for i, value in enumerate(data.attendees):
        who = await fetch(info, value, f"attendees[{i}]", [Label.PARTY_MEMBER.value, Label.ALLIANCE_MEMBER.value])
        if who.id in seen:
            continue
        seen.add(who.id)
        rels.append(Rel(RelType.ATTENDED.value, who.id, aid))
        if who.label == Label.PARTY_MEMBER.value:
            rels.append(Rel(RelType.EARNED.value, who.id, aid, {"points": points, "on": day, "reason": reason}))
    for i, value in enumerate(dict.fromkeys(data.served_households)):
        household = await fetch(info, value, f"servedHouseholds[{i}]", [Label.HOUSEHOLD.value])
        rels.append(Rel(RelType.SERVED.value, aid, household.id))
    return WriteBatch(nodes=[record], relationships=rels, create_only=True)


__all__: Sequence[str] = ["WorkMutation"]
