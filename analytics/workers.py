"""The people who work the grid: grids without a worker, instructor load, unguided property companies.

Definitions (docs/design.md 7.13, made exact here):

- A worker is *in* an area when an area it ``WORKS_IN`` is the area or lies under it (the city
  holds every worker).
- A grid *has a worker* when a Worker of role ``GRID_WORKER`` ``WORKS_IN`` it (full-time or
  not; the platforms' rule is one full-time grid worker per grid, so grids whose only grid
  workers are part-time are counted apart as ``part_time_only``).  Grids of the area are
  listed when they have none, sorted by id.
- *Instructor load*: the organizations (PartyOrganizations and AllianceMembers) an instructor
  (role ``INSTRUCTOR``) ``GUIDES``.  Overloaded above ``overload_factor * instructor_norm``
  (2 × 6 by default); idle when it guides none.  The mean is over the instructors of the area.
- A property company (an AllianceMember of kind ``PROPERTY_COMPANY``) is *guided* when an
  instructor ``GUIDES`` it or its party branch (the PartyOrganization ``BRANCH_OF`` it).  It lies
  in an area when it ``MANAGES`` a building there (the city holds every company).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import JsonResult, name_of, node_data, nodes_by_label, pred, rate, require_area, succ
from analytics.areas import AreaIndex
from graph_schema import Label, RelType, UnitKind, WorkerRole
from graph_schema.contract import INSTRUCTOR_NORM, OVERLOAD_FACTOR, check_norm

__all__ = [
    "InstructorLoad",
    "PropertyCompany",
    "WorkerlessGrid",
    "WorkersReport",
    "tiny_workers",
    "workers_report",
]

_WORKER = Label.WORKER.value
_GRID = Label.GRID.value
_UNIT = Label.ALLIANCE_MEMBER.value
_ORG = Label.PARTY_ORGANIZATION.value
_STATION = Label.GUIDANCE_STATION.value
_WORKS_IN = RelType.WORKS_IN.value
_GUIDES = RelType.GUIDES.value
_STATIONED_AT = RelType.STATIONED_AT.value
_BRANCH_OF = RelType.BRANCH_OF.value
_MANAGES = RelType.MANAGES.value
_GRID_WORKER = WorkerRole.GRID_WORKER.value
_INSTRUCTOR = WorkerRole.INSTRUCTOR.value
_PROPERTY = UnitKind.PROPERTY_COMPANY.value


@dataclass(frozen=True, slots=True)
class WorkerlessGrid(JsonResult):
    """A grid that no grid worker works in."""

    id: str
    name: str | None
    community: str | None
    households: int


@dataclass(frozen=True, slots=True)
class InstructorLoad(JsonResult):
    """One instructor's guided organizations against the norm."""

    id: str
    full_time: bool
    organizations: int
    status: Literal["idle", "ok", "overloaded"]
    station: str | None = None


@dataclass(frozen=True, slots=True)
class PropertyCompany(JsonResult):
    """A property company that no instructor guides."""

    id: str
    name: str | None
    branch: str | None
    """Its party branch (None when it has none)."""
    buildings: int
    """Buildings of the area it manages."""


@dataclass(frozen=True, slots=True)
class WorkersReport(JsonResult):
    """The workers of an area: counts by role, grids without a worker, instructor load, unguided companies."""

    area: str | None
    label: str
    """The area's label (``City`` for the city)."""
    name: str | None
    instructor_norm: int
    overload_factor: float
    by_role: dict[str, int]
    """Workers of the area per role (every role, zero included)."""
    full_time: int
    grids: int
    grids_with_worker: int
    part_time_only: int
    """Grids whose only grid workers are part-time."""
    workerless_grids: tuple[WorkerlessGrid, ...]
    instructors: int
    guided_organizations: int
    """Distinct organizations the area's instructors guide."""
    mean_organizations: float | None
    overloaded: tuple[InstructorLoad, ...]
    idle: tuple[InstructorLoad, ...]
    property_companies: int
    unguided_property_companies: tuple[PropertyCompany, ...]
    loads: tuple[InstructorLoad, ...]
    """Every instructor of the area when asked for (``include_all=True``), else empty."""


