"""civicmesh analytics: pure functions over a store's networkx projection.

Nothing here touches a database: every function takes the graph a store's ``project()``
returns (nodes keyed by id with ``label`` and non-PII properties, edges keyed by
``graph_schema.rel_key`` with ``type``), plus an optional ``area`` id (None: the city), and
returns a frozen dataclass whose ``to_dict()`` is JSON-ready.

Running several analyses on one graph?  Build the shared indexes once and pass them in; an
:class:`AnalyticsSession` builds each of them on first use::

    s = AnalyticsSession(G)
    coverage(G, "grid-1", index=s.index, linkage=s.linkage)
    reach(G, "grid-1", index=s.index, model=s.model)
    appeal_stats(G, "grid-1", date_from="2026-01-01", date_to="2026-12-31", appeals=s.appeals, model=s.model)
"""

from analytics._common import CITY, Cancelled, Ratio, checkpoint, to_jsonable
from analytics.appeals import (
    AppealIndex,
    AppealStats,
    AreaAppeals,
    HandlerPerformance,
    HotSpot,
    MonthAppeals,
    ResolveTime,
    RoundtableEffect,
    UnitAppealReach,
    appeal_stats,
)
from analytics.areas import AreaIndex, AreaPath
from analytics.brokerage import (
    ArticulationPoint,
    Broker,
    BrokerageReport,
    brokerage,
    organization_graph,
    sampled_betweenness,
    split_weights,
)
from analytics.coverage import (
    ACTIVE_WINDOW_DAYS,
    ActiveCoverage,
    AreaCoverage,
    CoverageReport,
    Linkage,
    LoadReport,
    UncoveredHousehold,
    UncoveredReport,
    VanguardLoad,
    coverage,
    uncovered_households,
    vanguard_load,
)
from analytics.greedy import GreedyStep, lazy_greedy, naive_greedy
from analytics.plan import Assignment, CoveragePlan, GridPlan, coverage_plan
from analytics.projection import ProjectionBuilder, tiny_appeals, tiny_city, tiny_work
from analytics.reach import (
    AreaReach,
    ExpansionPlan,
    ExpansionStep,
    Join,
    OverlapReport,
    Reached,
    ReachModel,
    ReachReport,
    ResourceReach,
    Serve,
    UnitInfo,
    UnitOverlap,
    UnitReach,
    UnreachedReport,
    expansion_plan,
    reach,
    reach_overlap,
    unreached_households,
)
from analytics.session import AnalyticsSession
from analytics.structure import GridSize, StarSpread, StructureReport, organization_areas, structure
from analytics.work import (
    ActivityReport,
    ContactReport,
    PointsReport,
    RegistrationPlan,
    RegistrationReport,
    WorkIndex,
    activity_stats,
    monthly_contact,
    points_stats,
    registration,
    registration_plan,
)
from analytics.workers import (
    InstructorLoad,
    PropertyCompany,
    WorkerlessGrid,
    WorkersReport,
    workers_report,
)

__all__ = [
    "ACTIVE_WINDOW_DAYS",
    "CITY",
    "ActiveCoverage",
    "ActivityReport",
    "AnalyticsSession",
    "AppealIndex",
    "AppealStats",
    "AreaAppeals",
    "AreaCoverage",
    "AreaIndex",
    "AreaPath",
    "AreaReach",
    "ArticulationPoint",
    "Assignment",
    "Broker",
    "BrokerageReport",
    "Cancelled",
    "ContactReport",
    "CoveragePlan",
    "CoverageReport",
    "ExpansionPlan",
    "ExpansionStep",
    "GreedyStep",
    "GridPlan",
    "GridSize",
    "HandlerPerformance",
    "HotSpot",
    "InstructorLoad",
    "Join",
    "Linkage",
    "LoadReport",
    "MonthAppeals",
    "OverlapReport",
    "PointsReport",
    "ProjectionBuilder",
    "PropertyCompany",
    "Ratio",
    "ReachModel",
    "ReachReport",
    "Reached",
    "RegistrationPlan",
    "RegistrationReport",
    "ResolveTime",
    "ResourceReach",
    "RoundtableEffect",
    "Serve",
    "StarSpread",
    "StructureReport",
    "UncoveredHousehold",
    "UncoveredReport",
    "UnitAppealReach",
    "UnitInfo",
    "UnitOverlap",
    "UnitReach",
    "UnreachedReport",
    "VanguardLoad",
    "WorkIndex",
    "WorkerlessGrid",
    "WorkersReport",
    "activity_stats",
    "appeal_stats",
    "brokerage",
    "checkpoint",
    "coverage",
    "coverage_plan",
    "expansion_plan",
    "lazy_greedy",
    "monthly_contact",
    "naive_greedy",
    "organization_areas",
    "organization_graph",
    "points_stats",
    "reach",
    "reach_overlap",
    "registration",
    "registration_plan",
    "sampled_betweenness",
    "split_weights",
    "structure",
    "tiny_appeals",
    "tiny_city",
    "tiny_work",
    "to_jsonable",
    "uncovered_households",
    "unreached_households",
    "vanguard_load",
    "workers_report",
]
