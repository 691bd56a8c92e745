"""The enums of the data contract and their Chinese terms (part of :mod:`graph_schema.contract`,
which re-exports every name here: import them from either).

The values are stored and exchanged as these English strings in every store and format; the
spreadsheets show and accept the Chinese terms (docs/design.md, sections 3.2 and 5.3).
"""

from __future__ import annotations

import builtins
from enum import StrEnum
from typing import Final


class GridKind(StrEnum):
    """Grid types merged into the one network (一张网)."""

    GOVERNMENT_SERVICE = "GOVERNMENT_SERVICE"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    SOCIAL_ASSISTANCE = "SOCIAL_ASSISTANCE"
    LIFE_SERVICE = "LIFE_SERVICE"
    PUBLIC_SAFETY = "PUBLIC_SAFETY"


class BuildingKind(StrEnum):
    BUILDING = "BUILDING"
    COURTYARD = "COURTYARD"


class HouseholdTag(StrEnum):
    FLOATING = "FLOATING"
    ELDERLY_ALONE = "ELDERLY_ALONE"
    KEY_GROUP = "KEY_GROUP"
    LOW_INCOME = "LOW_INCOME"
    DISABILITY = "DISABILITY"


class OrgLevel(StrEnum):
    STREET_COMMITTEE = "STREET_COMMITTEE"
    COMMUNITY_COMMITTEE = "COMMUNITY_COMMITTEE"
    GRID_BRANCH = "GRID_BRANCH"
    BUILDING_GROUP = "BUILDING_GROUP"
    UNIT_BRANCH = "UNIT_BRANCH"
    GRID_GROUP = "GRID_GROUP"


class CommunityKind(StrEnum):
    """A community-level area: an urban community (社区) or a village (村); absent reads as COMMUNITY."""

    COMMUNITY = "COMMUNITY"
    VILLAGE = "VILLAGE"


class Star(StrEnum):
    """ "双强双优" star rating of a branch (示范 / 优秀 / 合格 / 不合格)."""

    DEMONSTRATION = "DEMONSTRATION"
    EXCELLENT = "EXCELLENT"
    QUALIFIED = "QUALIFIED"
    UNQUALIFIED = "UNQUALIFIED"


class MemberKind(StrEnum):
    RESIDENT = "RESIDENT"
    IN_SERVICE = "IN_SERVICE"
    RETIRED = "RETIRED"
    FLOATING = "FLOATING"


class Gender(StrEnum):
    F = "F"
    M = "M"


class UnitKind(StrEnum):
    ENTERPRISE = "ENTERPRISE"
    FINANCIAL_INSTITUTION = "FINANCIAL_INSTITUTION"
    CHAMBER_OR_ASSOCIATION = "CHAMBER_OR_ASSOCIATION"
    SOCIAL_ORGANIZATION = "SOCIAL_ORGANIZATION"
    PROPERTY_COMPANY = "PROPERTY_COMPANY"
    GOVERNMENT_UNIT = "GOVERNMENT_UNIT"


class ResourceKind(StrEnum):
    FUNDING = "FUNDING"
    VOLUNTEERS = "VOLUNTEERS"
    VENUE = "VENUE"
    LEGAL_AID = "LEGAL_AID"
    EMPLOYMENT = "EMPLOYMENT"
    ELDERLY_CARE = "ELDERLY_CARE"
    HEALTH = "HEALTH"
    EDUCATION = "EDUCATION"
    PROPERTY_SERVICE = "PROPERTY_SERVICE"


class AppealCategory(StrEnum):
    """What a resident's appeal (诉求) is about."""

    HOUSING_SAFETY = "HOUSING_SAFETY"
    SANITATION = "SANITATION"
    PROPERTY_SERVICE = "PROPERTY_SERVICE"
    ELDERLY_CARE = "ELDERLY_CARE"
    PARKING = "PARKING"
    NEIGHBOUR_DISPUTE = "NEIGHBOUR_DISPUTE"
    PUBLIC_SAFETY = "PUBLIC_SAFETY"
    FACILITIES = "FACILITIES"
    OTHER = "OTHER"


class AppealSource(StrEnum):
    """How an appeal reached the network."""

    VANGUARD_VISIT = "VANGUARD_VISIT"
    GRID_PATROL = "GRID_PATROL"
    HOTLINE = "HOTLINE"
    ROUNDTABLE = "ROUNDTABLE"
    WALK_IN = "WALK_IN"
    ONLINE = "ONLINE"


