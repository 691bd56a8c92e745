# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``appealStats``: residents' appeals (接诉即办) of an area over a period: the rates and what lies behind them."""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from analytics.appeals import RESPOND_WITHIN_DAYS
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, gid, run
from resolvers.analytics.coverage import AreaLevel
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError

_RECEIVED = "Appeals in the area (what they CONCERN is the area or lies under it) reported in the period."
_RESPONDED = (
    "Received appeals accepted or rejected at most respondWithinDays days after they were reported (and by asOf); "
    "rate over received (响应率)."
)
_RESOLVED = "Received appeals RESOLVED or CLOSED with resolvedOn on or before asOf; rate over received (解决率)."
_ON_TIME = "Resolved appeals resolved on or before their due date (one without due is on time); rate over received."
_SATISFIED = (
    "Received appeals reviewed SATISFIED or BASICALLY_SATISFIED, over the reviewed ones (满意率); rate null when none "
    "was reviewed."
)
_OVERDUE = (
    "Appeals in the area, whatever their report date, still REPORTED, ACCEPTED or ASSIGNED, whose due date is before "
    "asOf."
)
_OPEN = "Appeals in the area still REPORTED, ACCEPTED or ASSIGNED, reported on or before asOf (whatever the period)."
_VANGUARD = "Resolved appeals ASSIGNED_TO a vanguard (a party member whose vanguard is true)."


@strawberry.type(description="A count of appeals and its rate over the received ones.")
class AppealStatsCount:
    count: int = strawberry.field(description="How many appeals.")
    rate: float | None = strawberry.field(description="count / received, 0 to 1; null when nothing was received.")


@strawberry.type(description="Reviewed appeals rated satisfied or basically satisfied, over the reviewed ones.")
class AppealStatsSatisfied:
    count: int = strawberry.field(description="Reviewed received appeals rated SATISFIED or BASICALLY_SATISFIED.")
    reviewed: int = strawberry.field(description="Received appeals with a satisfaction review.")
    rate: float | None = strawberry.field(description="count / reviewed, 0 to 1; null when none was reviewed.")


@strawberry.type(description="The appeal figures of one area (a row of a breakdown).")
class AppealStatsArea:
    area: AreaRef = strawberry.field(description="The area of this row.")
    received: int = strawberry.field(description=_RECEIVED)
    responded: AppealStatsCount = strawberry.field(description=_RESPONDED)
    resolved: AppealStatsCount = strawberry.field(description=_RESOLVED)
    on_time: AppealStatsCount = strawberry.field(description=_ON_TIME)
    satisfied: AppealStatsSatisfied = strawberry.field(description=_SATISFIED)
    overdue: int = strawberry.field(description=_OVERDUE)
    open: int = strawberry.field(description=_OPEN)
    with_vanguard_help: int = strawberry.field(description=_VANGUARD)


@strawberry.type(description="One month of the trend: the appeals reported in it (clipped to the period).")
class AppealStatsMonth:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    date_from: dt.date = strawberry.field(name="from", description="Its first day inside the period.")
    date_to: dt.date = strawberry.field(name="to", description="Its last day inside the period.")
    received: int = strawberry.field(description="Appeals in the area reported in those days.")
    responded: AppealStatsCount = strawberry.field(description="Of those, responded in time; rate over received.")
    resolved: AppealStatsCount = strawberry.field(description="Of those, resolved by asOf; rate over received.")
    on_time: AppealStatsCount = strawberry.field(
        description="Of those, resolved by their due date; rate over received."
    )
    satisfied: AppealStatsSatisfied = strawberry.field(description="Of those reviewed, how many were satisfied.")


@strawberry.type(description="Days from report to resolution of the resolved received appeals of one group.")
class AppealStatsResolveTime:
    group: str = strawberry.field(
        description="The group: an AppealCategory value, a handler kind (vanguard, member, organization, unit, "
        "alliance, none), all, roundtable or others."
    )
    received: int = strawberry.field(description="Received appeals of the group.")
    resolved: int = strawberry.field(description="Of those, resolved by asOf.")
    median_days: float | None = strawberry.field(description="Median days to resolve; null when none was resolved.")
    p90_days: float | None = strawberry.field(
        description="90th percentile of the days to resolve, by nearest rank (an observed value); null when none."
    )


