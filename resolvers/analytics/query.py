"""The analytics part of ``Query``: one query class per feature, composed here."""

from __future__ import annotations

from strawberry.tools import merge_types

from resolvers.analytics.appeals import AppealsQuery
from resolvers.analytics.assessment import AssessmentQuery
from resolvers.analytics.brokerage import BrokerageQuery
from resolvers.analytics.coverage import CoverageQuery
from resolvers.analytics.plan import PlanQuery
from resolvers.analytics.reach import ReachQuery
from resolvers.analytics.structure import StructureQuery
from resolvers.analytics.workers import WorkerStatsQuery

ANALYTICS_PARTS: tuple[type, ...] = (
    CoverageQuery,
    ReachQuery,
    StructureQuery,
    BrokerageQuery,
    PlanQuery,
    AppealsQuery,
    WorkerStatsQuery,
    AssessmentQuery,
)

AnalyticsQuery = merge_types("AnalyticsQuery", ANALYTICS_PARTS)

__all__ = ["ANALYTICS_PARTS", "AnalyticsQuery"]