def workers_report(
    G: Any,
    area: str | None = None,
    *,
    instructor_norm: int = INSTRUCTOR_NORM,
    overload_factor: float = OVERLOAD_FACTOR,
    include_all: bool = False,
    index: AreaIndex | None = None,
) -> WorkersReport:
    """Grids without a worker, instructor load and unguided property companies in ``area``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A store's projection.
    area : str, optional
        A Street, Community, Grid or Building id; None for the city.
    instructor_norm : int
        Organizations an instructor guides (6 by default: the seed's 3,770 branches over 663
        instructors).
    overload_factor : float
        An instructor is overloaded above this multiple of the norm.
    include_all : bool
        Also list every instructor's load in ``loads``.

    Examples
    --------
    >>> G = tiny_workers()
    >>> r = workers_report(G, instructor_norm=1)
    >>> r.by_role["GRID_WORKER"], r.grids, r.grids_with_worker, [g.id for g in r.workerless_grids]
    (2, 3, 2, ['g3'])
    >>> r.part_time_only
    1
    >>> r.instructors, r.guided_organizations, r.mean_organizations
    (2, 4, 2.0)
    >>> [(x.id, x.organizations, x.status) for x in r.overloaded], [x.id for x in r.idle]
    ([('i1', 3, 'overloaded')], [])
    >>> [u.id for u in r.unguided_property_companies], r.property_companies
    (['u3'], 2)
    >>> c2 = workers_report(G, "c2")
    >>> c2.grids, [g.id for g in c2.workerless_grids], c2.instructors, c2.by_role["INSTRUCTOR"]
    (1, ['g3'], 0, 0)
    >>> [u.id for u in c2.unguided_property_companies]
    []
    """
    check_norm("instructor_norm", instructor_norm)
    check_norm("overload_factor", overload_factor)
    nodes = node_data(G)
    label = require_area(nodes, area)
    idx = index or AreaIndex.build(G)
    out, into = succ(G), pred(G)
    by_label = nodes_by_label(G)

    def places(worker: str) -> list[str]:
        return [t for t, keys in out[worker].items() if _WORKS_IN in keys and idx.label(t) is not None]

    workers = [w for w in by_label.get(_WORKER, []) if any(idx.within(a, area) for a in places(w))]
    by_role = {role.value: 0 for role in WorkerRole}
    full_time = 0
    for w in workers:
        role = str(nodes[w].get("role"))
        by_role[role] = by_role.get(role, 0) + 1
        full_time += bool(nodes[w].get("full_time"))

    grids = idx.areas_under(area, _GRID)
    workerless: list[WorkerlessGrid] = []
    part_time_only = 0
    for gid in grids:
        staff = [s for s, keys in into[gid].items() if _WORKS_IN in keys and nodes[s].get("role") == _GRID_WORKER]
        if not staff:
            workerless.append(
                WorkerlessGrid(gid, name_of(nodes[gid]), idx.path(gid).community, idx.household_count(gid))
            )
        elif not any(nodes[s].get("full_time") for s in staff):
            part_time_only += 1

    over = overload_factor * instructor_norm
    loads: list[InstructorLoad] = []
    guided: set[str] = set()
    for w in sorted(w for w in workers if nodes[w].get("role") == _INSTRUCTOR):
        orgs = [t for t, keys in out[w].items() if _GUIDES in keys and nodes[t].get("label") in (_ORG, _UNIT)]
        guided.update(orgs)
        station = next((t for t, keys in out[w].items() if _STATIONED_AT in keys), None)
        n = len(orgs)
        status: Literal["idle", "ok", "overloaded"] = "idle" if n == 0 else "overloaded" if n > over else "ok"
        loads.append(InstructorLoad(w, bool(nodes[w].get("full_time")), n, status, station))

    companies = 0
    unguided: list[PropertyCompany] = []
    for u in sorted(by_label.get(_UNIT, [])):
        if nodes[u].get("kind") != _PROPERTY:
            continue
        managed = [t for t, keys in out[u].items() if _MANAGES in keys and idx.within(t, area)]
        if area is not None and not managed:
            continue
        companies += 1
        branch = next((s for s, keys in into[u].items() if _BRANCH_OF in keys), None)
        guides = [s for s, keys in into[u].items() if _GUIDES in keys]
        if branch is not None:
            guides += [s for s, keys in into[branch].items() if _GUIDES in keys]
        if not any(nodes[s].get("role") == _INSTRUCTOR for s in guides):
            unguided.append(PropertyCompany(u, name_of(nodes[u]), branch, len(managed)))

    return WorkersReport(
        area=area,
        label=label,
        name=idx.name(area),
        instructor_norm=instructor_norm,
        overload_factor=overload_factor,
        by_role=by_role,
        full_time=full_time,
        grids=len(grids),
        grids_with_worker=len(grids) - len(workerless),
        part_time_only=part_time_only,
        workerless_grids=tuple(workerless),
        instructors=len(loads),
        guided_organizations=len(guided),
        mean_organizations=rate(sum(x.organizations for x in loads), len(loads)),
        overloaded=tuple(x for x in loads if x.status == "overloaded"),
        idle=tuple(x for x in loads if x.status == "idle"),
        property_companies=companies,
        unguided_property_companies=tuple(unguided),
        loads=tuple(loads) if include_all else (),
    )


