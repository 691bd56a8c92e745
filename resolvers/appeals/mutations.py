# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The appeal workflow (接、派、办、督、评) as mutations, and ``holdRoundtable``.

Each transition reads the appeal, refuses an action its status does not allow
(``INVALID_TRANSITION``, nothing written), and writes the whole new appeal with one history
entry more in one :class:`graph_schema.WriteBatch` guarded by the status and history it read
(``WriteBatch.expect``): of two concurrent transitions of one appeal the second is refused
with ``INVALID_TRANSITION`` (it sees the status the first wrote), never applied on top of it.
The store checks that status and dates agree.  After the write commits, the appeal is
published to the live queue (``appealEvents``).

Escalation (``escalateAppeal``) moves the appeal to the organization the current handler's
branch reports to:

* a party member: the REPORTS_TO parent of the organization it is a MEMBER_OF;
* a party organization: its REPORTS_TO parent;
* an alliance member unit: the REPORTS_TO parent of its own branch (BRANCH_OF) or, for a
  unit without a branch (or a branch at the top), the organization that leads (LED_BY) the
  first alliance it JOINED;
* an alliance: the organization that leads it.

A handler with none of these cannot be escalated from (``NO_ESCALATION``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import strawberry

from graph_schema import AREA_LABELS, Label, RelRef, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from graph_schema.appeals import TRANSITIONS, history_entry, transition_problem
from loaders.store import Direction
from resolvers.appeals.enums import AppealCategory, AppealSource, Satisfaction
from resolvers.appeals.events import AppealEvent
from resolvers.appeals.filters import HANDLERS
from resolvers.appeals.types import Activity, Appeal
from resolvers.context import DEFAULT_DUE_DAYS, Info
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, new_id, parse_id, plain, refuse_forbidden, write
from resolvers.node import as_node
from resolvers.permissions import Forbidden, appeal_scope, check_appeal

A = Label.APPEAL.value
CONCERNED = [Label.HOUSEHOLD.value, Label.BUILDING.value, Label.GRID.value, Label.COMMUNITY.value]
OUT, IN = Direction.OUT, Direction.IN
_ID = "Global ID of the appeal."

# Problems of the store named by the input fields a client knows.
_FIELDS = {
    "CONCERNS.end": "concerns",
    "RAISED_BY.end": "raisedBy",
    "ASSIGNED_TO.end": "to",
    "reported_on": "reportedOn",
    "resolved_on": "on",
    "rejection_reason": "reason",
}


@strawberry.type(description="The result of an appeal workflow mutation: the appeal as written, or why nothing was.")
class AppealPayload:
    appeal: Appeal | None = strawberry.field(description="The appeal after the step; null when errors is not empty.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of holdRoundtable: the activity as written, or why nothing was.")
class ActivityPayload:
    activity: Activity | None = strawberry.field(description="The new activity; null when errors is not empty.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A new appeal (诉求), as reported.")
class ReportAppealInput:
    title: str = strawberry.field(description="A short title (标题), e.g. 3栋楼顶漏水.")
    category: AppealCategory = strawberry.field(description="What it is about (类别).")
    source: AppealSource = strawberry.field(description="How it reached the network (来源).")
    concerns: strawberry.ID = strawberry.field(
        description="Where it is (涉及): global ID of a Household, Building, Grid or Community."
    )
    description: str | None = strawberry.field(
        default=None, description="What the resident said (诉求内容); personal information, masked when read."
    )
    raised_by: strawberry.ID | None = strawberry.field(
        default=None, description="Who raised it (反映人): global ID of a Household or PartyMember; null: not recorded."
    )
    reported_on: dt.date | None = strawberry.field(
        default=None, description="The day it was reported (default: today)."
    )
    due: dt.date | None = strawberry.field(
        default=None,
        description="The day it must be resolved by (default: reportedOn plus the service's days for its category, "
        "doubled when difficult); not before reportedOn.",
    )
    difficult: bool | None = strawberry.field(
        default=None, description="Whether it is a difficult problem (疑难); null: false."
    )


@strawberry.input(description="Which appeal to act on.")
class AppealInput:
    id: strawberry.ID = strawberry.field(description=_ID)


@strawberry.input(description="An appeal to reject (不予受理), and why.")
class RejectAppealInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    reason: str = strawberry.field(description="Why the network does not take it on (不予受理理由); not blank.")


@strawberry.input(description="An appeal to assign (派单), and to whom.")
class AssignAppealInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    to: strawberry.ID = strawberry.field(
        description="The handler: global ID of a PartyMember, AllianceMember, PartyOrganization or Alliance."
    )


@strawberry.input(description="An appeal its handler resolved (办结), and when.")
class ResolveAppealInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    on: dt.date | None = strawberry.field(
        default=None, description="The day it was resolved (default: today); not before it was reported."
    )


@strawberry.input(description="The resident's review of a resolved appeal (评).")
class ReviewAppealInput:
    id: strawberry.ID = strawberry.field(description=_ID)
    satisfaction: Satisfaction = strawberry.field(
        description="How satisfied the resident is; UNSATISFIED sends the appeal back to its handler (ASSIGNED)."
    )


@strawberry.input(description="A roundtable meeting (圆桌会议) to record.")
class HoldRoundtableInput:
    title: str = strawberry.field(description="Its subject (主题).")
    on: dt.date = strawberry.field(description="The day it took place.")
    held_by: strawberry.ID = strawberry.field(
        description="Who held it: global ID of a PartyOrganization or an Alliance."
    )
    held_in: strawberry.ID = strawberry.field(description="Where: global ID of a Street, Community, Grid or Building.")
    appeals: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Global IDs of the appeals it discussed (DISCUSSED)."
    )
    attendees: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Global IDs of the party members and alliance member units who attended."
    )


