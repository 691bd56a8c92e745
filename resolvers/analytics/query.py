"""The analytics part of ``Query``: one query class per feature, composed here."""

from __future__ import annotations

from strawberry.tools import merge_types

from resolvers.analytics.activities import ActivitiesQuery
from resolvers.analytics.appeals import AppealsQuery
from resolvers.analytics.assessment import AssessmentQuery
from resolvers.analytics.brokerage import BrokerageQuery
from resolvers.analytics.contact import ContactQuery
from resolvers.analytics.coverage import CoverageQuery
from resolvers.analytics.plan import PlanQuery
from resolvers.analytics.points import PointsQuery
from resolvers.analytics.reach import ReachQuery
from resolvers.analytics.registration import RegistrationQuery
from resolvers.analytics.structure import StructureQuery
from resolvers.analytics.workers import WorkerStatsQuery

ANALYTICS_PARTS: tuple[type, ...] = (
    CoverageQuery,
    ReachQuery,
    StructureQuery,
    BrokerageQuery,
    PlanQuery,
    AppealsQuery,
    ContactQuery,
    RegistrationQuery,
    ActivitiesQuery,
    PointsQuery,
    WorkerStatsQuery,
    AssessmentQuery,
)

AnalyticsQuery = merge_types("AnalyticsQuery", ANALYTICS_PARTS)

__all__ = ["ANALYTICS_PARTS", "AnalyticsQuery"]
