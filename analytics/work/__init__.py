"""The monthly work (月联, 三报到, activities, 书记项目, 积分): pure analyses over a projection.

Where things are: ``index`` (:class:`WorkIndex`, the activities, visits, registrations,
points and projects of a projection, read once; an :class:`~analytics.session.AnalyticsSession`
keeps it as ``session.work``), ``contact`` (:func:`monthly_contact`), ``registration``
(:func:`registration`, and the coverage-plan option :func:`registration_plan`), ``activities``
(:func:`activity_stats`, with the secretary projects) and ``points`` (:func:`points_stats`).
The definitions are in each module and in docs/design.md 7.15.
"""

from analytics.work.activities import (
    PROJECT_STAGES,
    STALLED_AFTER_DAYS,
    ActivityReport,
    CategoryProjects,
    HolderActivities,
    MonthActivities,
    ProjectRow,
    Served,
    activity_stats,
)
from analytics.work.contact import (
    AreaContact,
    ContactMonth,
    ContactReport,
    MonthContact,
    VanguardContact,
    monthly_contact,
    vanguard_contact,
)
from analytics.work.index import MONTHLY_CONTACT, Activity, Earned, Project, WorkIndex, Workplace, months
from analytics.work.points import LEADERBOARD_TOP, BranchBoard, MemberPoints, PointsReport, points_stats
from analytics.work.registration import (
    CANDIDATE_CAPACITY,
    CommunityRegistration,
    RegistrationPlan,
    RegistrationReport,
    Share,
    UnitRegistration,
    Unregistered,
    candidate_vanguards,
    registration,
    registration_plan,
)

__all__ = [
    "CANDIDATE_CAPACITY",
    "LEADERBOARD_TOP",
    "MONTHLY_CONTACT",
    "PROJECT_STAGES",
    "STALLED_AFTER_DAYS",
    "Activity",
    "ActivityReport",
    "AreaContact",
    "BranchBoard",
    "CategoryProjects",
    "CommunityRegistration",
    "ContactMonth",
    "ContactReport",
    "Earned",
    "HolderActivities",
    "MemberPoints",
    "MonthActivities",
    "MonthContact",
    "PointsReport",
    "Project",
    "ProjectRow",
    "RegistrationPlan",
    "RegistrationReport",
    "Served",
    "Share",
    "UnitRegistration",
    "Unregistered",
    "VanguardContact",
    "WorkIndex",
    "Workplace",
    "activity_stats",
    "candidate_vanguards",
    "monthly_contact",
    "months",
    "points_stats",
    "registration",
    "registration_plan",
    "vanguard_contact",
]