# --- the workflow ----------------------------------------------------------------------
async def fetch(info: Info, value: str, field: str, expected: Sequence[str]) -> Record:
    """The node a global ID names, whatever the viewer's scope (the workflow judges rights by
    the appeal and its place, :func:`resolvers.permissions.check_appeal`); BAD_ID, WRONG_TYPE,
    NOT_FOUND name ``field``."""
    label, node_id = parse_id(value, field, expected)
    (record,) = await info.context.store.get_nodes([node_id])
    if record is None or record.label != label:
        raise Refused([UserError.of(field, "NOT_FOUND", f"there is no {label} with ID {value!r}")])
    return record


async def fetch_appeal(info: Info, value: str) -> Record:
    """The appeal a global ID names.  A viewer who works on appeals only inside a scope is told
    FORBIDDEN for one outside it and for one that does not exist alike (so the answer does not
    tell whether an appeal outside exists)."""
    label, node_id = parse_id(value, "id", [A])
    scoped = await appeal_scope(info) is not None
    (record,) = await info.context.store.get_nodes([node_id])
    if record is None or record.label != label:
        if scoped:
            refuse_forbidden(info, Forbidden(f"{value!r} is not an Appeal that this viewer may change", "id"))
        raise Refused([UserError.of("id", "NOT_FOUND", f"there is no {label} with ID {value!r}")])
    return record


async def judge(info: Info, action: str, **what: Any) -> None:
    """Refuse (FORBIDDEN) unless the viewer may take ``action`` (:func:`check_appeal`)."""
    try:
        await check_appeal(info, action, **what)
    except Forbidden as forbidden:
        refuse_forbidden(info, forbidden)


def actor_of(info: Info) -> str:
    """Who a history entry names: the viewer's token subject, else its name, else 'anonymous'."""
    viewer = info.context.viewer
    return viewer.sub or viewer.name or "anonymous"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def due_of(info: Info, category: str, reported_on: dt.date, difficult: bool) -> dt.date:
    """The default due day: ``reported_on`` plus the category's days (the settings' table), doubled when difficult."""
    days = info.context.config.appeal_due_days.get(category, DEFAULT_DUE_DAYS)
    return reported_on + dt.timedelta(days=days * (2 if difficult else 1))


async def _places(info: Info, appeal_id: str) -> frozenset[str]:
    """The ids of what an appeal concerns and of every area above it."""
    store = info.context.store
    (edges,) = await store.neighbours([appeal_id], RelType.CONCERNS.value, OUT)
    if not edges:
        return frozenset()
    place = edges[0].node.id
    (chain,) = await store.ancestors([place], RelType.PART_OF.value)
    return frozenset([place, *(n.id for n in chain)])


async def publish(info: Info, action: str, record: Record) -> None:
    """Tell the live queue about an appeal just written (after its write committed)."""
    events = info.context.events
    if events.subscribers:
        events.publish(AppealEvent(action, record, await _places(info, record.id)))


