# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``coverage``: 1+10+N linkage coverage of an area, its breakdown and the vanguards' load."""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

import analytics as A
from graph_schema.contract import HOUSEHOLDS_NORM, MEMBERS_NORM
from resolvers.analytics.common import AreaArg, AreaRef, Ratio, area_in_scope, area_ref, gid, ratio, run
from resolvers.analytics.snapshot import _Snapshot, _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError


@strawberry.type(
    description="Active coverage (月联月访, monthly contact): covered households VISITED in the 31 days up to "
    "asOf by a vanguard who LINKS them."
)
class ActiveCoverage:
    as_of: dt.date = strawberry.field(description="The last day of the window (the asOf argument).")
    window_start: dt.date = strawberry.field(
        description="The first day of the window: asOf minus 30 days (31 days, both ends included)."
    )
    households: int = strawberry.field(description="Households actively covered: visited in the window.")
    rate: float | None = strawberry.field(
        description="households / all households of the area, 0 to 1; null when the area has none."
    )
    share_of_covered: float | None = strawberry.field(
        description="households / covered households of the area, 0 to 1; null when none is covered."
    )


_HOUSEHOLDS = (
    "Households under the area (through PART_OF; the city: all households) and how many of them a vanguard "
    "LINKS (1+10+N). LINKS from members who are not vanguards do not count."
)
_MEMBERS = (
    "Party members who are not vanguards and live in the area's households (LIVES_IN; the city: all of them, "
    "residence known or not), and how many of them a vanguard LINKS."
)
_ACTIVE = "Active coverage over the 31 days up to asOf; null when asOf is not given."


@strawberry.type(description="1+10+N coverage of one area (a row of a breakdown).")
class AreaCoverage:
    area: AreaRef = strawberry.field(description="The area of this row.")
    households: Ratio = strawberry.field(description=_HOUSEHOLDS)
    members: Ratio = strawberry.field(description=_MEMBERS)
    active: ActiveCoverage | None = strawberry.field(description=_ACTIVE)


@strawberry.enum(description="The load of a vanguard against the norms.")
class LoadStatus(Enum):
    IDLE = strawberry.enum_value("idle", description="Links nobody (no LINKS at all).")
    OK = strawberry.enum_value("ok", description="Links someone, within twice both norms.")
    OVERLOADED = strawberry.enum_value(
        "overloaded", description="Links more than twice the members norm, or more than twice the households norm."
    )


@strawberry.type(description="One vanguard's links, and the building and grid the vanguard lives in.")
class VanguardLoad:
    vanguard: strawberry.ID = strawberry.field(description="Global ID of the vanguard member (a PartyMember).")
    local_id: str = strawberry.field(description="The vanguard's id inside the graph.")
    members: int = strawberry.field(description="Party members the vanguard LINKS (the 10 of 1+10+N).")
    households: int = strawberry.field(description="Households the vanguard LINKS (the N of 1+10+N).")
    status: LoadStatus = strawberry.field(description="The load against the norms.")
    building: strawberry.ID | None = strawberry.field(
        description="Global ID of the building the vanguard lives in; null when the residence is not recorded."
    )
    grid: strawberry.ID | None = strawberry.field(
        description="Global ID of the grid of that building; null when not known."
    )


@strawberry.enum(description="Worst first: the order of a coverage breakdown.")
class BreakdownOrder(Enum):
    LOWEST_RATE = strawberry.enum_value(
        "LOWEST_RATE", description="Lowest household coverage rate first (areas without households last)."
    )
    MOST_UNCOVERED = strawberry.enum_value("MOST_UNCOVERED", description="Most households without a vanguard first.")


@strawberry.enum(description="An area level to break coverage down by (it must lie below the area asked about).")
class AreaLevel(Enum):
    STREET = strawberry.enum_value("Street", description="街道/镇: by street (for the city only).")
    COMMUNITY = strawberry.enum_value("Community", description="社区: by community.")
    GRID = strawberry.enum_value("Grid", description="网格: by grid.")
    BUILDING = strawberry.enum_value("Building", description="楼栋/院落: by building or courtyard.")


@strawberry.type(
    description="Vanguard load against the 1+10+N norms, over the vanguards living in the area (a vanguard "
    "belongs to the area of the household they live in)."
)
class LoadSummary:
    members_norm: int = strawberry.field(description="The members norm used (the membersNorm argument).")
    households_norm: int = strawberry.field(description="The households norm N used (the householdsNorm argument).")
    vanguards: int = strawberry.field(description="Vanguards living in the area (the city: all vanguards).")
    linked_members: int = strawberry.field(description="Their LINKS to party members, summed over the vanguards.")
    linked_households: int = strawberry.field(description="Their LINKS to households, summed over the vanguards.")
    mean_members: float | None = strawberry.field(
        description="Linked members per vanguard; null when there are no vanguards."
    )
    mean_households: float | None = strawberry.field(
        description="Linked households per vanguard; null when there are no vanguards."
    )
    overloaded: list[VanguardLoad] = strawberry.field(description="The overloaded vanguards, by id.")
    idle: list[VanguardLoad] = strawberry.field(description="The idle vanguards (no LINKS), by id.")


