"""Neo4j constraints and indexes, as idempotent Cypher DDL applied at start-up.

Every node also carries the label ``Entity``: its uniqueness constraint makes ``id``
unique across the whole graph and gives one index for look-ups by id alone.
"""

from __future__ import annotations

from typing import Final

from graph_schema.contract import NODE_SPECS, Label

ENTITY: Final = "Entity"

CONSTRAINTS: Final[tuple[str, ...]] = (
    f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
)

TEXT_NAME_LABELS: Final[tuple[str, ...]] = (Label.HOUSEHOLD.value, Label.PARTY_MEMBER.value, Label.BUILDING.value)
"""Labels with a TEXT index of their own on ``name`` (beside ``Entity``'s): the labels with thousands
of nodes that are listed by a name filter.  A listing of households whose name contains 花园 reads
19,640 index entries instead of 20,710 label checks and name reads more (39k db hits instead of
62k: half the time); see docs/design.md 13, "Point reads and the text filter"."""

INDEXES: Final[tuple[str, ...]] = (
    f"CREATE TEXT INDEX entity_name IF NOT EXISTS FOR (n:{ENTITY}) ON (n.name)",
    *(
        f"CREATE RANGE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)"
        for label in Label
        if "name" in NODE_SPECS[label].props
    ),
    "CREATE RANGE INDEX community_code IF NOT EXISTS FOR (n:Community) ON (n.code)",
    "CREATE RANGE INDEX street_code IF NOT EXISTS FOR (n:Street) ON (n.code)",
    "CREATE RANGE INDEX org_level IF NOT EXISTS FOR (n:PartyOrganization) ON (n.level)",
    "CREATE RANGE INDEX member_vanguard IF NOT EXISTS FOR (n:PartyMember) ON (n.vanguard)",
    "CREATE RANGE INDEX unit_kind IF NOT EXISTS FOR (n:AllianceMember) ON (n.kind)",
    # the appeal queue: by status (open ones), by due date (overdue ones), by report date (a period)
    "CREATE RANGE INDEX appeal_status IF NOT EXISTS FOR (n:Appeal) ON (n.status)",
    "CREATE RANGE INDEX appeal_due IF NOT EXISTS FOR (n:Appeal) ON (n.due)",
    "CREATE RANGE INDEX appeal_reported_on IF NOT EXISTS FOR (n:Appeal) ON (n.reported_on)",
    "CREATE RANGE INDEX appeal_status_due IF NOT EXISTS FOR (n:Appeal) ON (n.status, n.due)",
    "CREATE RANGE INDEX activity_on IF NOT EXISTS FOR (n:Activity) ON (n.on)",
    "CREATE RANGE INDEX activity_kind IF NOT EXISTS FOR (n:Activity) ON (n.kind)",
    "CREATE RANGE INDEX secretary_project_stage IF NOT EXISTS FOR (n:SecretaryProject) ON (n.stage)",
    *(
        f"CREATE TEXT INDEX {label.lower()}_name_text IF NOT EXISTS FOR (n:{label}) ON (n.name)"
        for label in TEXT_NAME_LABELS
    ),
)

DDL: Final[tuple[str, ...]] = CONSTRAINTS + INDEXES
