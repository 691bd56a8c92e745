# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``coverage``: 1+10+N linkage coverage of an area, its breakdown and the vanguards' load."""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaRef, Ratio, area_id, area_ref, gid, ratio, run
from resolvers.analytics.snapshot import _Snapshot, _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError


@strawberry.type(description="Covered households visited in the 31 days up to asOf (monthly contact).")
class ActiveCoverage:
    as_of: dt.date
    window_start: dt.date
    households: int
    rate: float | None
    share_of_covered: float | None


@strawberry.type(description="1+10+N coverage of one area.")
class AreaCoverage:
    area: AreaRef
    households: Ratio
    members: Ratio
    active: ActiveCoverage | None


@strawberry.enum(description="The load of a vanguard against the norms.")
class LoadStatus(Enum):
    IDLE = "idle"
    OK = "ok"
    OVERLOADED = "overloaded"


@strawberry.type(description="One vanguard's links, and the building and grid the vanguard lives in.")
class VanguardLoad:
    vanguard: strawberry.ID
    local_id: str
    members: int
    households: int
    status: LoadStatus
    building: strawberry.ID | None
    grid: strawberry.ID | None


@strawberry.enum(description="Worst first: the order of a coverage breakdown.")
class BreakdownOrder(Enum):
    LOWEST_RATE = strawberry.enum_value(
        "LOWEST_RATE", description="Lowest household coverage rate first (areas without households last)."
    )
    MOST_UNCOVERED = strawberry.enum_value("MOST_UNCOVERED", description="Most households without a vanguard first.")


@strawberry.enum(description="An area level to break coverage down by (it must lie below the area asked about).")
class AreaLevel(Enum):
    STREET = "Street"
    COMMUNITY = "Community"
    GRID = "Grid"
    BUILDING = "Building"


@strawberry.type(description="Vanguard load against the norms (about 10 members and N households).")
class LoadSummary:
    members_norm: int
    households_norm: int
    vanguards: int
    linked_members: int
    linked_households: int
    mean_members: float | None
    mean_households: float | None
    overloaded: list[VanguardLoad]
    idle: list[VanguardLoad]


@strawberry.type(
    description="Linkage coverage (1+10+N) of an area, broken down one level down (or by the level asked for). "
    "load, uncoveredHouseholds and details are computed only when asked for."
)
class CoverageResult:
    area: AreaRef
    households: Ratio
    members: Ratio
    active: ActiveCoverage | None
    _breakdown: strawberry.Private[list[AreaCoverage]]
    _snap: strawberry.Private[_Snapshot]
    _local: strawberry.Private[str | None]
    _report: strawberry.Private[dict[str, Any]]
    _norms: strawberry.Private[tuple[int, int]]
    _load_task: strawberry.Private[asyncio.Task[dict[str, Any]] | None] = None

    @strawberry.field(
        description="The areas one level down (or at the level asked for with by), in area id order, or worst "
        "first with orderBy; first keeps that many."
    )
    def breakdown(self, first: int | None = None, order_by: BreakdownOrder | None = None) -> list[AreaCoverage]:
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
            A.uncovered_households, snap.graph, self._local, limit=0, index=snap.index, linkage=snap.linkage
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


@strawberry.type
class CoverageQuery:
    @strawberry.field(description="1+10+N linkage coverage of an area (the city when area is omitted).")
    async def coverage(
        self,
        info: Info,
        area: strawberry.ID | None = None,
        as_of: dt.date | None = None,
        members_norm: int = 10,
        households_norm: int = 15,
        by: AreaLevel | None = None,
    ) -> CoverageResult:
        snap = await _snapshot(info)
        local = area_id(area)
        rep = await run(
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
        )