@strawberry.type(
    description="Linkage coverage (1+10+N) of an area, broken down one level down (or by the level asked for). "
    "load, uncoveredHouseholds and details are computed only when asked for."
)
class CoverageResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    households: Ratio = strawberry.field(description=_HOUSEHOLDS)
    members: Ratio = strawberry.field(description=_MEMBERS)
    active: ActiveCoverage | None = strawberry.field(description=_ACTIVE)
    _breakdown: strawberry.Private[list[AreaCoverage]]
    _snap: strawberry.Private[_Snapshot]
    _local: strawberry.Private[str | None]
    _report: strawberry.Private[dict[str, Any]]
    _norms: strawberry.Private[tuple[int, int]]
    _info: strawberry.Private[Info]
    _load_task: strawberry.Private[asyncio.Task[dict[str, Any]] | None] = None

    @strawberry.field(
        description="The areas one level down (or at the level asked for with by), in area id order, or worst "
        "first with orderBy; first keeps that many."
    )
    def breakdown(
        self,
        first: Annotated[
            int | None, strawberry.argument(description="Keep only the first this many rows (0 or more); null: all.")
        ] = None,
        order_by: Annotated[
            BreakdownOrder | None, strawberry.argument(description="Worst first by this measure; null: by area id.")
        ] = None,
    ) -> list[AreaCoverage]:
        if first is not None and first < 0:
            raise ClientError(f"first must be 0 or more, got {first}", "BAD_USER_INPUT")
        rows = self._breakdown
        if order_by is BreakdownOrder.LOWEST_RATE:
            rows = sorted(rows, key=lambda r: (r.households.rate is None, r.households.rate or 0.0, r.area.local_id))
        elif order_by is BreakdownOrder.MOST_UNCOVERED:
            rows = sorted(rows, key=lambda r: (r.households.covered - r.households.total, r.area.local_id))
        return rows if first is None else rows[:first]

    async def _load(self) -> dict[str, Any]:
        """The vanguard load, computed once however many fields (``load``, ``details``) ask."""
        if self._load_task is None:
            members_norm, households_norm = self._norms
            self._load_task = asyncio.ensure_future(
                run(
                    self._info,
                    A.vanguard_load,
                    self._snap.graph,
                    self._local,
                    members_norm=members_norm,
                    households_norm=households_norm,
                    index=self._snap.index,
                    linkage=self._snap.linkage,
                )
            )
        return await self._load_task

    @strawberry.field(description="Vanguard load against the norms, for the vanguards living in the area.")
    async def load(self) -> LoadSummary:
        load = await self._load()
        return LoadSummary(
            members_norm=load["members_norm"],
            households_norm=load["households_norm"],
            vanguards=load["vanguards"],
            linked_members=load["linked_members"],
            linked_households=load["linked_households"],
            mean_members=load["mean_members"],
            mean_households=load["mean_households"],
            overloaded=[_vanguard_load(v) for v in load["overloaded"]],
            idle=[_vanguard_load(v) for v in load["idle"]],
        )

    @strawberry.field(description="How many households of the area no vanguard links.")
    async def uncovered_households(self) -> int:
        snap = self._snap
        rep = await run(
            self._info,
            A.uncovered_households,
            snap.graph,
            self._local,
            limit=0,
            index=snap.index,
            linkage=snap.linkage,
        )
        return int(rep["total"])

    @strawberry.field(description="The complete figures as JSON (what `civicmesh analyze coverage` prints).")
    async def details(self) -> JSON:
        return cast(JSON, {**self._report, "load": await self._load()})


def _active(d: dict[str, Any] | None) -> ActiveCoverage | None:
    if d is None:
        return None
    return ActiveCoverage(
        as_of=dt.date.fromisoformat(d["as_of"]),
        window_start=dt.date.fromisoformat(d["window_start"]),
        households=d["households"],
        rate=d["rate"],
        share_of_covered=d["share_of_covered"],
    )


def _vanguard_load(d: dict[str, Any]) -> VanguardLoad:
    return VanguardLoad(
        vanguard=gid("PartyMember", d["id"]),
        local_id=d["id"],
        members=d["members"],
        households=d["households"],
        status=LoadStatus(d["status"]),
        building=gid("Building", d["building"]) if d.get("building") else None,
        grid=gid("Grid", d["grid"]) if d.get("grid") else None,
    )


@strawberry.type(description="The coverage field of Query.")
class CoverageQuery:
    @strawberry.field(description="1+10+N linkage coverage of an area (the city when area is omitted).")
    async def coverage(
        self,
        info: Info,
        area: AreaArg = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(
                description="Also measure active coverage over the 31 days up to this day; null: active is null."
            ),
        ] = None,
        members_norm: Annotated[
            int,
            strawberry.argument(
                description="Party members a vanguard should link (about 10, the 10 of 1+10+N); load only: "
                "overloaded above twice it."
            ),
        ] = MEMBERS_NORM,
        households_norm: Annotated[
            int,
            strawberry.argument(
                description="Households a vanguard should link (N; 15 by default, the article's average is 12.5); "
                "load only: overloaded above twice it."
            ),
        ] = HOUSEHOLDS_NORM,
        by: Annotated[
            AreaLevel | None,
            strawberry.argument(
                description="Break down by this level, below the area asked about (refused otherwise); null: one "
                "level down."
            ),
        ] = None,
    ) -> CoverageResult:
        snap = await _snapshot(info)
        local = await area_in_scope(info, area)
        rep = await run(
            info,
            A.coverage,
            snap.graph,
            local,
            as_of=as_of,
            by=by.value if by is not None else None,
            index=snap.index,
            linkage=snap.linkage,
        )
        return CoverageResult(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            households=ratio(rep["households"]),
            members=ratio(rep["members"]),
            active=_active(rep["active"]),
            _breakdown=[
                AreaCoverage(
                    area=area_ref(b["area"], b["label"], b["name"]),
                    households=ratio(b["households"]),
                    members=ratio(b["members"]),
                    active=_active(b["active"]),
                )
                for b in rep["breakdown"]
            ],
            _snap=snap,
            _local=local,
            _report=rep,
            _norms=(members_norm, households_norm),
            _info=info,
        )