@strawberry.type(
    description="A hot spot: a building with repeated appeals of one category within 90 days (as many as the "
    "hotSpotRepeats argument, or more)."
)
class AppealStatsHotSpot:
    building: strawberry.ID = strawberry.field(description="Global ID of the building.")
    local_id: str = strawberry.field(description="The building's id inside the graph.")
    name: str | None = strawberry.field(description="The building's name.")
    category: str = strawberry.field(description="The category repeated (an AppealCategory value).")
    appeals: int = strawberry.field(description="The most appeals of that category reported within one 90-day window.")
    first: dt.date = strawberry.field(description="The report date of the first of them.")
    last: dt.date = strawberry.field(description="The report date of the last of them.")


@strawberry.type(description="What one handler did with the received appeals of the area ASSIGNED_TO it.")
class AppealStatsHandler:
    handler: strawberry.ID = strawberry.field(
        description="Global ID of the handler: a PartyMember, PartyOrganization, AllianceMember or Alliance."
    )
    local_id: str = strawberry.field(description="The handler's id inside the graph.")
    kind: str = strawberry.field(
        description="vanguard, member (a party member who is not a vanguard), organization, unit (an alliance "
        "member unit) or alliance."
    )
    name: str | None = strawberry.field(description="Its name; null for party members (personal data).")
    assigned: int = strawberry.field(description="Received appeals of the area assigned to it now.")
    resolved: AppealStatsCount = strawberry.field(description="Of those, resolved by asOf; rate over assigned.")
    on_time: AppealStatsCount = strawberry.field(
        description="Of those, resolved by their due date; rate over assigned."
    )
    satisfied: AppealStatsSatisfied = strawberry.field(description="Of those reviewed, how many were satisfied.")
    overdue: int = strawberry.field(description="Of those, still open past their due date on asOf.")
    median_days: float | None = strawberry.field(description="Median days to resolve; null when none was resolved.")


@strawberry.type(description="An alliance unit's measured reach beside its structural reach, in the area.")
class AppealStatsUnitReach:
    unit: strawberry.ID = strawberry.field(description="Global ID of the unit (an AllianceMember).")
    local_id: str = strawberry.field(description="The unit's id inside the graph.")
    name: str | None = strawberry.field(description="The unit's name.")
    structural_households: int = strawberry.field(
        description="Households of the area it reaches through the graph (an alliance it JOINED SERVES them, or it "
        "MANAGES their building), as allianceReach counts them."
    )
    measured_households: int = strawberry.field(
        description="Households whose received appeals it resolved (the household that raised the appeal, or a "
        "member's home, else the household it concerns)."
    )
    measured_within_structural: int = strawberry.field(description="Of those, how many it also reaches structurally.")
    assigned: int = strawberry.field(description="Received appeals of the area assigned to it.")
    resolved: int = strawberry.field(description="Of those, resolved by asOf.")


@strawberry.type(description="Roundtable-discussed appeals (圆桌会议) beside the others.")
class AppealStatsRoundtable:
    discussed: AppealStatsResolveTime = strawberry.field(
        description="Received appeals DISCUSSED at a ROUNDTABLE activity."
    )
    others: AppealStatsResolveTime = strawberry.field(description="The other received appeals.")
    faster: bool | None = strawberry.field(
        description="Whether the discussed ones resolve faster (a smaller median); null when either has none resolved."
    )


