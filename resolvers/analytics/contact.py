# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``monthlyContact``: did each vanguard meet their linked members or visit their households, month by month (月联)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaArg, AreaRef, Ratio, area_ref, as_json, gid, ratio
from resolvers.analytics.coverage import AreaLevel
from resolvers.analytics.work_common import FirstArg, FromArg, ToArg, first_rows, run_work
from resolvers.context import Info

_IN_CONTACT = (
    "Vanguards in contact in the month (met their linked members at a MONTHLY_CONTACT activity HELD_BY them and "
    "ATTENDED by one of them, or VISITED a household they link), over the vanguards with LINKS."
)


@strawberry.type(description="All the area's vanguards in one month of the period.")
class ContactMonth:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    vanguards: int = strawberry.field(description="Vanguards of the area with LINKS.")
    met: int = strawberry.field(description="Of those, met their linked members (月联) in the month.")
    visited: int = strawberry.field(description="Of those, VISITED at least one household they link in the month.")
    visited_all: int = strawberry.field(description="Of those, VISITED every household they link in the month.")
    in_contact: Ratio = strawberry.field(description=_IN_CONTACT)


@strawberry.type(description="One area of a monthly-contact breakdown.")
class ContactArea:
    area: AreaRef = strawberry.field(description="The area.")
    vanguards: int = strawberry.field(description="Vanguards with LINKS living in it.")
    in_contact: Ratio = strawberry.field(description="Of those, in contact in the last month of the period.")
    lapsed: int = strawberry.field(description="Of those, two consecutive months without meeting or visit.")
    active_coverage: Ratio = strawberry.field(
        description="Its households VISITED by the vanguard who links them in the 31 days up to the period's end."
    )


@strawberry.type(
    description="Monthly contact (月联) of an area's vanguards over a period: who met their linked members or "
    "visited their households each month, who lapsed. Definitions: docs/design.md 7.15."
)
class MonthlyContact:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    date_from: dt.date = strawberry.field(name="from", description="The first day of the period.")
    date_to: dt.date = strawberry.field(name="to", description="The last day of the period.")
    vanguards: int = strawberry.field(description="Vanguards living in the area who LINK someone.")
    idle: int = strawberry.field(description="Vanguards living in the area who LINK nobody (not counted above).")
    in_contact: Ratio = strawberry.field(description=_IN_CONTACT + " In the last month of the period.")
    lapsed: int = strawberry.field(description="Vanguards with two consecutive months of neither meeting nor visit.")
    active_coverage: Ratio = strawberry.field(
        description="The area's households VISITED by the vanguard who links them in the 31 days up to the period's "
        "end, as coverage counts them."
    )
    by: str | None = strawberry.field(description="The level of the breakdown; null for a building.")
    months: list[ContactMonth] = strawberry.field(description="Month by month, oldest first.")
    lapsed_vanguards: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the lapsed vanguards (those the viewer may see), by id."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze contact --format json` prints)."
    )
    _breakdown: strawberry.Private[list[ContactArea]]

    @strawberry.field(
        description="The areas one level down (or at the level asked for with by), lowest share in contact first."
    )
    def breakdown(self, first: FirstArg = None) -> list[ContactArea]:
        rows = sorted(self._breakdown, key=lambda a: (a.in_contact.rate or 0.0, a.area.local_id or ""))
        return first_rows(rows, first)


def _area(d: dict[str, Any]) -> ContactArea:
    return ContactArea(
        area=area_ref(d["area"], d["label"], d["name"]),
        vanguards=d["vanguards"],
        in_contact=ratio(d["in_contact"]),
        lapsed=d["lapsed"],
        active_coverage=ratio(d["active_coverage"]),
    )


@strawberry.type(description="The monthlyContact field of Query.")
class ContactQuery:
    @strawberry.field(
        description="Monthly contact (月联) of the vanguards of an area (when area is omitted: the viewer's own area, "
        "or the city) over the period [from, to], cut into calendar months."
    )
    async def monthly_contact(
        self,
        info: Info,
        area: AreaArg = None,
        date_from: FromArg = None,
        date_to: ToArg = None,
        by: Annotated[
            AreaLevel | None,
            strawberry.argument(description="Break down by this level, below the area asked about; null: one down."),
        ] = None,
    ) -> MonthlyContact:
        start, end, rep = await run_work(
            info, A.monthly_contact, area, date_from, date_to, by=by.value if by is not None else None, linkage=True
        )
        return MonthlyContact(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            date_from=start,
            date_to=end,
            vanguards=rep["vanguards"],
            idle=rep["idle"],
            in_contact=ratio(rep["in_contact"]),
            lapsed=rep["lapsed"],
            active_coverage=ratio(rep["active_coverage"]),
            by=rep["by"],
            months=[
                ContactMonth(
                    month=m["month"],
                    vanguards=m["vanguards"],
                    met=m["met"],
                    visited=m["visited"],
                    visited_all=m["visited_all"],
                    in_contact=ratio(m["in_contact"]),
                )
                for m in rep["months"]
            ],
            lapsed_vanguards=[gid("PartyMember", v) for v in rep["lapsed_vanguards"]],
            details=as_json(rep),
            _breakdown=[_area(a) for a in rep["breakdown"]],
        )
