"""The assessment enum of the contract as a GraphQL enum, each value described with its Chinese term first."""

from __future__ import annotations

from graph_schema.contract import ENUM_ZH, AssessmentKind
from resolvers.enums import graphql_enum

_ENGLISH = {
    "SELF": "the branch's own check, the first screening of a round (least authoritative).",
    "SECOND": "the second screening, by the organization the branch reports to.",
    "CROSS": "a cross-check by another street's organizations.",
    "SPOT": "a spot-check by the organization department (most authoritative).",
}

graphql_enum(
    AssessmentKind,
    "Which check of a 双强双优 round an assessment is (考核方式), from least to most authoritative.",
    {name: f"{zh}: {_ENGLISH[name]}" for name, zh in ENUM_ZH["AssessmentKind"].items()},
)

__all__ = ["AssessmentKind"]
