"""What each property of the data contract means, said once for the API's descriptions.

The output types (``Street.code``), the create inputs (``CreateStreetInput.code``) and the
update inputs (``UpdateStreetInput.code``) describe a property with the same sentence:
:func:`prop` gives it, :func:`change` adds what omitting it and null mean in an update.
Personal information says when it is masked (:data:`PII`).
"""

from __future__ import annotations

from graph_schema import NODE_SPECS, Label

PII = (
    "Personal information: masked ({example}) unless the viewer may see personal information (a bearer token "
    "granted reveal_pii, or the service's CIVICMESH_REVEAL_PII for requests without a token); stored as given."
)

_NAMES = {
    Label.STREET: "Name of the street or town (名称), e.g. 澄江街道.",
    Label.COMMUNITY: "Name of the community (名称), e.g. 尚贤社区.",
    Label.GRID: "Name of the grid (名称), e.g. 尚贤社区第1网格.",
    Label.BUILDING: "Name of the building or courtyard (名称), e.g. 康乐雅苑1栋.",
    Label.HOUSEHOLD: "The household's name as recorded (名称): its door, e.g. 康乐雅苑1栋1单元101室; "
    "not personal information.",
    Label.PARTY_ORGANIZATION: "Name of the organization (名称), e.g. 中共江阴市澄江街道工作委员会.",
    Label.PARTY_MEMBER: "The member's name (姓名). " + PII.format(example="张*丰: first and last character kept"),
    Label.VANGUARD_STATION: "Name of the station (名称), e.g. 康乐雅苑2栋先锋驿站.",
    Label.ALLIANCE: "Name of the alliance (名称), e.g. 澄江街道公益同心党建联盟.",
    Label.ALLIANCE_MEMBER: "Name of the unit (名称), e.g. 江阴市永泰科技有限公司.",
    Label.WORKER: "The worker's name (姓名). " + PII.format(example="张*丰: first and last character kept"),
    Label.GUIDANCE_STATION: "Name of the guidance station (名称), e.g. 澄江街道基层党建工作指导站.",
}

_MOBILE = "Mobile number (联系电话), 11 digits starting 13-19; null when not recorded. " + PII.format(
    example="138****1234"
)
_RESIDENT_ID = (
    "{who} resident ID number ({zh}, GB 11643: 18 characters, the last a check digit or X); null when not "
    "recorded. " + PII.format(example="320281********1234: region and last 4 kept")
)

_PROPS: dict[tuple[Label, str], str] = {
    (Label.STREET, "code"): "Administrative division code (区划代码): the county's 6 digits (Jiangyin 320281) and "
    "the township's 3, e.g. 320281001; null when not recorded.",
    (Label.COMMUNITY, "code"): "Administrative division code (区划代码): 12 digits (county 6, township 3, "
    "community or village 3; villages number from 201), e.g. 320281001001; null when not recorded.",
    (Label.COMMUNITY, "kind"): "An urban community (社区) or a village (村) (类型).",
    (Label.GRID, "kinds"): "The grid types merged into this grid (网格类型, 一张网); empty when none are recorded.",
    (Label.GRID, "target_households"): "The households the grid should have (目标户数, at least 1); without it the "
    "norm of 300 households a grid applies. Structure analytics flag a grid outside ±50% of it.",
    (Label.BUILDING, "kind"): "A building (楼栋) or a courtyard (院落).",
    (Label.BUILDING, "address"): "Postal address (地址); null when not recorded.",
    (Label.HOUSEHOLD, "address"): "Postal address (地址); null when not recorded.",
    (Label.HOUSEHOLD, "size"): "How many people live in the household (人数, at least 1); null when not recorded.",
    (Label.HOUSEHOLD, "tags"): "Tags (标签) that call for attention, e.g. ELDERLY_ALONE; empty when none. Coverage "
    "plans give tagged households a vanguard first.",
    (Label.HOUSEHOLD, "head_name"): "Name of the head of the household (户主姓名); null when not recorded. "
    + PII.format(example="张*丰: first and last character kept"),
    (Label.HOUSEHOLD, "phone"): _MOBILE,
    (Label.HOUSEHOLD, "head_id_number"): _RESIDENT_ID.format(who="The head's", zh="户主身份证号"),
    (Label.PARTY_ORGANIZATION, "level"): "Its level (层级) in the four-level system (street committee, community "
    "committee, grid branch, building group), or a unit's own branch.",
    (Label.PARTY_ORGANIZATION, "star"): 'Star rating of the branch (星级, "双强双优"); null when not rated.',
    (Label.PARTY_ORGANIZATION, "external"): "Whether it is a branch outside the city or of an outside unit "
    "(外单位党组织): an in-service member's workplace branch that governs no area here. Absent means false.",
    (Label.PARTY_MEMBER, "kind"): "Kind of member (类别): resident, in service elsewhere, retired or floating.",
    (Label.PARTY_MEMBER, "vanguard"): "Whether the member is a vanguard member (先锋党员), who links about 10 "
    "members and N households (1+10+N); only vanguards' LINKS count in coverage. Absent means false.",
    (Label.PARTY_MEMBER, "gender"): "Gender (性别); null when not recorded.",
    (Label.PARTY_MEMBER, "birth_year"): "Year of birth (出生年份, 1900 or later); null when not recorded.",
    (Label.PARTY_MEMBER, "phone"): _MOBILE,
    (Label.PARTY_MEMBER, "id_number"): _RESIDENT_ID.format(who="The member's", zh="身份证号"),
    (Label.ALLIANCE, "theme"): "The alliance's theme (主题), e.g. 公益同心; null when not recorded.",
    (Label.ALLIANCE_MEMBER, "kind"): "Kind of unit (类型): enterprise, bank, association, property company…",
    (Label.ALLIANCE_MEMBER, "credit_code"): "Unified social credit code (统一社会信用代码, GB 32100: 18 characters, "
    "the last a check character); null when not recorded.",
    (Label.ALLIANCE_MEMBER, "resources"): "The resource kinds the unit brings (资源); empty when none. Alliance "
    "reach counts households per resource kind.",
    (Label.WORKER, "role"): "What the worker does (岗位): grid worker, building head, party-building instructor or "
    "community worker.",
    (Label.WORKER, "full_time"): "Whether the worker works full-time (专职); absent means part-time (兼职).",
    (Label.WORKER, "phone"): _MOBILE,
}


def prop(label: Label, name: str) -> str:
    """The description of property ``name`` of ``label``.

    >>> prop(Label.STREET, "code")[:40]
    'Administrative division code (区划代码): the'
    """
    if name == "name":
        return _NAMES[label]
    return _PROPS[(label, name)]


def change(label: Label, name: str) -> str:
    """The description of ``name`` in an update input: the property, then what omitting it and null do.

    >>> change(Label.STREET, "name").endswith("Omitted: unchanged; null is refused (REQUIRED).")
    True
    """
    required = NODE_SPECS[label].props[name].required
    return prop(label, name) + (
        " Omitted: unchanged; null is refused (REQUIRED)." if required else " Omitted: unchanged; null: removed."
    )


ID = "The id inside the graph (unique across all labels, e.g. hh-0101-01-01-001); one is made up when omitted."
UPDATE_ID = "Global ID of the node to change."
