"""The secretary-project enums of the contract as GraphQL enums, each value described with its
Chinese term first (``graph_schema.ENUM_ZH``), then in English."""

from __future__ import annotations

from graph_schema.contract import ProjectCategory, ProjectStage
from resolvers.enums import graphql_enum, zh_values

_ENGLISH: dict[str, dict[str, str]] = {
    "ProjectCategory": {
        "ESTATE_MANAGEMENT": "estate management (小区管理, one of the article's examples).",
        "SAFETY": "safety (平安创建, one of the article's examples).",
        "ENVIRONMENT": "the environment (环境保护, one of the article's examples).",
        "OLD_ESTATE_RENOVATION": "renovating old estates and back lanes.",
        "PARKING": "parking.",
        "ELDERLY_CARE": "care of the elderly.",
        "CIVILITY": "civility campaigns.",
        "LEGAL_AWARENESS": "legal awareness.",
        "DISPUTE_MEDIATION": "mediating disputes.",
        "EMPLOYMENT": "help finding work.",
    },
    "ProjectStage": {
        "PROPOSED": "proposed by the organization (组织发起).",
        "LED": "taken on by leading members (党员领办).",
        "IN_PROGRESS": "under way with residents taking part (群众参与).",
        "REVIEWED": "reviewed by the residents, with a score (居民评议).",
    },
}


graphql_enum(
    ProjectCategory,
    "The 10 kinds of secretary project (书记项目类别); the article names the first three.",
    zh_values("ProjectCategory", _ENGLISH["ProjectCategory"]),
)
graphql_enum(
    ProjectStage,
    "Where a secretary project stands, in the order 组织发起、党员领办、群众参与、居民评议.",
    zh_values("ProjectStage", _ENGLISH["ProjectStage"]),
)

__all__ = ["ProjectCategory", "ProjectStage"]
