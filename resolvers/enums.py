# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The contract's enums as GraphQL enums (the same Python classes, so values pass through)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_schema import (
    BuildingKind,
    Gender,
    GridKind,
    HouseholdTag,
    Label,
    MemberKind,
    OrgLevel,
    RelType,
    ResourceKind,
    Star,
    UnitKind,
)

strawberry.enum(GridKind, description="Grid types merged into the one network (一张网).")
strawberry.enum(BuildingKind, description="A building (楼栋) or a courtyard (院落).")
strawberry.enum(HouseholdTag, description="Tags of a household (流动人口, 独居老人, 重点人群, …).")
strawberry.enum(OrgLevel, description="Level of a party organization.")
strawberry.enum(Star, description='Star rating of a branch ("双强双优").')
strawberry.enum(MemberKind, description="Kind of party member.")
strawberry.enum(Gender)
strawberry.enum(UnitKind, description="Kind of alliance member unit.")
strawberry.enum(ResourceKind, description="Resources an alliance member unit brings.")
strawberry.enum(Label, name="NodeLabel", description="Node labels; GraphQL type names equal them.")
strawberry.enum(RelType, name="RelationshipType", description="Relationship types of the data contract.")


@strawberry.enum(description="What a listing is sorted by (id is always the final tie-break).")
class OrderField(Enum):
    ID = "id"
    NAME = "name"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


__all__ = [
    "BuildingKind",
    "Gender",
    "GridKind",
    "HouseholdTag",
    "Label",
    "MemberKind",
    "OrderDirection",
    "OrderField",
    "OrgLevel",
    "RelType",
    "ResourceKind",
    "Star",
    "UnitKind",
]
