"""The words of ``civicmesh analyze``: area levels, the projection each analysis reads, errors.

The norms the commands default to (10 members, N = 15 households, overloaded above 2x, 300
households a grid, ±50%) are :mod:`graph_schema.contract`'s.
"""

from __future__ import annotations

from graph_schema import AREA_LABELS as _AREA_LABELS

AREA_LABELS: tuple[str, ...] = tuple(label.value for label in _AREA_LABELS)
"""Area labels from the top down: Street, Community, Grid, Building."""

LEVELS: dict[str, str] = {"street": "Street", "community": "Community", "grid": "Grid", "building": "Building"}
"""``--by`` values and the area label each stands for."""

LABEL_NAMES: dict[str, str] = {
    "Street": "street (街道/镇)",
    "Community": "community (社区)",
    "Grid": "grid (网格)",
    "Building": "building (楼栋/院落)",
    "Household": "household (户)",
    "PartyOrganization": "party organization (党组织)",
    "PartyMember": "party member (党员)",
    "VanguardStation": "vanguard station (先锋驿站)",
    "Alliance": "alliance (党建联盟)",
    "AllianceMember": "alliance member unit (联盟成员单位)",
    "Appeal": "appeal (诉求)",
    "Activity": "activity (活动/会议)",
    "Worker": "worker (工作人员)",
    "GuidanceStation": "guidance station (基层党建工作指导站)",
}

_AREAS_AND_HOUSEHOLDS = (*AREA_LABELS, "Household")
PROJECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "coverage": ((*_AREAS_AND_HOUSEHOLDS, "PartyMember"), ("PART_OF", "LIVES_IN", "LINKS", "VISITED")),
    "reach": ((*_AREAS_AND_HOUSEHOLDS, "Alliance", "AllianceMember"), ("PART_OF", "JOINED", "SERVES", "MANAGES")),
    "structure": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "Alliance", "Assessment", "VanguardStation"),
        ("PART_OF", "GOVERNS", "REPORTS_TO", "SERVES", "ASSESSES", "LOCATED_IN", "ATTACHED_TO"),
    ),
    "assessment": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "Assessment", "Worker"),
        ("PART_OF", "GOVERNS", "REPORTS_TO", "ASSESSES", "ASSESSED_BY"),
    ),
    "brokerage": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "Alliance", "AllianceMember"),
        ("PART_OF", "REPORTS_TO", "GOVERNS", "BRANCH_OF", "LED_BY", "SERVES", "JOINED", "MANAGES"),
    ),
    "appeals": (
        (
            *_AREAS_AND_HOUSEHOLDS,
            "PartyMember",
            "PartyOrganization",
            "Alliance",
            "AllianceMember",
            "Appeal",
            "Activity",
        ),
        ("PART_OF", "LIVES_IN", "CONCERNS", "RAISED_BY", "ASSIGNED_TO", "DISCUSSED", "JOINED", "SERVES", "MANAGES"),
    ),
    "work": (
        (
            *_AREAS_AND_HOUSEHOLDS,
            "PartyMember",
            "PartyOrganization",
            "Alliance",
            "AllianceMember",
            "Activity",
            "SecretaryProject",
            "Appeal",
        ),
        (
            "PART_OF",
            "LIVES_IN",
            "LINKS",
            "VISITED",
            "MEMBER_OF",
            "BRANCH_OF",
            "REPORTED_TO",
            "HELD_BY",
            "HELD_IN",
            "ATTENDED",
            "SERVED",
            "ADVANCES",
            "LED_BY",
            "LEADS",
            "EARNED",
            "ASSIGNED_TO",
            "CONCERNS",
        ),
    ),
    "workers": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "AllianceMember", "Worker", "GuidanceStation"),
        ("PART_OF", "WORKS_IN", "GUIDES", "STATIONED_AT", "BRANCH_OF", "MANAGES"),
    ),
}
"""The labels and relationship types each family of analyses reads (the projection asked of the store).

``coverage`` serves coverage, load, uncovered and plan; ``reach`` serves reach and expansion;
``work`` (contact, registration, activities, points) reads the activities with who held,
attended and was served by them, visits, registrations, workplaces, points, projects and the
appeals assigned to members; ``appeals`` reads the appeals with what they concern, who raised
and handles them, the roundtables that discussed them, and what the units' structural reach
needs; ``structure`` and ``assessment`` read the assessments, so that a branch shows its final
result as its star.
The contract tests check that each gives the same answers as the whole graph.
"""

ANALYSES: dict[str, str] = {
    "coverage": "coverage",
    "load": "coverage",
    "uncovered": "coverage",
    "plan": "coverage",
    "reach": "reach",
    "expansion": "reach",
    "structure": "structure",
    "brokerage": "brokerage",
    "appeals": "appeals",
    "contact": "work",
    "registration": "work",
    "activities": "work",
    "points": "work",
    "workers": "workers",
    "assessment": "assessment",
}
"""Each ``analyze`` sub-command and the projection it needs."""

APPEAL_ORDERS: tuple[str, ...] = ("resolved", "responded", "on_time", "satisfied", "overdue", "id")
"""``analyze appeals --sort``: :data:`analytics.appeals.ORDERS` (named here so that the parser needs no analytics)."""

RESPOND_WITHIN_DAYS = 1
"""``analyze appeals --respond-within-days`` by default: :data:`analytics.appeals.RESPOND_WITHIN_DAYS`."""

TABLE_TOP = 20
"""Rows of a list shown in a table when ``--top`` is not given."""


class UsageError(Exception):
    """A mistake in the command (exit 2); the message is shown as is."""


class StoreError(Exception):
    """The store cannot be opened or read (exit 1)."""


def plural(word: str, n: int = 2) -> str:
    """``word`` for ``n`` things: ``grid``/``grids``, ``community``/``communities``.

    >>> plural("community"), plural("grid"), plural("component", 1)
    ('communities', 'grids', 'component')
    """
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"