class AppealStatus(StrEnum):
    """Where an appeal stands in 接、派、办、督、评 (receive, dispatch, handle, supervise, evaluate)."""

    REPORTED = "REPORTED"
    ACCEPTED = "ACCEPTED"
    ASSIGNED = "ASSIGNED"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    REJECTED = "REJECTED"


class Satisfaction(StrEnum):
    """The resident's review of a resolved appeal."""

    SATISFIED = "SATISFIED"
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"
    UNSATISFIED = "UNSATISFIED"


class ActivityKind(StrEnum):
    """Kinds of activity and meeting (活动/会议)."""

    ROUNDTABLE = "ROUNDTABLE"
    MONTHLY_CONTACT = "MONTHLY_CONTACT"
    BRANCH_MEETING = "BRANCH_MEETING"
    VOLUNTEER_SERVICE = "VOLUNTEER_SERVICE"
    ALLIANCE_ACTIVITY = "ALLIANCE_ACTIVITY"
    SECRETARY_PROJECT_EVENT = "SECRETARY_PROJECT_EVENT"


class ProjectCategory(StrEnum):
    """The 10 kinds of secretary project (书记项目).  The article names three (小区管理、平安创建、
    环境保护: estate management, safety, environment); the other seven are ours, from the problems
    the article says the projects solved (old estates, back lanes, parking, ...)."""

    ESTATE_MANAGEMENT = "ESTATE_MANAGEMENT"
    SAFETY = "SAFETY"
    ENVIRONMENT = "ENVIRONMENT"
    OLD_ESTATE_RENOVATION = "OLD_ESTATE_RENOVATION"
    PARKING = "PARKING"
    ELDERLY_CARE = "ELDERLY_CARE"
    CIVILITY = "CIVILITY"
    LEGAL_AWARENESS = "LEGAL_AWARENESS"
    DISPUTE_MEDIATION = "DISPUTE_MEDIATION"
    EMPLOYMENT = "EMPLOYMENT"


class ProjectStage(StrEnum):
    """Where a secretary project stands in 组织发起、党员领办、群众参与、居民评议, in this order."""

    PROPOSED = "PROPOSED"
    LED = "LED"
    IN_PROGRESS = "IN_PROGRESS"
    REVIEWED = "REVIEWED"


class WorkerRole(StrEnum):
    """What a person who works the grid (工作人员) does."""

    GRID_WORKER = "GRID_WORKER"
    BUILDING_HEAD = "BUILDING_HEAD"
    INSTRUCTOR = "INSTRUCTOR"
    SOCIAL_WORKER = "SOCIAL_WORKER"


class AssessmentKind(StrEnum):
    """Which check of a "双强双优" round an assessment is: the two rounds of screening (两轮排查:
    the branch's own check and the second check), the cross-check between streets (交叉互查)
    and the organization department's spot-check (重点抽查), from least to most authoritative."""

    SELF = "SELF"
    SECOND = "SECOND"
    CROSS = "CROSS"
    SPOT = "SPOT"