@strawberry.enum(description="The order of an appeal breakdown: worst first by a measure, or by area id.")
class AppealStatsOrder(Enum):
    LOWEST_RESOLVED = strawberry.enum_value(
        "resolved", description="Lowest resolution rate first (areas with nothing received last), then most overdue."
    )
    LOWEST_RESPONDED = strawberry.enum_value("responded", description="Lowest response rate first, then most overdue.")
    LOWEST_ON_TIME = strawberry.enum_value("on_time", description="Lowest on-time rate first, then most overdue.")
    LOWEST_SATISFIED = strawberry.enum_value(
        "satisfied", description="Lowest satisfaction rate first (areas with no review last), then most overdue."
    )
    MOST_OVERDUE = strawberry.enum_value("overdue", description="Most overdue appeals first.")
    AREA_ID = strawberry.enum_value("id", description="By area id.")


def _count(d: dict[str, Any]) -> AppealStatsCount:
    return AppealStatsCount(count=int(d["count"]), rate=d["rate"])


def _satisfied(d: dict[str, Any]) -> AppealStatsSatisfied:
    return AppealStatsSatisfied(count=int(d["count"]), reviewed=int(d["reviewed"]), rate=d["rate"])


def _area(d: dict[str, Any]) -> AppealStatsArea:
    return AppealStatsArea(
        area=area_ref(d["area"], d["label"], d["name"]),
        received=d["received"],
        responded=_count(d["responded"]),
        resolved=_count(d["resolved"]),
        on_time=_count(d["on_time"]),
        satisfied=_satisfied(d["satisfied"]),
        overdue=d["overdue"],
        open=d["open"],
        with_vanguard_help=d["with_vanguard_help"],
    )


def _time(d: dict[str, Any]) -> AppealStatsResolveTime:
    return AppealStatsResolveTime(
        group=d["group"],
        received=d["received"],
        resolved=d["resolved"],
        median_days=d["median_days"],
        p90_days=d["p90_days"],
    )


_HANDLER_LABELS = {"vanguard": "PartyMember", "member": "PartyMember", "organization": "PartyOrganization"}


def _handler(d: dict[str, Any]) -> AppealStatsHandler:
    label = _HANDLER_LABELS.get(d["kind"], "AllianceMember" if d["kind"] == "unit" else "Alliance")
    return AppealStatsHandler(
        handler=gid(label, d["id"]),
        local_id=d["id"],
        kind=d["kind"],
        name=d["name"],
        assigned=d["assigned"],
        resolved=_count(d["resolved"]),
        on_time=_count(d["on_time"]),
        satisfied=_satisfied(d["satisfied"]),
        overdue=d["overdue"],
        median_days=d["median_days"],
    )


def _order_key(order: AppealStatsOrder) -> Any:
    if order is AppealStatsOrder.AREA_ID:
        return lambda r: r.area.local_id or ""
    if order is AppealStatsOrder.MOST_OVERDUE:
        return lambda r: (-r.overdue, r.area.local_id or "")
    attr = order.value

    def key(r: AppealStatsArea) -> tuple[bool, float, int, str]:
        rate = getattr(r, attr).rate
        return (rate is None, rate or 0.0, -r.overdue, r.area.local_id or "")

    return key


def _first(first: int | None) -> None:
    if first is not None and first < 0:
        raise ClientError(f"first must be 0 or more, got {first}", "BAD_USER_INPUT")


FirstArg = Annotated[
    int | None, strawberry.argument(description="Keep only the first this many rows (0 or more); null: all.")
]


