# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``registrationStats``: in-service members who reported to the community they live in (三报到) and served there."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from analytics.work import CANDIDATE_CAPACITY
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, gid, run
from resolvers.analytics.work_common import (
    FirstArg,
    FromArg,
    ToArg,
    WorkShare,
    first_rows,
    period,
    share,
    work_session,
)
from resolvers.context import Info
from resolvers.errors import ClientError

_IN_SERVICE = "Party members of kind IN_SERVICE (在职党员) living in the area."
_REPORTED = "Of those, REPORTED_TO the community they live in (报到); rate over in service."
_SERVED = (
    "Of those reported, who ATTENDED an activity of the period HELD_IN that community (or under it) or were "
    "ASSIGNED_TO an appeal lying there in the period; rate over reported."
)


@strawberry.type(description="One community: its in-service residents, how many reported to it and served in it.")
class RegistrationCommunity:
    community: AreaRef = strawberry.field(description="The community the members live in.")
    in_service: int = strawberry.field(description=_IN_SERVICE)
    reported: WorkShare = strawberry.field(description=_REPORTED)
    served: WorkShare = strawberry.field(description=_SERVED)


@strawberry.type(description="One workplace: how many of its in-service members living in the area reported home.")
class RegistrationUnit:
    unit: strawberry.ID | None = strawberry.field(
        description="Global ID of the AllianceMember the members' branch is BRANCH_OF, or of the branch itself "
        "(a PartyOrganization) when it lies outside the city or belongs to no unit; null: members of no branch."
    )
    local_id: str | None = strawberry.field(description="Its id inside the graph.")
    kind: str = strawberry.field(
        description="unit (an alliance member unit), external (a branch outside the city), branch (a branch of no "
        "unit) or none."
    )
    name: str | None = strawberry.field(description="Its name.")
    in_service: int = strawberry.field(description="Its in-service members living in the area.")
    reported: WorkShare = strawberry.field(description="Of those, reported to the community they live in.")


@strawberry.type(description="An in-service member who did not report to the community they live in (no names).")
class UnregisteredMember:
    member: strawberry.ID = strawberry.field(description="Global ID of the party member.")
    building: strawberry.ID | None = strawberry.field(description="Global ID of the building they live in.")
    community: strawberry.ID | None = strawberry.field(description="Global ID of the community they live in.")
    reported_elsewhere: bool = strawberry.field(description="Whether they are REPORTED_TO another community.")


@strawberry.type(
    description="The coverage plan with registered in-service members who served offered as candidate vanguards."
)
class RegistrationPlanFigures:
    candidates: int = strawberry.field(
        description="Registered in-service members of the area who served in the period, are no vanguard and LINK "
        "nobody."
    )
    candidate_capacity: int = strawberry.field(description="Households each candidate may take.")
    candidates_used: int = strawberry.field(description="Candidates the plan gives a household.")
    households: int = strawberry.field(description="Households of the area.")
    covered_today: int = strawberry.field(description="Covered by a vanguard's LINKS today.")
    covered_without_candidates: int = strawberry.field(description="Covered after the plan of the vanguards alone.")
    covered_with_candidates: int = strawberry.field(description="Covered after the plan with the candidates.")
    extra_households: int = strawberry.field(description="How many more the candidates cover.")


