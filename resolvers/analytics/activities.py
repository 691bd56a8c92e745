# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``activityStats``: activities per organization and alliance and month, and the secretary projects (书记项目)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from analytics.work import STALLED_AFTER_DAYS
from resolvers.analytics.common import AreaArg, AreaRef, area_ref, as_json, gid
from resolvers.analytics.work_common import (
    FirstArg,
    FromArg,
    NamedCount,
    ToArg,
    first_rows,
    named,
    run_work,
)
from resolvers.context import Info
from resolvers.errors import ClientError
from resolvers.node import decode_id


@strawberry.type(description="What a group of activities did: how many, whom they served, who took part.")
class ActivityFigures:
    activities: int = strawberry.field(description="Activities (HELD_IN the area, on a day of the period).")
    households_served: int = strawberry.field(description="Distinct households they SERVED.")
    residents_served: int = strawberry.field(description="The sum of those households' sizes.")
    members_taking_part: int = strawberry.field(description="Distinct party members who ATTENDED them.")
    units_taking_part: int = strawberry.field(description="Distinct alliance member units who ATTENDED them.")


@strawberry.type(description="One month of the period (clipped to it).")
class ActivityMonth:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    figures: ActivityFigures = strawberry.field(description="The activities of the month.")


@strawberry.type(description="The activities one organization or alliance held (HELD_BY) in the area and period.")
class HolderActivities:
    holder: strawberry.ID = strawberry.field(description="Global ID of the PartyOrganization or Alliance.")
    local_id: str = strawberry.field(description="Its id inside the graph.")
    label: str = strawberry.field(description="PartyOrganization or Alliance.")
    name: str | None = strawberry.field(description="Its name.")
    figures: ActivityFigures = strawberry.field(description="Its activities over the period.")
    by_kind: list[NamedCount] = strawberry.field(description="Its activities per kind (name: an ActivityKind value).")
    months: list[ActivityMonth] = strawberry.field(description="Month by month, oldest first.")


@strawberry.type(description="The secretary projects of one category (书记项目).")
class ProjectCategoryFigures:
    category: str = strawberry.field(description="A ProjectCategory value.")
    projects: int = strawberry.field(description="Projects of the category HELD_IN the area.")
    by_stage: list[NamedCount] = strawberry.field(description="Per stage present (name: a ProjectStage value).")
    reviewed: int = strawberry.field(description="Of those, REVIEWED with a review score.")
    mean_review: float | None = strawberry.field(description="Their mean resident review score (0 to 100).")


@strawberry.type(
    description="Activities of an area over a period, per organization and alliance and month, and its secretary "
    "projects by stage and category. Definitions: docs/design.md 7.15."
)
class ActivityStats:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    date_from: dt.date = strawberry.field(name="from", description="The first day of the period.")
    date_to: dt.date = strawberry.field(name="to", description="The last day of the period.")
    total: ActivityFigures = strawberry.field(
        description="Every activity of the area and period (monthly contacts too)."
    )
    by_kind: list[NamedCount] = strawberry.field(description="Activities per kind (name: an ActivityKind value).")
    months: list[ActivityMonth] = strawberry.field(description="Month by month, oldest first.")
    projects_by_stage: list[NamedCount] = strawberry.field(
        description="Secretary projects HELD_IN the area per stage, in order (name: a ProjectStage value)."
    )
    projects_by_category: list[ProjectCategoryFigures] = strawberry.field(description="Per category, by name.")
    mean_review: float | None = strawberry.field(description="Mean review score of the REVIEWED projects.")
    stalled_projects: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the projects still PROPOSED or LED more than stalledAfterDays days before the "
        "period's end."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze activities --format json` prints)."
    )
    _holders: strawberry.Private[list[HolderActivities]]

    @strawberry.field(
        description="Per organization and alliance holding activities in the area, most activities first."
    )
    def holders(self, first: FirstArg = None) -> list[HolderActivities]:
        return first_rows(self._holders, first)


def _figures(d: dict[str, Any]) -> ActivityFigures:
    return ActivityFigures(
        activities=d["activities"],
        households_served=d["households_served"],
        residents_served=d["residents_served"],
        members_taking_part=d["members_taking_part"],
        units_taking_part=d["units_taking_part"],
    )


def _months(rows: list[dict[str, Any]]) -> list[ActivityMonth]:
    return [ActivityMonth(month=m["month"], figures=_figures(m["served"])) for m in rows]


@strawberry.type(description="The activityStats field of Query.")
class ActivitiesQuery:
    @strawberry.field(
        description="Activities and secretary projects of an area (when area is omitted: the viewer's own area, or "
        "the city) over the period [from, to]."
    )
    async def activity_stats(
        self,
        info: Info,
        area: AreaArg = None,
        date_from: FromArg = None,
        date_to: ToArg = None,
        holder: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Keep only this holder's row in holders: global ID of a PartyOrganization or Alliance."
            ),
        ] = None,
        stalled_after_days: Annotated[
            int, strawberry.argument(description="A project still PROPOSED or LED after this many days is stalled.")
        ] = STALLED_AFTER_DAYS,
    ) -> ActivityStats:
        if not 0 <= stalled_after_days <= 3650:
            raise ClientError(
                f"stalledAfterDays must be between 0 and 3650, got {stalled_after_days}", "BAD_USER_INPUT"
            )
        only = decode_id(holder, expected=["PartyOrganization", "Alliance"], argument="holder")[1] if holder else None
        start, end, rep = await run_work(
            info, A.activity_stats, area, date_from, date_to, stalled_after_days=stalled_after_days
        )
        holders = [
            HolderActivities(
                holder=gid(h["label"], h["holder"]),
                local_id=h["holder"],
                label=h["label"],
                name=h["name"],
                figures=_figures(h["served"]),
                by_kind=named(h["by_kind"]),
                months=_months(h["months"]),
            )
            for h in rep["holders"]
            if h["holder"] and (only is None or h["holder"] == only)
        ]
        return ActivityStats(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            date_from=start,
            date_to=end,
            total=_figures(rep["total"]),
            by_kind=named(rep["by_kind"]),
            months=_months(rep["months"]),
            projects_by_stage=named(rep["projects_by_stage"]),
            projects_by_category=[
                ProjectCategoryFigures(
                    category=c["category"],
                    projects=c["projects"],
                    by_stage=named(c["by_stage"]),
                    reviewed=c["reviewed"],
                    mean_review=c["mean_review"],
                )
                for c in rep["projects_by_category"]
            ],
            mean_review=rep["mean_review"],
            stalled_projects=[gid("SecretaryProject", p) for p in rep["stalled_projects"]],
            details=as_json(rep),
            _holders=holders,
        )