@strawberry.type(
    description="Residents' appeals (接诉即办) of an area over a period, as of a day: the response, resolution and "
    "satisfaction rates, what is overdue, and what lies behind them. Definitions: docs/design.md, 'Appeals'."
)
class AppealStats:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    date_from: dt.date = strawberry.field(name="from", description="The first day of the period.")
    date_to: dt.date = strawberry.field(name="to", description="The last day of the period.")
    as_of: dt.date = strawberry.field(description="The day the figures are taken on.")
    respond_within_days: int = strawberry.field(description="The response window used, in days after the report.")
    received: int = strawberry.field(description=_RECEIVED)
    responded: AppealStatsCount = strawberry.field(description=_RESPONDED)
    resolved: AppealStatsCount = strawberry.field(description=_RESOLVED)
    on_time: AppealStatsCount = strawberry.field(description=_ON_TIME)
    satisfied: AppealStatsSatisfied = strawberry.field(description=_SATISFIED)
    overdue: int = strawberry.field(description=_OVERDUE)
    open: int = strawberry.field(description=_OPEN)
    with_vanguard_help: int = strawberry.field(description=_VANGUARD)
    by: str | None = strawberry.field(
        description="The level of the breakdown (Street, Community, Grid or Building); null for a building."
    )
    trend: list[AppealStatsMonth] = strawberry.field(description="Month by month over the period, oldest first.")
    time_to_resolve: AppealStatsResolveTime = strawberry.field(description="Days to resolve, over all received.")
    time_to_resolve_by_category: list[AppealStatsResolveTime] = strawberry.field(
        description="Days to resolve per category present in the area, by category."
    )
    time_to_resolve_by_handler_kind: list[AppealStatsResolveTime] = strawberry.field(
        description="Days to resolve per handler kind present (vanguard, member, organization, unit, alliance, none)."
    )
    hot_spots: list[AppealStatsHotSpot] = strawberry.field(
        description="Buildings with repeated appeals of one category within 90 days, most appeals first."
    )
    unit_reach: list[AppealStatsUnitReach] = strawberry.field(
        description="Each alliance unit reaching the area or assigned its appeals: measured beside structural reach, "
        "most measured households first."
    )
    roundtable: AppealStatsRoundtable = strawberry.field(
        description="Whether roundtable-discussed appeals resolve faster than the others."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze appeals --format json` prints)."
    )
    _breakdown: strawberry.Private[list[AppealStatsArea]]
    _handlers: strawberry.Private[list[AppealStatsHandler]]

    @strawberry.field(
        description="The areas one level down (or at the level asked for with by), worst first by orderBy "
        "(default: lowest resolution rate); first keeps that many."
    )
    def breakdown(
        self,
        first: FirstArg = None,
        order_by: Annotated[
            AppealStatsOrder, strawberry.argument(description="The order of the rows.")
        ] = AppealStatsOrder.LOWEST_RESOLVED,
        with_appeals_only: Annotated[
            bool,
            strawberry.argument(
                description="Keep only areas with an appeal received, open or overdue (a city's buildings are many)."
            ),
        ] = False,
    ) -> list[AppealStatsArea]:
        _first(first)
        rows = [r for r in self._breakdown if not with_appeals_only or r.received or r.open or r.overdue]
        rows.sort(key=_order_key(order_by))
        return rows if first is None else rows[:first]

    @strawberry.field(
        description="Every handler of received appeals of the area, worst first: lowest resolution rate, then "
        "slowest median, then most assigned; first keeps that many."
    )
    def handlers(self, first: FirstArg = None) -> list[AppealStatsHandler]:
        _first(first)
        return self._handlers if first is None else self._handlers[:first]


@strawberry.type(description="The appealStats field of Query.")
class AppealsQuery:
    @strawberry.field(
        description="Residents' appeals (接诉即办) of an area (when area is omitted: the viewer's own area, or the "
        "city) over the period [from, to], as of asOf."
    )
    async def appeal_stats(
        self,
        info: Info,
        area: AreaArg = None,
        date_from: Annotated[
            dt.date | None,
            strawberry.argument(
                name="from", description="The first day of the period (included); null: 364 days before to."
            ),
        ] = None,
        date_to: Annotated[
            dt.date | None,
            strawberry.argument(name="to", description="The last day of the period (included); null: today."),
        ] = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description="The day the figures are taken on, not before from; null: to."),
        ] = None,
        by: Annotated[
            AreaLevel | None,
            strawberry.argument(
                description="Break down by this level, below the area asked about (refused otherwise); null: one "
                "level down."
            ),
        ] = None,
        respond_within_days: Annotated[
            int,
            strawberry.argument(
                description="An appeal is responded to when accepted or rejected at most this many days after it "
                "was reported (0 to 30)."
            ),
        ] = RESPOND_WITHIN_DAYS,
        hot_spot_repeats: Annotated[
            int,
            strawberry.argument(
                description="Appeals of one category in one building within 90 days that make a hot spot (2 to 100)."
            ),
        ] = A.appeals.HOT_SPOT_REPEATS,
    ) -> AppealStats:
        if not 0 <= respond_within_days <= 30:
            raise ClientError(
                f"respondWithinDays must be between 0 and 30, got {respond_within_days}", "BAD_USER_INPUT"
            )
        if not 2 <= hot_spot_repeats <= 100:
            raise ClientError(f"hotSpotRepeats must be between 2 and 100, got {hot_spot_repeats}", "BAD_USER_INPUT")
        end = date_to or dt.date.today()
        start = date_from or end - dt.timedelta(days=364)
        snap = await _snapshot(info)
        local = await area_in_scope(info, area)
        await asyncio.to_thread(snap.build, "model", "appeals")
        rep = await run(
            info,
            A.appeal_stats,
            snap.graph,
            local,
            index=snap.index,
            appeals=snap.appeals,
            model=snap.model,
            date_from=start,
            date_to=end,
            as_of=as_of,
            by=by.value if by is not None else None,
            respond_within_days=respond_within_days,
            hot_spot_repeats=hot_spot_repeats,
        )
        ttr = rep["time_to_resolve"]
        return AppealStats(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            date_from=dt.date.fromisoformat(rep["date_from"]),
            date_to=dt.date.fromisoformat(rep["date_to"]),
            as_of=dt.date.fromisoformat(rep["as_of"]),
            respond_within_days=rep["respond_within_days"],
            received=rep["received"],
            responded=_count(rep["responded"]),
            resolved=_count(rep["resolved"]),
            on_time=_count(rep["on_time"]),
            satisfied=_satisfied(rep["satisfied"]),
            overdue=rep["overdue"],
            open=rep["open"],
            with_vanguard_help=rep["with_vanguard_help"],
            by=rep["by"],
            trend=[
                AppealStatsMonth(
                    month=m["month"],
                    date_from=dt.date.fromisoformat(m["date_from"]),
                    date_to=dt.date.fromisoformat(m["date_to"]),
                    received=m["received"],
                    responded=_count(m["responded"]),
                    resolved=_count(m["resolved"]),
                    on_time=_count(m["on_time"]),
                    satisfied=_satisfied(m["satisfied"]),
                )
                for m in rep["trend"]
            ],
            time_to_resolve=_time(ttr["overall"]),
            time_to_resolve_by_category=[_time(t) for t in ttr["by_category"]],
            time_to_resolve_by_handler_kind=[_time(t) for t in ttr["by_handler_kind"]],
            hot_spots=[
                AppealStatsHotSpot(
                    building=gid("Building", h["building"]),
                    local_id=h["building"],
                    name=h["name"],
                    category=h["category"],
                    appeals=h["appeals"],
                    first=dt.date.fromisoformat(h["first"]),
                    last=dt.date.fromisoformat(h["last"]),
                )
                for h in rep["hot_spots"]
            ],
            unit_reach=[
                AppealStatsUnitReach(
                    unit=gid("AllianceMember", u["id"]),
                    local_id=u["id"],
                    name=u["name"],
                    structural_households=u["structural_households"],
                    measured_households=u["measured_households"],
                    measured_within_structural=u["measured_within_structural"],
                    assigned=u["assigned"],
                    resolved=u["resolved"],
                )
                for u in rep["unit_reach"]
            ],
            roundtable=AppealStatsRoundtable(
                discussed=_time(rep["roundtable"]["discussed"]),
                others=_time(rep["roundtable"]["others"]),
                faster=rep["roundtable"]["faster"],
            ),
            details=as_json(rep),
            _breakdown=[_area(r) for r in rep["breakdown"]],
            _handlers=[_handler(h) for h in rep["handlers"]],
        )
