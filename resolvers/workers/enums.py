"""The GraphQL enum of a worker's role, with the Chinese term of each value."""

from __future__ import annotations

from graph_schema import WorkerRole
from resolvers.enums import graphql_enum

graphql_enum(
    WorkerRole,
    "What a person who works the grid (工作人员) does.",
    {
        "GRID_WORKER": "网格员: a grid worker, one full-time per grid on the grid platforms.",
        "BUILDING_HEAD": "楼栋长: a building head, usually part-time.",
        "INSTRUCTOR": "党建指导员: a party-building instructor who guides organizations (full-time or part-time), "
        "stationed at a guidance station.",
        "SOCIAL_WORKER": "社区工作者: a community (social) worker.",
    },
)

__all__ = ["WorkerRole"]
