# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""Analytics fields: ``coverage``, ``allianceReach``, ``structure``, ``brokerage``, ``coveragePlan``.

Each takes an optional ``area`` (a global ID of a Street, Community, Grid or Building; the
city when omitted) and returns a typed result, plus ``details``: the complete JSON figures
that ``civicmesh analyze`` prints.  The figures come from the pure functions of
:mod:`analytics` over the store's projection, which is kept between requests
(:mod:`loaders.projection_cache`); the indexes built on a projection are kept with it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

import networkx as nx
import strawberry
from strawberry.scalars import JSON

import analytics as A
from graph_schema import AREA_LABELS, NotFoundError, ResourceKind, to_global_id
from graph_schema.privacy import public_tags
from graph_schema.roles import Role
from loaders.projection_cache import projection_cache
from loaders.scope import Scope
from resolvers.context import Info
from resolvers.errors import ClientError
from resolvers.node import decode_id

_AREAS = [label.value for label in AREA_LABELS]


@dataclass(slots=True)
class _Snapshot:
    graph: nx.MultiDiGraph
    index: A.AreaIndex
    linkage: A.Linkage
    model: A.ReachModel | None = None


_SNAPSHOTS: dict[int, _Snapshot] = {}


async def _snapshot(info: Info) -> _Snapshot:
    graph = await projection_cache(info.context.store).graph()
    snap = _SNAPSHOTS.get(id(graph))
    if snap is None or snap.graph is not graph:
        snap = await asyncio.to_thread(_build_snapshot, graph)
        _SNAPSHOTS.clear()  # keep only the newest projection's indexes
        _SNAPSHOTS[id(graph)] = snap
    return snap


def _build_snapshot(graph: nx.MultiDiGraph) -> _Snapshot:
    return _Snapshot(graph, A.AreaIndex.build(graph), A.Linkage.build(graph))


def _model(snap: _Snapshot) -> A.ReachModel:
    if snap.model is None:
        snap.model = A.ReachModel.build(snap.graph, snap.index)
    return snap.model


def _area(area: strawberry.ID | None) -> str | None:
    if area is None:
        return None
    return decode_id(area, expected=_AREAS, argument="area")[1]


async def _scoped_area(info: Info, area: strawberry.ID | None) -> str | None:
    """The area to analyse: as asked, inside the viewer's scope.

    A viewer bound to an area analyses that area when none is asked for, and any area of its
    subtree; an alliance unit the areas its alliances serve (named explicitly); any other
    area, existing or not, is FORBIDDEN.  Unscoped viewers analyse anything (None: the city).
    """
    local = _area(area)
    scope = await info.context.loaders.scope()
    if scope is None:
        return local
    if scope.root is not None:
        if local is None:
            return scope.root
        (inside,) = await info.context.store.get_nodes([local], scope=Scope(root=scope.root))
        if inside is not None:
            return local
    elif local is not None and info.context.viewer.role is Role.ALLIANCE_UNIT and local in scope.name_only:
        return local
    asked = f"area {area!r}" if area is not None else "the whole city"
    raise ClientError(f"{asked} lies outside what this viewer may analyse", "FORBIDDEN")


