"""The civicmesh domain model: labels, relationship types, properties, validation, IDs, DDL.

Imports neither strawberry nor neo4j; does no I/O.
"""

from graph_schema.contract import (
    AREA_LABELS,
    HIERARCHY,
    NODE_SPECS,
    PII_FIELDS,
    REL_SPECS,
    WITHIN_VIA,
    BuildingKind,
    Gender,
    GridKind,
    HouseholdTag,
    Label,
    MemberKind,
    NodeSpec,
    OrgLevel,
    Prop,
    RelSpec,
    RelType,
    ResourceKind,
    Star,
    UnitKind,
    rel_key,
)
from graph_schema.ids import from_global_id, to_global_id
from graph_schema.records import Node, NotFoundError, Problem, Relationship, RelRef, ValidationError
from graph_schema.validation import Existing, WriteBatch, node_problems, relationship_problems, validate_batch

__all__ = [
    "AREA_LABELS",
    "HIERARCHY",
    "NODE_SPECS",
    "PII_FIELDS",
    "REL_SPECS",
    "WITHIN_VIA",
    "BuildingKind",
    "Existing",
    "Gender",
    "GridKind",
    "HouseholdTag",
    "Label",
    "MemberKind",
    "Node",
    "NodeSpec",
    "NotFoundError",
    "OrgLevel",
    "Problem",
    "Prop",
    "RelRef",
    "RelSpec",
    "RelType",
    "Relationship",
    "ResourceKind",
    "Star",
    "UnitKind",
    "ValidationError",
    "WriteBatch",
    "from_global_id",
    "node_problems",
    "rel_key",
    "relationship_problems",
    "to_global_id",
    "validate_batch",
]
