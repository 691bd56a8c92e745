# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The contract's enums as GraphQL enums (the same Python classes, so values pass through).

Every value is described with its Chinese term first, as the seed article and the import's
spreadsheets name it (``DEMONSTRATION``: 示范).  The classes live in :mod:`graph_schema`, which
imports no strawberry, so their values cannot be declared with ``strawberry.enum_value``;
:func:`graphql_enum` gives each value of the definition ``strawberry.enum`` makes its
description instead.  The enums declared here use ``strawberry.enum_value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, EnumMeta
from typing import TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

from graph_schema import (
    ENUM_ZH,
    BuildingKind,
    CommunityKind,
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

E = TypeVar("E", bound=EnumMeta)


def graphql_enum(cls: E, description: str, values: Mapping[str, str], name: str | None = None) -> E:
    """Register the contract enum ``cls`` as a GraphQL enum, with a description for each value (by name)."""
    strawberry.enum(cls, name=name, description=description)
    if has_enum_definition(cls):
        for value in cls.__strawberry_definition__.values:
            value.description = values.get(value.name)
    return cls


def zh_values(enum_name: str, english: Mapping[str, str]) -> dict[str, str]:
    """Each value's description: its Chinese term (``graph_schema.ENUM_ZH``), then ``english`` of it.

    >>> zh_values("ProjectStage", {"PROPOSED": "proposed.", "LED": "led.", "IN_PROGRESS": "under way.",
    ...                            "REVIEWED": "reviewed."})["LED"]
    '党员领办: led.'
    """
    return {name: f"{zh}: {english[name]}" for name, zh in ENUM_ZH[enum_name].items()}


graphql_enum(
    GridKind,
    "Grid types merged into the one network (一张网): every area is one grid of all kinds.",
    {
        "GOVERNMENT_SERVICE": "政务服务: government services.",
        "LAW_ENFORCEMENT": "综合执法: law enforcement.",
        "SOCIAL_ASSISTANCE": "社会救助: social assistance.",
        "LIFE_SERVICE": "生活服务: everyday services.",
        "PUBLIC_SAFETY": "公共安全: public safety.",
    },
)
graphql_enum(
    BuildingKind,
    "A building (楼栋) or a courtyard (院落).",
    {"BUILDING": "楼栋: a residential building.", "COURTYARD": "院落: a courtyard (a low-rise compound)."},
)
graphql_enum(
    HouseholdTag,
    "Tags of a household that call for attention.",
    {
        "FLOATING": "流动人口: registered elsewhere (floating population).",
        "ELDERLY_ALONE": "独居老人: an elderly person living alone.",
        "KEY_GROUP": "重点人群: a key group under special care.",
        "LOW_INCOME": "低收入: a low-income household.",
        "DISABILITY": "残疾: someone in the household has a disability.",
    },
)
graphql_enum(
    OrgLevel,
    "Level of a party organization in the four-level grid system "
    "(社区党组织—网格党支部—楼栋党小组—党员中心户), or a unit's own branch.",
    {
        "STREET_COMMITTEE": "街道党(工)委: the street's (big working) committee, the top of a street's tree.",
        "COMMUNITY_COMMITTEE": "社区党委: a community's (big) party committee.",
        "GRID_BRANCH": "网格党支部: the party branch of a grid.",
        "BUILDING_GROUP": "楼栋(院落)党小组: the party group of a building or courtyard.",
        "UNIT_BRANCH": "单位党支部: an alliance member unit's own branch (BRANCH_OF), e.g. of a property company.",
        "GRID_GROUP": "网格党小组: the party group of a grid that has no branch (every grid gets a branch or a group); "
        "it is a group, not a branch.",
    },
)
graphql_enum(
    CommunityKind,
    "A community-level area: an urban community (社区) or a village (村). Both are a Community in the graph.",
    {
        "COMMUNITY": "社区: an urban (residents') community; a community without a kind is one.",
        "VILLAGE": "村: an administrative village, governed like a community (村党组织, grids, groups).",
    },
)
graphql_enum(
    Star,
    'Star rating of a branch ("双强双优" 星级党支部), best first.',
    {
        "DEMONSTRATION": "示范: demonstration, the highest rating (★★★).",
        "EXCELLENT": "优秀: excellent (★★).",
        "QUALIFIED": "合格: qualified (★).",
        "UNQUALIFIED": "不合格: unqualified (☆).",
    },
)
graphql_enum(
    MemberKind,
    "Kind of party member: where the member's party life takes place.",
    {
        "RESIDENT": "居民党员: a resident member, whose party life is in the community they live in.",
        "IN_SERVICE": "在职党员: a member employed elsewhere, registered at their home community (三报到).",
        "RETIRED": "离退休党员: a retired member.",
        "FLOATING": "流动党员: a member living away from where their membership is registered.",
    },
)
graphql_enum(Gender, "Gender (性别).", {"F": "女: female.", "M": "男: male."})
graphql_enum(
    UnitKind,
    "Kind of alliance member unit (联盟成员单位).",
    {
        "ENTERPRISE": "企业: an enterprise.",
        "FINANCIAL_INSTITUTION": "金融机构: a bank or other financial institution.",
        "CHAMBER_OR_ASSOCIATION": "商会/协会: a chamber of commerce or an association.",
        "SOCIAL_ORGANIZATION": "社会组织: a social (public-welfare) organization.",
        "PROPERTY_COMPANY": "物业公司: a property company; it MANAGES buildings (red property, 红色物业).",
        "GOVERNMENT_UNIT": "机关单位: a government unit, e.g. a police station.",
    },
)
graphql_enum(
    ResourceKind,
    "Resources an alliance member unit brings; alliance reach is counted per kind.",
    {
        "FUNDING": "资金: funding.",
        "VOLUNTEERS": "志愿者: volunteers.",
        "VENUE": "场地: a venue.",
        "LEGAL_AID": "法律援助: legal aid.",
        "EMPLOYMENT": "就业: employment help.",
        "ELDERLY_CARE": "养老: elderly care.",
        "HEALTH": "健康: health care.",
        "EDUCATION": "教育: education.",
        "PROPERTY_SERVICE": "物业服务: property services.",
    },
)
graphql_enum(
    Label,
    "Node labels of the data contract; GraphQL type names equal them.",
    {
        "STREET": "街道/镇: Street.",
        "COMMUNITY": "社区: Community.",
        "GRID": "网格: Grid.",
        "BUILDING": "楼栋/院落: Building.",
        "HOUSEHOLD": "户: Household.",
        "PARTY_ORGANIZATION": "党组织: PartyOrganization.",
        "PARTY_MEMBER": "党员: PartyMember (names are personal information).",
        "VANGUARD_STATION": "先锋驿站: VanguardStation.",
        "ALLIANCE": "党建联盟: Alliance.",
        "ALLIANCE_MEMBER": "联盟成员单位: AllianceMember.",
        "APPEAL": "诉求: Appeal, a resident's appeal (its description is personal information).",
        "ACTIVITY": "活动/会议: Activity, e.g. a roundtable meeting.",
        "WORKER": "工作人员: Worker, a person who works the grid (names and phones are personal information).",
        "GUIDANCE_STATION": "基层党建工作指导站: GuidanceStation, a party-building guidance station.",
        "SECRETARY_PROJECT": "书记项目: SecretaryProject, a community work project a branch proposes and members lead.",
        "ASSESSMENT": "考核: Assessment, one check of a branch in a round of the 双强双优 star-rating campaign.",
    },
    name="NodeLabel",
)
graphql_enum(
    RelType,
    "Relationship types of the data contract, written (from)-[TYPE]->(to).",
    {
        "PART_OF": "隶属: Community→Street, Grid→Community, Building→Grid, Household→Building; exactly one parent.",
        "REPORTS_TO": "上级党组织: PartyOrganization→PartyOrganization, the organization tree; one parent.",
        "GOVERNS": "管辖: PartyOrganization→Street/Community/Grid/Building, the party organization of an area.",
        "MEMBER_OF": "所属党组织: PartyMember→PartyOrganization, membership; one organization.",
        "LIVES_IN": "居住: PartyMember→Household, residence; one household.",
        "REPORTED_TO": "报到: PartyMember→Community, an in-service member registered there (三报到), with since.",
        "RUNS": "负责驿站: PartyMember→VanguardStation, who runs a station.",
        "LOCATED_IN": "位于: VanguardStation→Building; one building.",
        "LINKS": "联系: vanguard PartyMember→PartyMember or Household, the 1+10+N linkage, with since.",
        "VISITED": "走访: PartyMember→Household, one visit on a day (月联月访), with on.",
        "LED_BY": "牵头党组织: Alliance or SecretaryProject→PartyOrganization, the organization that leads it.",
        "SERVES": "服务: Alliance→Community/Street, the areas an alliance serves.",
        "JOINED": "加入联盟: AllianceMember→Alliance, membership of a unit, with since.",
        "MANAGES": "物业管理: AllianceMember→Building, a property company's estates.",
        "BRANCH_OF": "单位党组织: PartyOrganization→AllianceMember, a unit's own party branch; one unit.",
        "SITS_ON": "兼职委员: PartyMember→PartyOrganization, a part-time seat on a big committee.",
        "RAISED_BY": "反映人: Appeal→Household or PartyMember, who raised it; one.",
        "CONCERNS": "涉及: Appeal→Household, Building, Grid or Community, where it is; one.",
        "ASSIGNED_TO": "承办: Appeal→PartyMember, AllianceMember, PartyOrganization or Alliance, its handler, with "
        "since; one.",
        "DISCUSSED": "议题: Activity→Appeal, an appeal discussed at a meeting.",
        "ATTENDED": "参加: PartyMember or AllianceMember→Activity, who took part.",
        "WORKS_IN": "工作区域: Worker→Street, Community, Grid or Building, where a worker works, with since.",
        "GUIDES": "指导: Worker→PartyOrganization or AllianceMember, what an instructor guides, with since.",
        "STATIONED_AT": "所属指导站: Worker→GuidanceStation, an instructor's station; one.",
        "IS_MEMBER": "党员身份: Worker→PartyMember, the worker as a party member; one.",
        "SERVES_AREA": "服务街道: GuidanceStation→Street, the streets a guidance station serves.",
        "HELD_BY": "主办: Activity→PartyOrganization, Alliance or PartyMember (a vanguard's monthly contact), who "
        "held it; one.",
        "HELD_IN": "地点: Activity or SecretaryProject→Street, Community, Grid or Building, where it is; one.",
        "SERVED": "服务对象: Activity→Household, a household the activity served.",
        "ADVANCES": "推进项目: Activity→SecretaryProject, the project a secretary-project event advances; one.",
        "LEADS": "领办: PartyMember→SecretaryProject, a member leading a project.",
        "EARNED": "积分: PartyMember→Activity, SecretaryProject or Appeal, points earned, with points, on, reason.",
        "ASSESSES": "考核对象: Assessment→PartyOrganization, the branch it rates; one.",
        "ASSESSED_BY": "考核单位: Assessment→PartyOrganization or Worker (an instructor), who assessed it.",
        "ATTACHED_TO": "所属党小组: VanguardStation→PartyOrganization, the party group a station is set by "
        "(根据党小组划分); one.",
    },
    name="RelationshipType",
)


@strawberry.enum(description="What a listing is sorted by (id is always the final tie-break).")
class OrderField(Enum):
    ID = strawberry.enum_value("id", description="By id (the local id, as stored).")
    NAME = strawberry.enum_value(
        "name",
        description="By name, then id. Refused for party members (code PII) unless the viewer may see personal "
        "information.",
    )


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Ascending: smallest first.")
    DESC = strawberry.enum_value("DESC", description="Descending: largest first.")


__all__ = [
    "BuildingKind",
    "CommunityKind",
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
    "graphql_enum",
]