async def _handler(info: Info, appeal: Record) -> Record | None:
    (edges,) = await info.context.store.neighbours([appeal.id], RelType.ASSIGNED_TO.value, OUT)
    return edges[0].node if edges else None


async def transition(
    info: Info,
    value: str,
    action: str,
    changes: Mapping[str, Any] | None = None,
    relationships: Sequence[Rel] = (),
    delete_relationships: Sequence[RelRef] = (),
    to_status: str | None = None,
    prepare: Any = None,
) -> AppealPayload:
    """Apply workflow ``action`` to the appeal with global ID ``value``: check, write, publish.

    ``prepare(appeal)`` (a coroutine, optional) may refuse, or return more changes and
    relationships: ``(changes, relationships, delete_relationships)``."""
    try:
        appeal = await fetch_appeal(info, value)
        current = await _handler(info, appeal)
        await judge(info, action, target=appeal, handler=current.id if current is not None else None)
        status = str(appeal.properties.get("status"))
        problem = transition_problem(action, status)
        if problem is not None:
            raise Refused([UserError.of("id", "INVALID_TRANSITION", problem, appeal.id)])
        props = dict(appeal.properties)
        props.update(changes or {})
        rels, deletes = list(relationships), list(delete_relationships)
        if prepare is not None:
            more, more_rels, more_deletes = await prepare(appeal)
            props.update(more)
            rels += more_rels
            deletes += more_deletes
        target = to_status or TRANSITIONS[action][1].value
        history = list(appeal.properties.get("history") or [])
        props["status"] = target
        props["history"] = [*history, history_entry(_now(), status, target, actor_of(info))]
        record = Record(A, appeal.id, {k: v for k, v in props.items() if v is not None})
        guard = {appeal.id: {"status": status, "history": appeal.properties.get("history")}}
        batch = WriteBatch(nodes=[record], relationships=rels, delete_relationships=deletes, expect=guard)
        try:
            await write(info, batch, _FIELDS, judged=True)
        except Refused as refused:
            raise await _explain_race(info, refused, action, appeal) from None
    except Refused as refused:
        return AppealPayload(appeal=None, errors=refused.errors)
    await publish(info, action, record)
    return AppealPayload(appeal=as_node(record), errors=[])


async def _explain_race(info: Info, refused: Refused, action: str, appeal: Record) -> Refused:
    """A guarded write refused as CHANGED lost a race: say what the appeal is now."""
    if not any(e.code == "CHANGED" for e in refused.errors):
        return refused
    (now,) = await info.context.store.get_nodes([appeal.id])
    status = str(now.properties.get("status")) if now is not None else "deleted"
    why = transition_problem(action, status) if now is not None else None
    message = f"the appeal changed while this request ran (it is now {status}): " + (
        why or "read it again and retry if the step still applies"
    )
    return Refused([UserError.of("id", "INVALID_TRANSITION", message, appeal.id)])


async def escalation_target(info: Info, handler: Record) -> Record | None:
    """The organization an appeal handled by ``handler`` escalates to (see the module's rule)."""
    store = info.context.store

    async def one(node_id: str, rtype: RelType, direction: Direction) -> Record | None:
        (edges,) = await store.neighbours([node_id], rtype.value, direction)
        return edges[0].node if edges else None

    label = handler.label
    if label == Label.PARTY_MEMBER.value:
        branch = await one(handler.id, RelType.MEMBER_OF, OUT)
        return await one(branch.id, RelType.REPORTS_TO, OUT) if branch else None
    if label == Label.PARTY_ORGANIZATION.value:
        return await one(handler.id, RelType.REPORTS_TO, OUT)
    if label == Label.ALLIANCE.value:
        return await one(handler.id, RelType.LED_BY, OUT)
    if label == Label.ALLIANCE_MEMBER.value:
        branch = await one(handler.id, RelType.BRANCH_OF, IN)
        parent = await one(branch.id, RelType.REPORTS_TO, OUT) if branch else None
        if parent is not None:
            return parent
        alliance = await one(handler.id, RelType.JOINED, OUT)
        return await one(alliance.id, RelType.LED_BY, OUT) if alliance else None
    return None


def _today() -> dt.date:
    return dt.date.today()