async def _run(info: Info, fn: Any, graph: nx.MultiDiGraph, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run an analysis on a worker thread (the projection is read-only); its JSON figures, with
    what lies outside the viewer's scope left out (:func:`_scrub`)."""
    try:
        result = await asyncio.to_thread(fn, graph, *args, **kwargs)
        figures: dict[str, Any] = result.to_dict()
    except NotFoundError as exc:
        raise ClientError(str(exc), "NOT_FOUND") from None
    except ValueError as exc:
        raise ClientError(str(exc), "BAD_USER_INPUT") from None
    return await _scrub(info, graph, figures)


async def _scrub(info: Info, graph: nx.MultiDiGraph, figures: dict[str, Any]) -> dict[str, Any]:
    """``figures`` without the nodes the viewer may not see.

    An analysis runs on the whole projection (a household linked from outside the area is
    still covered), so its figures may name nodes outside the viewer's scope: a unit reaching
    the area, a broker above it.  Every id of the projection named in the figures is looked
    up once through the viewer's scope; list entries naming a hidden one are left out, other
    mentions become null.  Counts and rates (aggregate figures) stay as computed.
    """
    if not info.context.viewer.sees_pii:
        figures = _public_tags(figures)
    if await info.context.loaders.scope() is None:
        return figures
    named: set[str] = set()
    _collect(figures, graph, named)
    if not named:
        return figures
    wanted = sorted(named)
    seen = await info.context.loaders.nodes.load_many(wanted)
    hidden = {i for i, n in zip(wanted, seen, strict=True) if n is None}
    return cast(dict[str, Any], _without(figures, hidden)) if hidden else figures


def _public_tags(value: Any) -> Any:
    """``value`` with every ``tags`` list stripped of the vulnerable tags (personal information)."""
    if isinstance(value, dict):
        return {k: public_tags(v) if k == "tags" else _public_tags(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_tags(v) for v in value]
    return value


def _collect(value: Any, graph: nx.MultiDiGraph, into: set[str]) -> None:
    if isinstance(value, str):
        if value in graph:
            into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, graph, into)
    elif isinstance(value, list):
        for v in value:
            _collect(v, graph, into)


def _names_hidden(value: Any, hidden: set[str]) -> bool:
    if isinstance(value, str):
        return value in hidden
    return isinstance(value, dict) and any(isinstance(v, str) and v in hidden for v in value.values())


def _without(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: None if isinstance(v, str) and v in hidden else _without(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, hidden) for v in value if not _names_hidden(v, hidden)]
    return value


# --- result types --------------------------------------------------------------------


@strawberry.type(description="A count out of a total; rate is null when the total is 0.")
class Ratio:
    total: int
    covered: int
    rate: float | None


@strawberry.type(description="An area an analysis speaks of (the city when id is null).")
class AreaRef:
    id: strawberry.ID | None
    local_id: str | None
    label: str
    name: str | None


def _ref(local: str | None, label: str, name: str | None) -> AreaRef:
    gid = strawberry.ID(to_global_id(label, local)) if local else None
    return AreaRef(id=gid, local_id=local, label=label, name=name)


def _ratio(d: dict[str, Any], covered_key: str = "covered") -> Ratio:
    return Ratio(total=int(d["total"]), covered=int(d[covered_key]), rate=d["rate"])


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
    _info: strawberry.Private[Info]
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
                _run(
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
        rep = await _run(
            self._info, A.uncovered_households, snap.graph, self._local, limit=0, index=snap.index, linkage=snap.linkage
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
        vanguard=strawberry.ID(to_global_id("PartyMember", d["id"])),
        local_id=d["id"],
        members=d["members"],
        households=d["households"],
        status=LoadStatus(d["status"]),
        building=_gid("Building", d["building"]) if d.get("building") else None,
        grid=_gid("Grid", d["grid"]) if d.get("grid") else None,
    )


@strawberry.type(description="How many households one alliance member unit reaches.")
class UnitReach:
    unit: strawberry.ID
    local_id: str
    name: str | None
    kind: str | None
    resources: list[str]
    households: int


@strawberry.type(description="Households reached by at least one unit offering a resource kind.")
class ResourceReach:
    resource: str
    units: int
    households: Ratio


@strawberry.type(description="Greedy expansion: the next join or served area and what it adds.")
class ExpansionStep:
    action: str
    unit: str | None
    alliance: str | None
    area: str | None
    gain: int
    reached: int


@strawberry.enum(description="Why an expansion plan has no steps.")
class ExpansionEmpty(Enum):
    NO_UNIT_OFFERS_RESOURCE = "NO_UNIT_OFFERS_RESOURCE"
    ALL_REACHED = "ALL_REACHED"
    NO_CANDIDATE_REACHES_MORE = "NO_CANDIDATE_REACHES_MORE"


@strawberry.type(description="Alliance resource reach of an area.")
class ReachResult:
    area: AreaRef
    households: Ratio
    units: list[UnitReach]
    resources: list[ResourceReach]
    expansion: list[ExpansionStep]
    expansion_empty_because: ExpansionEmpty | None = strawberry.field(
        description="Why the expansion has no steps (null when it has some, or when k = 0)."
    )
    details: JSON


@strawberry.type(description="Structure completeness of an area (grids, buildings, communities, star ratings).")
class StructureResult:
    area: AreaRef
    grids: int
    grids_with_branch_rate: float | None
    buildings: int
    buildings_with_group_rate: float | None
    communities: int
    communities_with_alliance_rate: float | None
    grids_off_norm: int
    details: JSON


@strawberry.type
class Broker:
    node: strawberry.ID
    label: str
    name: str | None
    betweenness: float
    degree: int


@strawberry.type
class ArticulationPoint:
    node: strawberry.ID
    label: str
    name: str | None
    pieces: int
    households_disconnected: int
    households_unreached: int


@strawberry.type(description="Brokers (sampled betweenness) and articulation points of the organization graph.")
class BrokerageResult:
    area: AreaRef
    brokers: list[Broker]
    articulation_points: list[ArticulationPoint]
    details: JSON


@strawberry.type
class PlannedLink:
    household: strawberry.ID
    vanguard: strawberry.ID
    same_building: bool


@strawberry.type(description="One grid of a coverage plan, over the households of the plan's area in it.")
class GridPlan:
    grid: AreaRef
    before: Ratio
    after: Ratio
    assigned: int
    same_building: int
    spare_capacity: int = strawberry.field(description="Of the vanguards living in the grid, before the plan.")
    left_uncovered: int = strawberry.field(description="Households no vanguard of the grid can take.")
    vanguards_needed: int = strawberry.field(
        description="New vanguards (at householdsNorm households each) it would take to cover what is left."
    )


@strawberry.type(description="Uncovered households assigned to vanguards with spare capacity (min-cost flow).")
class CoveragePlanResult:
    area: AreaRef
    before: Ratio
    after: Ratio
    assigned: int
    same_building: int
    unassigned: int
    without_grid: int = strawberry.field(description="Uncovered households in no building or in no grid.")
    grids: list[GridPlan] = strawberry.field(description="Per grid with households in the area, by grid id.")
    assignments: list[PlannedLink]
    details: JSON


def _json(value: dict[str, Any]) -> Any:
    return value


def _gid(label: str, local: str) -> strawberry.ID:
    return strawberry.ID(to_global_id(label, local))


@strawberry.type
class AnalyticsQuery:
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
        local = await _scoped_area(info, area)
        rep = await _run(
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
            area=_ref(rep["area"], rep["label"], rep["name"]),
            households=_ratio(rep["households"]),
            members=_ratio(rep["members"]),
            active=_active(rep["active"]),
            _breakdown=[
                AreaCoverage(
                    area=_ref(b["area"], b["label"], b["name"]),
                    households=_ratio(b["households"]),
                    members=_ratio(b["members"]),
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

    @strawberry.field(description="Alliance resource reach of an area, with a greedy expansion of k steps.")
    async def alliance_reach(
        self,
        info: Info,
        area: strawberry.ID | None = None,
        k: int = 0,
        resource: ResourceKind | None = None,
    ) -> ReachResult:
        if not 0 <= k <= 100:
            raise ClientError(f"k must be between 0 and 100, got {k}", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = await _scoped_area(info, area)
        model = await asyncio.to_thread(_model, snap)
        rep = await _run(info, A.reach, snap.graph, local, index=snap.index, model=model)
        steps: list[dict[str, Any]] = []
        plan: dict[str, Any] | None = None
        if k:
            res = resource.value if resource is not None else None
            plan = await _run(
                info, A.expansion_plan, snap.graph, k, area=local, resource=res, index=snap.index, model=model
            )
            steps = plan["steps"]
        return ReachResult(
            area=_ref(rep["area"], rep["label"], rep["name"]),
            households=_ratio(rep["households"], "reached"),
            units=[
                UnitReach(
                    unit=_gid("AllianceMember", u["id"]),
                    local_id=u["id"],
                    name=u.get("name"),
                    kind=u.get("kind"),
                    resources=list(u.get("resources") or []),
                    households=u["households"],
                )
                for u in rep["units"]
            ],
            resources=[
                ResourceReach(resource=r["resource"], units=r["units"], households=_ratio(r["households"], "reached"))
                for r in rep["resources"]
            ],
            expansion=[
                ExpansionStep(
                    action=s["action"],
                    unit=s.get("unit"),
                    alliance=s.get("alliance"),
                    area=s.get("area"),
                    gain=s["gain"],
                    reached=s["reached"],
                )
                for s in steps
            ],
            expansion_empty_because=ExpansionEmpty(plan["why_empty"]) if plan and plan["why_empty"] else None,
            details=_json({**rep, "expansion": plan}),
        )

    @strawberry.field(description="Structure completeness: branches on grids, groups in buildings, alliances.")
    async def structure(self, info: Info, area: strawberry.ID | None = None) -> StructureResult:
        snap = await _snapshot(info)
        rep = await _run(info, A.structure, snap.graph, await _scoped_area(info, area), index=snap.index)
        return StructureResult(
            area=_ref(rep["area"], rep["label"], rep["name"]),
            grids=rep["grids"],
            grids_with_branch_rate=rep["grids_with_branch_rate"],
            buildings=rep["buildings"],
            buildings_with_group_rate=rep["buildings_with_group_rate"],
            communities=rep["communities"],
            communities_with_alliance_rate=rep["communities_with_alliance_rate"],
            grids_off_norm=len(rep["grids_off_norm"]),
            details=_json(rep),
        )

    @strawberry.field(description="Brokers and articulation points of the organization-level graph (seeded sample).")
    async def brokerage(
        self, info: Info, area: strawberry.ID | None = None, top: int = 10, k: int = 256, seed: int = 0
    ) -> BrokerageResult:
        if not 1 <= top <= 100 or not 1 <= k <= 4096:
            raise ClientError("top must be 1-100 and k 1-4096", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = await _scoped_area(info, area)
        rep = await _run(
            info,
            A.brokerage,
            snap.graph,
            local,
            top=top,
            k=k,
            seed=seed,
            index=snap.index,
            model=await asyncio.to_thread(_model, snap),
        )
        return BrokerageResult(
            area=_ref(local, snap.graph.nodes[local]["label"] if local else "City", None),
            brokers=[
                Broker(
                    node=_gid(b["label"], b["id"]),
                    label=b["label"],
                    name=b.get("name"),
                    betweenness=b["betweenness"],
                    degree=b["degree"],
                )
                for b in rep["brokers"]
            ],
            articulation_points=[
                ArticulationPoint(
                    node=_gid(p["label"], p["id"]),
                    label=p["label"],
                    name=p.get("name"),
                    pieces=p["pieces"],
                    households_disconnected=p["households_disconnected"],
                    households_unreached=p["households_unreached"],
                )
                for p in rep["articulation_points"][:top]
            ],
            details=_json(rep),
        )

    @strawberry.field(description="A plan assigning uncovered households to vanguards with spare capacity.")
    async def coverage_plan(
        self, info: Info, area: strawberry.ID | None = None, households_norm: int = 15
    ) -> CoveragePlanResult:
        snap = await _snapshot(info)
        local = await _scoped_area(info, area)
        rep = await _run(
            info,
            A.coverage_plan,
            snap.graph,
            local,
            households_norm=households_norm,
            index=snap.index,
            linkage=snap.linkage,
        )
        return CoveragePlanResult(
            area=_ref(local, snap.graph.nodes[local]["label"] if local else "City", None),
            before=_ratio(rep["before"]),
            after=_ratio(rep["after"]),
            assigned=rep["assigned"],
            same_building=rep["same_building"],
            unassigned=len(rep["unassigned"]),
            without_grid=rep["without_grid"],
            grids=[
                GridPlan(
                    grid=_ref(g["grid"], "Grid", g["name"]),
                    before=Ratio(total=g["households"], covered=g["covered_before"], rate=g["rate_before"]),
                    after=Ratio(total=g["households"], covered=g["covered_after"], rate=g["rate_after"]),
                    assigned=g["assigned"],
                    same_building=g["same_building"],
                    spare_capacity=g["spare_capacity"],
                    left_uncovered=g["left_uncovered"],
                    vanguards_needed=g["vanguards_needed"],
                )
                for g in rep["grids"]
            ],
            assignments=[
                PlannedLink(
                    household=_gid("Household", a["household"]),
                    vanguard=_gid("PartyMember", a["vanguard"]),
                    same_building=a["same_building"],
                )
                for a in rep["assignments"]
            ],
            details=_json(rep),
        )