def tiny_workers() -> Any:
    """:func:`analytics.projection.tiny_city` with workers, small enough to count by hand.

    ::

        worker  role         full  works in  guides              station
        gw1     GRID_WORKER  yes   g1        -                   -
        gw2     GRID_WORKER  no    g2        -                   -
        bh1     BUILDING_HEAD no   b1        -                   -
        i1      INSTRUCTOR   yes   st1       o_c1, o_g1, o_b1    gs1
        i2      INSTRUCTOR   no    c1        u2                  gs1

    Grid g3 has no grid worker; g2's only one is part-time.  u2 (a property company managing
    b4) is guided; u3 (another, managing b1, with branch o_u3) is not.  Station gs1 serves st1.

    >>> G = tiny_workers()
    >>> G.number_of_nodes(), G.number_of_edges()
    (39, 54)
    """
    from analytics.projection import ProjectionBuilder, tiny_city

    b = ProjectionBuilder()
    b.graph = tiny_city()
    b.node(_STATION, "gs1", name="station")
    b.rel("SERVES_AREA", "gs1", "st1")
    for wid, role, full, area in (
        ("gw1", _GRID_WORKER, True, "g1"),
        ("gw2", _GRID_WORKER, False, "g2"),
        ("bh1", WorkerRole.BUILDING_HEAD.value, False, "b1"),
        ("i1", _INSTRUCTOR, True, "st1"),
        ("i2", _INSTRUCTOR, False, "c1"),
    ):
        b.node(_WORKER, wid, role=role, full_time=full)
        b.rel(_WORKS_IN, wid, area, since="2024-01-01")
    for org in ("o_c1", "o_g1", "o_b1"):
        b.rel(_GUIDES, "i1", org)
    b.rel(_GUIDES, "i2", "u2")
    b.rel(_STATIONED_AT, "i1", "gs1").rel(_STATIONED_AT, "i2", "gs1")
    b.node(_UNIT, "u3", name="Blue Property", kind=_PROPERTY, resources=[])
    b.node(_ORG, "o_u3", name="u3 branch", level="UNIT_BRANCH", star=None)
    b.rel(_MANAGES, "u3", "b1").rel(_BRANCH_OF, "o_u3", "u3")
    return b.graph