@strawberry.type(
    description="Registration (三报到) of an area's in-service members over a period: in service, reported home, "
    "served there; per community and workplace unit; who did not report. Definitions: docs/design.md 7.15."
)
class RegistrationStats:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    date_from: dt.date = strawberry.field(name="from", description="The first day of the period.")
    date_to: dt.date = strawberry.field(name="to", description="The last day of the period.")
    in_service: int = strawberry.field(description=_IN_SERVICE)
    reported: WorkShare = strawberry.field(description=_REPORTED)
    served: WorkShare = strawberry.field(description=_SERVED)
    communities: list[RegistrationCommunity] = strawberry.field(description="Per community, by id.")
    plan: RegistrationPlanFigures | None = strawberry.field(
        description="The coverage plan option (when withPlan was true): how much more candidates would cover."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze registration --format json` prints)."
    )
    _units: strawberry.Private[list[RegistrationUnit]]
    _unregistered: strawberry.Private[list[UnregisteredMember]]

    @strawberry.field(description="Per workplace unit, lowest share reported first, then most members.")
    def units(self, first: FirstArg = None) -> list[RegistrationUnit]:
        return first_rows(self._units, first)

    @strawberry.field(description="The in-service members who did not report home, by community and id.")
    def unregistered(self, first: FirstArg = None) -> list[UnregisteredMember]:
        return first_rows(self._unregistered, first)


_UNIT_LABELS = {"unit": "AllianceMember", "external": "PartyOrganization", "branch": "PartyOrganization"}


def _unit(u: dict[str, Any]) -> RegistrationUnit:
    local = u["unit"]
    label = _UNIT_LABELS.get(u["kind"])
    return RegistrationUnit(
        unit=gid(label, local) if local and label else None,
        local_id=local,
        kind=u["kind"],
        name=u["name"],
        in_service=u["in_service"],
        reported=share(u["reported"]),
    )


def _plan(p: dict[str, Any]) -> RegistrationPlanFigures:
    return RegistrationPlanFigures(
        candidates=len(p["candidates"]),
        candidate_capacity=p["candidate_capacity"],
        candidates_used=p["candidates_used"],
        households=p["without"]["after"]["total"],
        covered_today=p["without"]["before"]["covered"],
        covered_without_candidates=p["without"]["after"]["covered"],
        covered_with_candidates=p["with_candidates"]["after"]["covered"],
        extra_households=p["extra_households"],
    )


@strawberry.type(description="The registrationStats field of Query.")
class RegistrationQuery:
    @strawberry.field(
        description="Registration (三报到) of the in-service members of an area (when area is omitted: the viewer's "
        "own area, or the city) over the period [from, to]."
    )
    async def registration_stats(
        self,
        info: Info,
        area: AreaArg = None,
        date_from: FromArg = None,
        date_to: ToArg = None,
        with_plan: Annotated[
            bool,
            strawberry.argument(
                description="Also run the coverage plan with and without the candidate vanguards (costly on a city)."
            ),
        ] = False,
        candidate_capacity: Annotated[
            int, strawberry.argument(description="Households a candidate vanguard may take in the plan (0 to 100).")
        ] = CANDIDATE_CAPACITY,
    ) -> RegistrationStats:
        if not 0 <= candidate_capacity <= 100:
            raise ClientError(
                f"candidateCapacity must be between 0 and 100, got {candidate_capacity}", "BAD_USER_INPUT"
            )
        start, end = period(date_from, date_to)
        snap, work = await work_session(info, "registration")
        local = await area_in_scope(info, area)
        kw: dict[str, Any] = {"date_from": start, "date_to": end, "index": snap.index, "work": work}
        rep = await run(info, A.registration, snap.graph, local, **kw)
        plan = None
        if with_plan:
            plan = await run(
                info,
                A.registration_plan,
                snap.graph,
                local,
                candidate_capacity=candidate_capacity,
                linkage=snap.linkage,
                max_running=info.context.config.max_analyses,
                **kw,
            )
        return RegistrationStats(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            date_from=start,
            date_to=end,
            in_service=rep["in_service"],
            reported=share(rep["reported"]),
            served=share(rep["served"]),
            communities=[
                RegistrationCommunity(
                    community=area_ref(c["community"], "Community", c["name"]),
                    in_service=c["in_service"],
                    reported=share(c["reported"]),
                    served=share(c["served"]),
                )
                for c in rep["communities"]
            ],
            plan=_plan(plan) if plan is not None else None,
            details=as_json(rep),
            _units=[_unit(u) for u in rep["units"]],
            _unregistered=[
                UnregisteredMember(
                    member=gid("PartyMember", u["member"]),
                    building=gid("Building", u["building"]) if u["building"] else None,
                    community=gid("Community", u["community"]) if u["community"] else None,
                    reported_elsewhere=u["reported_elsewhere"],
                )
                for u in rep["unregistered"]
                if u["member"]
            ],
        )
