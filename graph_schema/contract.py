"""The data contract of docs/design.md as code: labels, relationship types, properties and enums.

Everything that the stores, the import formats, the API and the analytics agree on is
declared here once.  Names are part of the contract: extend them, never rename them.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal

# The enums and their Chinese terms live in graph_schema/enums.py; this module re-exports them.
from graph_schema.enums import ENUM_ZH as ENUM_ZH
from graph_schema.enums import ActivityKind as ActivityKind
from graph_schema.enums import AppealCategory as AppealCategory
from graph_schema.enums import AppealSource as AppealSource
from graph_schema.enums import AppealStatus as AppealStatus
from graph_schema.enums import AssessmentKind as AssessmentKind
from graph_schema.enums import BuildingKind as BuildingKind
from graph_schema.enums import CommunityKind as CommunityKind
from graph_schema.enums import Gender as Gender
from graph_schema.enums import GridKind as GridKind
from graph_schema.enums import HouseholdTag as HouseholdTag
from graph_schema.enums import MemberKind as MemberKind
from graph_schema.enums import OrgLevel as OrgLevel
from graph_schema.enums import ProjectCategory as ProjectCategory
from graph_schema.enums import ProjectStage as ProjectStage
from graph_schema.enums import ResourceKind as ResourceKind
from graph_schema.enums import Satisfaction as Satisfaction
from graph_schema.enums import Star as Star
from graph_schema.enums import UnitKind as UnitKind
from graph_schema.enums import WorkerRole as WorkerRole
from graph_schema.enums import enum_terms as enum_terms
from graph_schema.enums import enum_value as enum_value


class Label(StrEnum):
    """Node labels.  Every node has exactly one of them (plus ``Entity`` in Neo4j)."""

    STREET = "Street"
    COMMUNITY = "Community"
    GRID = "Grid"
    BUILDING = "Building"
    HOUSEHOLD = "Household"
    PARTY_ORGANIZATION = "PartyOrganization"
    PARTY_MEMBER = "PartyMember"
    VANGUARD_STATION = "VanguardStation"
    ALLIANCE = "Alliance"
    ALLIANCE_MEMBER = "AllianceMember"
    APPEAL = "Appeal"
    ACTIVITY = "Activity"
    WORKER = "Worker"
    GUIDANCE_STATION = "GuidanceStation"
    SECRETARY_PROJECT = "SecretaryProject"
    ASSESSMENT = "Assessment"


class RelType(StrEnum):
    """Relationship types."""

    PART_OF = "PART_OF"
    REPORTS_TO = "REPORTS_TO"
    GOVERNS = "GOVERNS"
    MEMBER_OF = "MEMBER_OF"
    LIVES_IN = "LIVES_IN"
    REPORTED_TO = "REPORTED_TO"
    RUNS = "RUNS"
    LOCATED_IN = "LOCATED_IN"
    LINKS = "LINKS"
    VISITED = "VISITED"
    LED_BY = "LED_BY"
    SERVES = "SERVES"
    JOINED = "JOINED"
    MANAGES = "MANAGES"
    BRANCH_OF = "BRANCH_OF"
    SITS_ON = "SITS_ON"
    RAISED_BY = "RAISED_BY"
    CONCERNS = "CONCERNS"
    ASSIGNED_TO = "ASSIGNED_TO"
    DISCUSSED = "DISCUSSED"
    ATTENDED = "ATTENDED"
    HELD_BY = "HELD_BY"
    HELD_IN = "HELD_IN"
    WORKS_IN = "WORKS_IN"
    GUIDES = "GUIDES"
    STATIONED_AT = "STATIONED_AT"
    IS_MEMBER = "IS_MEMBER"
    SERVES_AREA = "SERVES_AREA"
    SERVED = "SERVED"
    ADVANCES = "ADVANCES"
    LEADS = "LEADS"
    EARNED = "EARNED"
    ASSESSES = "ASSESSES"
    ASSESSED_BY = "ASSESSED_BY"
    ATTACHED_TO = "ATTACHED_TO"


ValueType = Literal["string", "int", "float", "bool", "date", "string[]"]
"""Property value types.  Dates are ISO-8601 strings (``YYYY-MM-DD``) in every store."""

Check = Literal[
    "division_code", "resident_id", "credit_code", "mobile", "appeal_history", "assessment_round", "assessment_score"
]
"""Named format checks, implemented in :mod:`graph_schema.checksums`."""


@dataclass(frozen=True, slots=True)
class Prop:
    """One property of a label or relationship type."""

    type: ValueType = "string"
    required: bool = False
    enum: builtins.type[StrEnum] | None = None
    check: Check | None = None
    pii: bool = False
    minimum: int | None = None
    zh: str = ""
    """The Chinese column name accepted by the spreadsheet import."""
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class NodeSpec:
    label: Label
    zh: str
    props: dict[str, Prop]


@dataclass(frozen=True, slots=True)
class RelSpec:
    type: RelType
    zh: str
    pairs: frozenset[tuple[Label, Label]]
    props: dict[str, Prop] = field(default_factory=dict)
    single: bool = False
    """At most one relationship of this type leaves a start node (exactly one parent)."""
    key: tuple[str, ...] = ()
    """Properties that tell apart two relationships of this type between the same nodes."""

    @property
    def start_labels(self) -> frozenset[Label]:
        return frozenset(s for s, _ in self.pairs)

    @property
    def end_labels(self) -> frozenset[Label]:
        return frozenset(e for _, e in self.pairs)


_ID = Prop(required=True, zh="编号")
_NAME = Prop(required=True, zh="名称")
_SINCE = Prop(type="date", zh="起始日期")

L = Label
NODE_SPECS: Final[dict[Label, NodeSpec]] = {
    spec.label: spec
    for spec in (
        NodeSpec(L.STREET, "街道/镇", {"name": _NAME, "code": Prop(check="division_code", zh="区划代码")}),
        NodeSpec(
            L.COMMUNITY,
            "社区",
            {
                "name": _NAME,
                "code": Prop(check="division_code", zh="区划代码"),
                "kind": Prop(enum=CommunityKind, zh="类型"),
            },
        ),
        NodeSpec(
            L.GRID,
            "网格",
            {
                "name": _NAME,
                "kinds": Prop(type="string[]", enum=GridKind, zh="网格类型"),
                "target_households": Prop(type="int", minimum=1, zh="目标户数"),
            },
        ),
        NodeSpec(
            L.BUILDING,
            "楼栋/院落",
            {
                "name": _NAME,
                "kind": Prop(required=True, enum=BuildingKind, zh="类型"),
                "address": Prop(zh="地址"),
            },
        ),
        NodeSpec(
            L.HOUSEHOLD,
            "户",
            {
                "name": _NAME,
                "address": Prop(pii=True, zh="地址"),
                "size": Prop(type="int", minimum=1, zh="人数"),
                "tags": Prop(type="string[]", enum=HouseholdTag, zh="标签"),
                "head_name": Prop(pii=True, zh="户主姓名"),
                "phone": Prop(check="mobile", pii=True, zh="联系电话"),
                "head_id_number": Prop(check="resident_id", pii=True, zh="户主身份证号"),
            },
        ),
        NodeSpec(
            L.PARTY_ORGANIZATION,
            "党组织",
            {
                "name": _NAME,
                "level": Prop(required=True, enum=OrgLevel, zh="层级"),
                "star": Prop(enum=Star, zh="星级"),
                # a branch outside the city or of an outside unit (市外/外单位党组织): governs no area
                "external": Prop(type="bool", zh="外单位党组织"),
            },
        ),
        NodeSpec(
            L.PARTY_MEMBER,
            "党员",
            {
                "name": Prop(required=True, pii=True, zh="姓名"),
                "kind": Prop(required=True, enum=MemberKind, zh="类别"),
                "vanguard": Prop(type="bool", zh="先锋党员"),
                "gender": Prop(enum=Gender, pii=True, zh="性别"),
                "birth_year": Prop(type="int", minimum=1900, pii=True, zh="出生年份"),
                "phone": Prop(check="mobile", pii=True, zh="联系电话"),
                "id_number": Prop(check="resident_id", pii=True, zh="身份证号"),
            },
        ),
        NodeSpec(L.VANGUARD_STATION, "先锋驿站", {"name": _NAME}),
        NodeSpec(L.ALLIANCE, "党建联盟", {"name": _NAME, "theme": Prop(zh="主题")}),
        NodeSpec(
            L.ALLIANCE_MEMBER,
            "联盟成员单位",
            {
                "name": _NAME,
                "kind": Prop(required=True, enum=UnitKind, zh="类型"),
                "credit_code": Prop(check="credit_code", zh="统一社会信用代码"),
                "resources": Prop(type="string[]", enum=ResourceKind, zh="资源"),
            },
        ),
        NodeSpec(
            L.APPEAL,
            "诉求",
            {
                "title": Prop(required=True, zh="标题"),
                "description": Prop(pii=True, zh="诉求内容"),
                "category": Prop(required=True, enum=AppealCategory, zh="类别"),
                "source": Prop(required=True, enum=AppealSource, zh="来源"),
                "status": Prop(required=True, enum=AppealStatus, zh="状态"),
                "difficult": Prop(type="bool", zh="疑难"),
                "reported_on": Prop(type="date", required=True, zh="反映日期"),
                "accepted_on": Prop(type="date", zh="受理日期"),
                "rejected_on": Prop(type="date", zh="不予受理日期"),
                "rejection_reason": Prop(zh="不予受理理由"),
                "resolved_on": Prop(type="date", zh="办结日期"),
                "closed_on": Prop(type="date", zh="归档日期"),
                "due": Prop(type="date", zh="办理时限"),
                "satisfaction": Prop(enum=Satisfaction, zh="满意度"),
                # Every transition, oldest first: "<ISO timestamp>|<from status, or - >|<to status>|<actor>".
                "history": Prop(type="string[]", check="appeal_history", zh="流转记录"),
            },
        ),
        NodeSpec(
            L.ACTIVITY,
            "活动/会议",
            {
                "title": Prop(required=True, zh="主题"),
                "kind": Prop(required=True, enum=ActivityKind, zh="类型"),
                "on": Prop(type="date", required=True, zh="日期"),
            },
        ),
        NodeSpec(
            L.WORKER,
            "工作人员",
            {
                "name": Prop(required=True, pii=True, zh="姓名"),
                "role": Prop(required=True, enum=WorkerRole, zh="岗位"),
                "full_time": Prop(type="bool", zh="专职"),
                "phone": Prop(check="mobile", pii=True, zh="联系电话"),
            },
        ),
        NodeSpec(L.GUIDANCE_STATION, "基层党建工作指导站", {"name": _NAME}),
        NodeSpec(
            L.SECRETARY_PROJECT,
            "书记项目",
            {
                "title": Prop(required=True, zh="项目名称"),
                "category": Prop(required=True, enum=ProjectCategory, zh="类别"),
                "stage": Prop(required=True, enum=ProjectStage, zh="阶段"),
                "proposed_on": Prop(type="date", required=True, zh="发起日期"),
                "led_on": Prop(type="date", zh="领办日期"),
                "started_on": Prop(type="date", zh="实施日期"),
                "reviewed_on": Prop(type="date", zh="评议日期"),
                "review_score": Prop(type="int", minimum=0, maximum=100, zh="居民评议得分"),
            },
        ),
        NodeSpec(
            L.ASSESSMENT,
            "考核",
            {
                # A round of the campaign, "<year>-<n>" (2026-1); see graph_schema/assessments.py.
                "round": Prop(required=True, check="assessment_round", zh="轮次"),
                "kind": Prop(required=True, enum=AssessmentKind, zh="考核方式"),
                "on": Prop(type="date", required=True, zh="考核日期"),
                "result": Prop(required=True, enum=Star, zh="评定等次"),
                # Requirements met per category of the template: "<CATEGORY>:<count>" (ORGANIZATION_SETUP:5).
                "scores": Prop(type="string[]", check="assessment_score", zh="分项得分"),
                # The rectification deadline of an UNQUALIFIED branch (限期整改).
                "rectify_by": Prop(type="date", zh="整改期限"),
            },
        ),
    )
}

AREA_LABELS: Final[tuple[Label, ...]] = (L.STREET, L.COMMUNITY, L.GRID, L.BUILDING)
"""Areas of the governance network, from the top down (households sit under buildings)."""

HIERARCHY: Final[dict[Label, Label]] = {
    L.COMMUNITY: L.STREET,
    L.GRID: L.COMMUNITY,
    L.BUILDING: L.GRID,
    L.HOUSEHOLD: L.BUILDING,
}
"""The one PART_OF parent label of each child label."""

# --- the norms of the governance work ----------------------------------------------------------
# One place for the figures that the analytics measure against, the synthetic city is built
# around, and the API, the CLI and the report default to and print.

MEMBERS_NORM: Final = 10
"""Party members a vanguard links: the 10 of "1+10+N" (党员联系党员)."""

HOUSEHOLDS_NORM: Final = 15
"""Households a vanguard links: the N of "1+10+N" (党员联户; the article's average is 12.5)."""

OVERLOAD_FACTOR: Final = 2.0
"""A vanguard is overloaded above this multiple of either norm."""

GRID_HOUSEHOLDS_NORM: Final = 300
"""Households per grid (每300户左右为1个网格), when a grid sets no ``target_households``."""

GRID_SIZE_TOLERANCE: Final = 0.5
"""Relative deviation from a grid's target still normal (±50%: 150 to 450 households at 300)."""

INSTRUCTOR_NORM: Final = 6
"""Organizations a party-building instructor (党建指导员) guides: the seed's 3,770 branches over its
63 full-time and 600+ part-time instructors is 5.7 each (an instructor is overloaded above
:data:`OVERLOAD_FACTOR` times this, as a vanguard is)."""

NORM_RANGES: Final[dict[str, tuple[float, float]]] = {
    "members_norm": (0, 100),
    "households_norm": (0, 300),
    "overload_factor": (1, 100),
    "grid_norm": (1, 100_000),
    "tolerance": (0, 10),
    "instructor_norm": (0, 1000),
}
"""The values each norm may be given (both ends included), by its parameter name: what every entry
point (GraphQL, the CLI, the report, the analytics themselves) accepts.  A vanguard linking more than
a grid's 300 households, or a negative norm, is not a norm; 0 is (every link is then over it, and a
plan has no capacity to hand out)."""


def check_norm(name: str, value: float) -> None:
    """Refuse a norm outside :data:`NORM_RANGES` with a :class:`ValueError` saying why.

    >>> check_norm("households_norm", 15)
    >>> check_norm("households_norm", -1)
    Traceback (most recent call last):
    ...
    ValueError: households norm must be between 0 and 300, got -1
    """
    low, high = NORM_RANGES[name]
    if not low <= value <= high:
        raise ValueError(f"{name.replace('_', ' ')} must be between {low:g} and {high:g}, got {value:g}")


_ORG = L.PARTY_ORGANIZATION
_PM = L.PARTY_MEMBER
R = RelType
REL_SPECS: Final[dict[RelType, RelSpec]] = {
    spec.type: spec
    for spec in (
        RelSpec(R.PART_OF, "隶属", frozenset(HIERARCHY.items()), single=True),
        RelSpec(R.REPORTS_TO, "上级党组织", frozenset({(_ORG, _ORG)}), single=True),
        RelSpec(R.GOVERNS, "管辖", frozenset((_ORG, a) for a in AREA_LABELS)),
        RelSpec(R.MEMBER_OF, "所属党组织", frozenset({(_PM, _ORG)}), single=True),
        RelSpec(R.LIVES_IN, "居住", frozenset({(_PM, L.HOUSEHOLD)}), single=True),
        RelSpec(R.REPORTED_TO, "报到", frozenset({(_PM, L.COMMUNITY)}), {"since": _SINCE}),
        RelSpec(R.RUNS, "负责驿站", frozenset({(_PM, L.VANGUARD_STATION)})),
        RelSpec(R.LOCATED_IN, "位于", frozenset({(L.VANGUARD_STATION, L.BUILDING)}), single=True),
        RelSpec(R.LINKS, "联系", frozenset({(_PM, _PM), (_PM, L.HOUSEHOLD)}), {"since": _SINCE}),
        RelSpec(
            R.VISITED,
            "走访",
            frozenset({(_PM, L.HOUSEHOLD)}),
            {"on": Prop(type="date", required=True, zh="走访日期")},
            key=("on",),
        ),
        RelSpec(R.LED_BY, "牵头党组织", frozenset({(L.ALLIANCE, _ORG), (L.SECRETARY_PROJECT, _ORG)})),
        RelSpec(R.SERVES, "服务", frozenset({(L.ALLIANCE, L.COMMUNITY), (L.ALLIANCE, L.STREET)})),
        RelSpec(R.JOINED, "加入联盟", frozenset({(L.ALLIANCE_MEMBER, L.ALLIANCE)}), {"since": _SINCE}),
        RelSpec(R.MANAGES, "物业管理", frozenset({(L.ALLIANCE_MEMBER, L.BUILDING)})),
        RelSpec(R.BRANCH_OF, "单位党组织", frozenset({(_ORG, L.ALLIANCE_MEMBER)}), single=True),
        RelSpec(R.SITS_ON, "兼职委员", frozenset({(_PM, _ORG)})),
        RelSpec(R.RAISED_BY, "反映人", frozenset({(L.APPEAL, L.HOUSEHOLD), (L.APPEAL, _PM)}), single=True),
        RelSpec(
            R.CONCERNS,
            "涉及",
            frozenset((L.APPEAL, a) for a in (L.HOUSEHOLD, L.BUILDING, L.GRID, L.COMMUNITY)),
            single=True,
        ),
        RelSpec(
            R.ASSIGNED_TO,
            "承办",
            frozenset((L.APPEAL, h) for h in (_PM, L.ALLIANCE_MEMBER, _ORG, L.ALLIANCE)),
            {"since": _SINCE},
            single=True,
        ),
        RelSpec(R.DISCUSSED, "议题", frozenset({(L.ACTIVITY, L.APPEAL)})),
        RelSpec(R.ATTENDED, "参加", frozenset({(_PM, L.ACTIVITY), (L.ALLIANCE_MEMBER, L.ACTIVITY)})),
        RelSpec(
            R.HELD_BY,
            "主办",
            frozenset({(L.ACTIVITY, _ORG), (L.ACTIVITY, L.ALLIANCE), (L.ACTIVITY, _PM)}),
            single=True,
        ),
        RelSpec(
            R.HELD_IN,
            "地点",
            frozenset((s, a) for s in (L.ACTIVITY, L.SECRETARY_PROJECT) for a in AREA_LABELS),
            single=True,
        ),
        RelSpec(R.WORKS_IN, "工作区域", frozenset((L.WORKER, a) for a in AREA_LABELS), {"since": _SINCE}),
        RelSpec(
            R.GUIDES,
            "指导",
            frozenset({(L.WORKER, _ORG), (L.WORKER, L.ALLIANCE_MEMBER)}),
            {"since": _SINCE},
        ),
        RelSpec(R.STATIONED_AT, "所属指导站", frozenset({(L.WORKER, L.GUIDANCE_STATION)}), single=True),
        RelSpec(R.IS_MEMBER, "党员身份", frozenset({(L.WORKER, _PM)}), single=True),
        RelSpec(R.SERVES_AREA, "服务街道", frozenset({(L.GUIDANCE_STATION, L.STREET)})),
        RelSpec(R.SERVED, "服务对象", frozenset({(L.ACTIVITY, L.HOUSEHOLD)})),
        RelSpec(R.ADVANCES, "推进项目", frozenset({(L.ACTIVITY, L.SECRETARY_PROJECT)}), single=True),
        RelSpec(R.LEADS, "领办", frozenset({(_PM, L.SECRETARY_PROJECT)})),
        RelSpec(
            R.EARNED,
            "积分",
            frozenset((_PM, e) for e in (L.ACTIVITY, L.SECRETARY_PROJECT, L.APPEAL)),
            {
                "points": Prop(type="int", required=True, zh="积分"),
                "on": Prop(type="date", required=True, zh="日期"),
                "reason": Prop(zh="事由"),
            },
            key=("on",),
        ),
        RelSpec(R.ASSESSES, "考核对象", frozenset({(L.ASSESSMENT, _ORG)}), single=True),
        RelSpec(R.ASSESSED_BY, "考核单位", frozenset({(L.ASSESSMENT, _ORG), (L.ASSESSMENT, L.WORKER)})),
        RelSpec(R.ATTACHED_TO, "所属党小组", frozenset({(L.VANGUARD_STATION, _ORG)}), single=True),
    )
}

WITHIN_VIA: Final[dict[Label, RelType | None]] = {
    L.STREET: None,
    L.COMMUNITY: None,
    L.GRID: None,
    L.BUILDING: None,
    L.HOUSEHOLD: None,
    L.PARTY_MEMBER: R.LIVES_IN,
    L.PARTY_ORGANIZATION: R.GOVERNS,
    L.VANGUARD_STATION: R.LOCATED_IN,
    L.APPEAL: R.CONCERNS,
    L.ACTIVITY: R.HELD_IN,
    L.WORKER: R.WORKS_IN,
    L.GUIDANCE_STATION: R.SERVES_AREA,
    L.SECRETARY_PROJECT: R.HELD_IN,
}
"""How a node of a label lies within an area: itself up the PART_OF chain, or first through
this one relationship (a member through the household it lives in, an organization through
the area it governs, a station through its building).  Labels missing here are never
"within" an area (but see :data:`WITHIN_THROUGH`)."""

WITHIN_THROUGH: Final[dict[Label, tuple[RelType, Label]]] = {
    L.ASSESSMENT: (R.ASSESSES, L.PARTY_ORGANIZATION),
}
"""Labels that lie within an area two steps away: a node of the label is within an area when
the node of the second label it points to through the relationship is (in the sense of
:data:`WITHIN_VIA`): an assessment lies where the branch it ASSESSES governs.  A viewer's
scope, an area export and the tests' subtree all follow it."""


PII_FIELDS: Final[dict[Label, frozenset[str]]] = {
    label: frozenset(name for name, p in spec.props.items() if p.pii) for label, spec in NODE_SPECS.items()
}
"""Personal properties (PIPL): names, phones, ID numbers, a household's address (below its
building's, which is public), a member's birth year and gender.  Masked or withheld unless
the viewer may see them (``graph_schema.privacy``); left out of the analytics projection."""

VULNERABLE_TAGS: Final[frozenset[HouseholdTag]] = frozenset(
    {HouseholdTag.LOW_INCOME, HouseholdTag.DISABILITY, HouseholdTag.ELDERLY_ALONE, HouseholdTag.KEY_GROUP}
)
"""Household tags that are personal information: shown only where personal information is
(``graph_schema.privacy.public_tags``).  The projection keeps them: analytics need them
(a plan serves vulnerable households first), and what an analysis prints goes through the
same masking."""


_KEY_PROPS: Final[dict[str, tuple[str, ...]]] = {t.value: spec.key for t, spec in REL_SPECS.items() if spec.key}


def rel_key(rel_type: str, properties: Mapping[str, object] | None = None) -> str:
    """The key that identifies a relationship between two given nodes.

    Most types allow one relationship per (start, end) pair, so the key is the type.
    ``VISITED`` is keyed by its date too: one visit per day.

    >>> rel_key("LINKS", {"since": "2024-01-01"})
    'LINKS'
    >>> rel_key("VISITED", {"on": "2024-03-05"})
    'VISITED|2024-03-05'
    """
    key = _KEY_PROPS.get(rel_type)
    if not key:
        return rel_type
    props = properties or {}
    return "|".join([rel_type, *(str(props.get(k, "")) for k in key)])


# --- points (积分) ----------------------------------------------------------------------------

POINTS_TABLE: Final[dict[str, int]] = {
    ActivityKind.ROUNDTABLE.value: 3,
    ActivityKind.MONTHLY_CONTACT.value: 2,
    ActivityKind.BRANCH_MEETING.value: 2,
    ActivityKind.VOLUNTEER_SERVICE.value: 5,
    ActivityKind.ALLIANCE_ACTIVITY.value: 3,
    ActivityKind.SECRETARY_PROJECT_EVENT.value: 4,
    L.SECRETARY_PROJECT.value: 20,
    L.APPEAL.value: 5,
}
"""Points (积分) a party member earns (``EARNED {points}``): for taking part in an activity, by its
kind; for leading a secretary project (``"SecretaryProject"``); for handling an appeal
(``"Appeal"``).  The service may override any of them (``CIVICMESH_POINTS``, a JSON object);
:func:`points_table` checks an override."""


def points_table(overrides: Mapping[str, object] | None = None) -> dict[str, int]:
    """:data:`POINTS_TABLE` with ``overrides`` applied, refusing unknown keys and non-integers.

    >>> points_table({"VOLUNTEER_SERVICE": 8})["VOLUNTEER_SERVICE"]
    8
    >>> points_table({"PICNIC": 1})
    Traceback (most recent call last):
    ...
    ValueError: points table: unknown key 'PICNIC'; the keys are the activity kinds, SecretaryProject and Appeal
    """
    table = dict(POINTS_TABLE)
    for key, value in (overrides or {}).items():
        if key not in table:
            raise ValueError(
                f"points table: unknown key {key!r}; the keys are the activity kinds, SecretaryProject and Appeal"
            )
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"points table: {key} must be a whole number of points, got {value!r}")
        table[key] = value
    return table