@strawberry.type(description="The appeal workflow (接、派、办、督、评) and roundtables.")
class AppealMutation:
    @strawberry.mutation(
        description="Report a new appeal (接): REPORTED, concerning a place, with its due day from the settings' table "
        "unless given."
    )
    async def report_appeal(
        self, info: Info, input: Annotated[ReportAppealInput, strawberry.argument(description="The new appeal.")]
    ) -> AppealPayload:
        try:
            if not input.title.strip():
                raise Refused([UserError.of("title", "REQUIRED", "the title must not be blank")])
            place = await fetch(info, input.concerns, "concerns", CONCERNED)
            raiser = (
                await fetch(info, input.raised_by, "raisedBy", [Label.HOUSEHOLD.value, Label.PARTY_MEMBER.value])
                if input.raised_by
                else None
            )
            reported = input.reported_on or _today()
            category = input.category.value
            due = input.due or due_of(info, category, reported, bool(input.difficult))
            appeal_id = new_id(Label.APPEAL)
            props = {
                "title": input.title.strip(),
                "description": input.description,
                "category": category,
                "source": plain(input.source),
                "status": "REPORTED",
                "difficult": bool(input.difficult),
                "reported_on": reported.isoformat(),
                "due": due.isoformat(),
                "history": [history_entry(_now(), None, "REPORTED", actor_of(info))],
            }
            record = Record(A, appeal_id, {k: v for k, v in props.items() if v is not None})
            rels = [Rel(RelType.CONCERNS.value, appeal_id, place.id)]
            if raiser is not None:
                rels.append(Rel(RelType.RAISED_BY.value, appeal_id, raiser.id))
            await judge(info, "report", target=place, raised_by=raiser.id if raiser else None, field="concerns")
            batch = WriteBatch(nodes=[record], relationships=rels, create_only=True)
            await write(info, batch, _FIELDS, judged=True)
        except Refused as refused:
            return AppealPayload(appeal=None, errors=refused.errors)
        await publish(info, "report", record)
        return AppealPayload(appeal=as_node(record), errors=[])

    @strawberry.mutation(description="Accept a REPORTED appeal (受理): ACCEPTED today.")
    async def accept_appeal(
        self, info: Info, input: Annotated[AppealInput, strawberry.argument(description="The appeal.")]
    ) -> AppealPayload:
        return await transition(info, input.id, "accept", {"accepted_on": _today().isoformat()})

    @strawberry.mutation(description="Reject a REPORTED or ACCEPTED appeal (不予受理) with a reason: REJECTED today.")
    async def reject_appeal(
        self, info: Info, input: Annotated[RejectAppealInput, strawberry.argument(description="The appeal and why.")]
    ) -> AppealPayload:
        if not input.reason.strip():
            return AppealPayload(appeal=None, errors=[UserError.of("reason", "REQUIRED", "give a reason to reject")])
        changes = {"rejected_on": _today().isoformat(), "rejection_reason": input.reason.strip()}
        return await transition(info, input.id, "reject", changes)

    @strawberry.mutation(
        description="Assign an ACCEPTED appeal to a handler (派单), or an ASSIGNED one to another: ASSIGNED, since "
        "today."
    )
    async def assign_appeal(
        self, info: Info, input: Annotated[AssignAppealInput, strawberry.argument(description="The appeal and whom.")]
    ) -> AppealPayload:
        try:
            handler = await fetch(info, input.to, "to", HANDLERS)
        except Refused as refused:
            return AppealPayload(appeal=None, errors=refused.errors)

        async def prepare(appeal: Record) -> Any:
            return {}, *await _reassign(info, appeal, handler)

        return await transition(info, input.id, "assign", prepare=prepare)

    @strawberry.mutation(
        description="Escalate an ASSIGNED appeal (上报) to the organization its handler's branch reports to (the rule "
        "is in docs/design.md): still ASSIGNED, to the new handler since today. NO_ESCALATION when there is none."
    )
    async def escalate_appeal(
        self, info: Info, input: Annotated[AppealInput, strawberry.argument(description="The appeal.")]
    ) -> AppealPayload:
        async def prepare(appeal: Record) -> Any:
            current = await _handler(info, appeal)
            target = await escalation_target(info, current) if current is not None else None
            if target is None:
                who = f"{current.label} {current.id!r}" if current is not None else "nobody"
                raise Refused(
                    [UserError.of("id", "NO_ESCALATION", f"the appeal's handler ({who}) has no organization above it")]
                )
            return {}, *await _reassign(info, appeal, target)

        return await transition(info, input.id, "escalate", prepare=prepare)

    @strawberry.mutation(description="Record that the handler resolved an ASSIGNED appeal (办结): RESOLVED on the day.")
    async def resolve_appeal(
        self, info: Info, input: Annotated[ResolveAppealInput, strawberry.argument(description="The appeal and when.")]
    ) -> AppealPayload:
        on = (input.on or _today()).isoformat()
        return await transition(info, input.id, "resolve", {"resolved_on": on, "satisfaction": None})

    @strawberry.mutation(
        description="Record the resident's review of a RESOLVED appeal (评). UNSATISFIED reopens it: ASSIGNED to the "
        "same handler, its resolution day removed."
    )
    async def review_appeal(
        self, info: Info, input: Annotated[ReviewAppealInput, strawberry.argument(description="The appeal and review.")]
    ) -> AppealPayload:
        rating = input.satisfaction.value
        if rating == "UNSATISFIED":
            changes = {"satisfaction": rating, "resolved_on": None}
            return await transition(info, input.id, "review", changes, to_status="ASSIGNED")
        return await transition(info, input.id, "review", {"satisfaction": rating})

    @strawberry.mutation(description="Close a RESOLVED appeal (归档): CLOSED today.")
    async def close_appeal(
        self, info: Info, input: Annotated[AppealInput, strawberry.argument(description="The appeal.")]
    ) -> AppealPayload:
        return await transition(info, input.id, "close", {"closed_on": _today().isoformat()})

    @strawberry.mutation(
        description="Reopen a RESOLVED appeal (重办): back to ASSIGNED with its handler, its resolution day removed."
    )
    async def reopen_appeal(
        self, info: Info, input: Annotated[AppealInput, strawberry.argument(description="The appeal.")]
    ) -> AppealPayload:
        return await transition(info, input.id, "reopen", {"resolved_on": None})

    @strawberry.mutation(
        description="Record a roundtable meeting (圆桌会议): who held it, where, the appeals it discussed and who "
        "attended, in one write."
    )
    async def hold_roundtable(
        self, info: Info, input: Annotated[HoldRoundtableInput, strawberry.argument(description="The meeting.")]
    ) -> ActivityPayload:
        try:
            if not input.title.strip():
                raise Refused([UserError.of("title", "REQUIRED", "the title must not be blank")])
            holder = await fetch(info, input.held_by, "heldBy", [Label.PARTY_ORGANIZATION.value, Label.ALLIANCE.value])
            place = await fetch(info, input.held_in, "heldIn", [a.value for a in AREA_LABELS])
            await judge(info, "roundtable", target=place, field="heldIn")
            activity_id = new_id(Label.ACTIVITY)
            rels = [
                Rel(RelType.HELD_BY.value, activity_id, holder.id),
                Rel(RelType.HELD_IN.value, activity_id, place.id),
            ]
            for i, value in enumerate(input.appeals):
                appeal = await fetch(info, value, f"appeals[{i}]", [A])
                await judge(info, "roundtable", target=appeal, field=f"appeals[{i}]")
                rels.append(Rel(RelType.DISCUSSED.value, activity_id, appeal.id))
            for i, value in enumerate(input.attendees):
                who = await fetch(
                    info, value, f"attendees[{i}]", [Label.PARTY_MEMBER.value, Label.ALLIANCE_MEMBER.value]
                )
                rels.append(Rel(RelType.ATTENDED.value, who.id, activity_id))
            record = Record(
                Label.ACTIVITY.value,
                activity_id,
                {"title": input.title.strip(), "kind": "ROUNDTABLE", "on": input.on.isoformat()},
            )
            await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), judged=True)
        except Refused as refused:
            return ActivityPayload(activity=None, errors=refused.errors)
        return ActivityPayload(activity=as_node(record), errors=[])


async def _reassign(info: Info, appeal: Record, handler: Record) -> tuple[list[Rel], list[RelRef]]:
    """The ASSIGNED_TO of ``appeal`` to ``handler`` since today, replacing the current one."""
    current = await _handler(info, appeal)
    deletes = [RelRef(RelType.ASSIGNED_TO.value, appeal.id, current.id)] if current is not None else []
    since = _today().isoformat()
    return [Rel(RelType.ASSIGNED_TO.value, appeal.id, handler.id, {"since": since})], deletes