ENUM_ZH: Final[dict[str, dict[str, str]]] = {
    "GridKind": {
        "GOVERNMENT_SERVICE": "政务服务",
        "LAW_ENFORCEMENT": "综合执法",
        "SOCIAL_ASSISTANCE": "社会救助",
        "LIFE_SERVICE": "生活服务",
        "PUBLIC_SAFETY": "公共安全",
    },
    "BuildingKind": {"BUILDING": "楼栋", "COURTYARD": "院落"},
    "HouseholdTag": {
        "FLOATING": "流动人口",
        "ELDERLY_ALONE": "独居老人",
        "KEY_GROUP": "重点人群",
        "LOW_INCOME": "低收入",
        "DISABILITY": "残疾",
    },
    "OrgLevel": {
        "STREET_COMMITTEE": "街道党(工)委",
        "COMMUNITY_COMMITTEE": "社区党委",
        "GRID_BRANCH": "网格党支部",
        "BUILDING_GROUP": "楼栋(院落)党小组",
        "UNIT_BRANCH": "单位党支部",
        "GRID_GROUP": "网格党小组",
    },
    "Star": {"DEMONSTRATION": "示范", "EXCELLENT": "优秀", "QUALIFIED": "合格", "UNQUALIFIED": "不合格"},
    "MemberKind": {"RESIDENT": "居民党员", "IN_SERVICE": "在职党员", "RETIRED": "离退休党员", "FLOATING": "流动党员"},
    "Gender": {"F": "女", "M": "男"},
    "UnitKind": {
        "ENTERPRISE": "企业",
        "FINANCIAL_INSTITUTION": "金融机构",
        "CHAMBER_OR_ASSOCIATION": "商会/协会",
        "SOCIAL_ORGANIZATION": "社会组织",
        "PROPERTY_COMPANY": "物业公司",
        "GOVERNMENT_UNIT": "机关单位",
    },
    "ResourceKind": {
        "FUNDING": "资金",
        "VOLUNTEERS": "志愿者",
        "VENUE": "场地",
        "LEGAL_AID": "法律援助",
        "EMPLOYMENT": "就业",
        "ELDERLY_CARE": "养老",
        "HEALTH": "健康",
        "EDUCATION": "教育",
        "PROPERTY_SERVICE": "物业服务",
    },
    "AppealCategory": {
        "HOUSING_SAFETY": "房屋安全",
        "SANITATION": "环境卫生",
        "PROPERTY_SERVICE": "物业服务",
        "ELDERLY_CARE": "养老服务",
        "PARKING": "停车",
        "NEIGHBOUR_DISPUTE": "邻里纠纷",
        "PUBLIC_SAFETY": "治安",
        "FACILITIES": "设施维修",
        "OTHER": "其他",
    },
    "AppealSource": {
        "VANGUARD_VISIT": "先锋走访",
        "GRID_PATROL": "网格巡查",
        "HOTLINE": "热线",
        "ROUNDTABLE": "圆桌会议",
        "WALK_IN": "来访",
        "ONLINE": "网上反映",
    },
    "AppealStatus": {
        "REPORTED": "已反映",
        "ACCEPTED": "已受理",
        "ASSIGNED": "已派单",
        "RESOLVED": "已办结",
        "CLOSED": "已归档",
        "REJECTED": "不予受理",
    },
    "Satisfaction": {"SATISFIED": "满意", "BASICALLY_SATISFIED": "基本满意", "UNSATISFIED": "不满意"},
    "WorkerRole": {
        "GRID_WORKER": "网格员",
        "BUILDING_HEAD": "楼栋长",
        "INSTRUCTOR": "党建指导员",
        "SOCIAL_WORKER": "社区工作者",
    },
    "ActivityKind": {
        "ROUNDTABLE": "圆桌会议",
        "MONTHLY_CONTACT": "月联",
        "BRANCH_MEETING": "三会一课",
        "VOLUNTEER_SERVICE": "志愿服务",
        "ALLIANCE_ACTIVITY": "联盟活动",
        "SECRETARY_PROJECT_EVENT": "书记项目活动",
    },
    "ProjectCategory": {
        "ESTATE_MANAGEMENT": "物业管理",
        "SAFETY": "平安建设",
        "ENVIRONMENT": "环境整治",
        "OLD_ESTATE_RENOVATION": "老旧小区改造",
        "PARKING": "停车治理",
        "ELDERLY_CARE": "为老服务",
        "CIVILITY": "文明创建",
        "LEGAL_AWARENESS": "普法宣传",
        "DISPUTE_MEDIATION": "矛盾调解",
        "EMPLOYMENT": "就业帮扶",
    },
    "ProjectStage": {"PROPOSED": "组织发起", "LED": "党员领办", "IN_PROGRESS": "群众参与", "REVIEWED": "居民评议"},
    "AssessmentKind": {"SELF": "自查", "SECOND": "复查", "CROSS": "交叉互查", "SPOT": "重点抽查"},
    "CommunityKind": {"COMMUNITY": "社区", "VILLAGE": "村"},
}
"""The Chinese term of each value of every enum of the properties, by enum class name: what
the spreadsheets show and accept (``示范`` for ``DEMONSTRATION``), and what the API's
descriptions of the values start with (resolvers/enums.py).  Terms are unique within an enum
and contain no ``,`` or ``;`` (the separators of drop-down lists and list cells)."""


def enum_terms(enum: builtins.type[StrEnum]) -> dict[str, str]:
    """Value → Chinese term of a property enum (every value has one).

    >>> enum_terms(Star)["DEMONSTRATION"]
    '示范'
    """
    return ENUM_ZH[enum.__name__]


def enum_value(enum: builtins.type[StrEnum], text: str) -> str:
    """The value that ``text`` names: a value itself, or its Chinese term; else ``text`` unchanged
    (for validation to refuse).

    >>> enum_value(MemberKind, "在职党员"), enum_value(MemberKind, "RETIRED"), enum_value(Gender, "?")
    ('IN_SERVICE', 'RETIRED', '?')
    """
    return _ZH_VALUES[enum.__name__].get(text, text)


_ZH_VALUES: Final[dict[str, dict[str, str]]] = {
    name: {zh: value for value, zh in terms.items()} for name, terms in ENUM_ZH.items()
}
