"""The "双强双优" star-rating campaign as data: the template of categories and requirements, the
rounds, which organizations are rated, and which assessment of a branch is final.

The seed article names the campaign's size (6 categories, 34 requirements) and three of its
categories (组织设置, 班子建设, 组织生活), but not the rest nor the requirements.  The other three
categories and every requirement below are **synthetic**: a plausible template made for this
project (drawn from the guidance stations' remit in the same article: member education,
management, supervision, activities, premises), to be replaced by the organization
department's own when it is known.  Only its shape is the article's.

An assessment's ``scores`` say how many requirements of each category the branch met,
``"<CATEGORY>:<count>"``; a category left out was not scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graph_schema.contract import AssessmentKind, OrgLevel, Star


@dataclass(frozen=True, slots=True)
class Category:
    """One category of the template and its requirements (要求)."""

    code: str
    zh: str
    requirements: tuple[str, ...]
    synthetic: bool
    """True when the article does not name this category (its requirements are all synthetic)."""


TEMPLATE: Final[tuple[Category, ...]] = (
    Category(
        "ORGANIZATION_SETUP",
        "组织设置",
        (
            "按网格或单位设置党支部",
            "党小组覆盖楼栋(院落)",
            "按期换届",
            "组织关系隶属清晰",
            "党员信息台账完整",
            "流动党员纳入管理",
        ),
        False,
    ),
    Category(
        "LEADERSHIP",
        "班子建设",
        (
            "支部书记选优配强",
            "委员分工明确",
            "班子成员联系党员群众",
            "书记项目有推进",
            "班子成员参加培训",
            "后备力量有储备",
        ),
        False,
    ),
    Category(
        "ORGANIZATIONAL_LIFE",
        "组织生活",
        (
            "三会一课按期开展",
            "主题党日每月开展",
            "组织生活会每年召开",
            "民主评议党员",
            "谈心谈话常态开展",
            "会议记录规范完整",
        ),
        False,
    ),
    Category(
        "MEMBER_EDUCATION",
        "党员教育管理",
        (
            "党员学习计划落实",
            "党费按时足额缴纳",
            "党员亮身份践承诺",
            "先锋党员联户到位",
            "发展党员程序规范",
            "党员监督有记录",
        ),
        True,
    ),
    Category(
        "PREMISES",
        "阵地建设",
        (
            "活动场所有标识",
            "先锋驿站正常运行",
            "制度上墙公开",
            "台账资料归档",
            "阵地开放服务群众",
        ),
        True,
    ),
    Category(
        "SERVICE",
        "作用发挥",
        (
            "月联月访落实",
            "群众诉求及时办结",
            "圆桌会议议事协商",
            "志愿服务常态开展",
            "群众满意度测评达标",
        ),
        True,
    ),
)
"""The 6 categories and 34 requirements (the first three categories named by the article, the rest
and every requirement synthetic, see the module docstring)."""

CATEGORIES: Final[dict[str, Category]] = {c.code: c for c in TEMPLATE}
CATEGORY_ZH: Final[dict[str, str]] = {c.code: c.zh for c in TEMPLATE}
_CATEGORY_BY_ZH: Final[dict[str, str]] = {c.zh: c.code for c in TEMPLATE}

RATED_LEVELS: Final[frozenset[OrgLevel]] = frozenset(
    {OrgLevel.GRID_BRANCH, OrgLevel.UNIT_BRANCH, OrgLevel.COMMUNITY_COMMITTEE}
)
"""The levels of organization the campaign rates: branches (grid and unit branches, and the
community-level party organizations), never party groups nor the street committees."""

AUTHORITY: Final[dict[AssessmentKind, int]] = {
    AssessmentKind.SELF: 0,
    AssessmentKind.SECOND: 1,
    AssessmentKind.CROSS: 2,
    AssessmentKind.SPOT: 3,
}
"""How authoritative each kind of check is: a spot-check overrides a cross-check, which
overrides the second screening, which overrides the branch's own."""

CONCLUDING_KINDS: Final[frozenset[AssessmentKind]] = frozenset(
    {AssessmentKind.SECOND, AssessmentKind.CROSS, AssessmentKind.SPOT}
)
"""Kinds that can conclude a round (all but the branch's own check): an UNQUALIFIED result of
one of them must set a rectification deadline."""

_ROUND: Final = re.compile(r"^(\d{4})-([1-9]\d?)$")


def round_key(round_: str) -> tuple[int, int]:
    """The order of a round: ``(year, n)``; an ill-formed round sorts first.

    >>> sorted(["2026-1", "2025-2", "2026-10", "2026-2"], key=round_key)
    ['2025-2', '2026-1', '2026-2', '2026-10']
    """
    m = _ROUND.match(round_)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def round_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a round (``<year>-<n>``, n from 1 to 99), or None.

    >>> round_problem("2026-1") is None, round_problem("2026Q1")
    (True, ('FORMAT', 'a round is <year>-<n>, as 2026-1'))
    """
    m = _ROUND.match(value)
    if m is None or not 2000 <= int(m.group(1)) <= 2100:
        return "FORMAT", "a round is <year>-<n>, as 2026-1"
    return None


def parse_score(value: str) -> tuple[str, int]:
    """``(category code, requirements met)`` of one score entry; the category may be its Chinese
    name.  Raises :class:`ValueError` saying why the entry is not a score of the template.

    >>> parse_score("LEADERSHIP:5"), parse_score("组织生活:6")
    (('LEADERSHIP', 5), ('ORGANIZATIONAL_LIFE', 6))
    >>> parse_score("SERVICE:9")
    Traceback (most recent call last):
    ...
    ValueError: SERVICE (作用发挥) has 5 requirements, so its score is 0 to 5, got 9
    """
    name, sep, count = value.partition(":")
    code = _CATEGORY_BY_ZH.get(name.strip(), name.strip())
    category = CATEGORIES.get(code)
    if not sep or category is None:
        known = ", ".join(CATEGORIES)
        raise ValueError(f"a score is <category>:<requirements met>, the category one of {known}")
    try:
        met = int(count.strip())
    except ValueError:
        raise ValueError(f"the score of {code} must be a whole number, got {count.strip()!r}") from None
    if not 0 <= met <= len(category.requirements):
        n = len(category.requirements)
        raise ValueError(f"{code} ({category.zh}) has {n} requirements, so its score is 0 to {n}, got {met}")
    return code, met


def normalize_score(value: str) -> str:
    """A score entry with its category as the code (``组织设置:5`` → ``ORGANIZATION_SETUP:5``); an
    entry that is not a score is returned unchanged, for validation to refuse.

    >>> normalize_score("班子建设： 4"), normalize_score("nonsense")
    ('LEADERSHIP:4', 'nonsense')
    """
    try:
        code, met = parse_score(value.replace("：", ":"))
    except ValueError:
        return value
    return f"{code}:{met}"


def score_label(value: str) -> str:
    """A score entry with its category's Chinese name, as spreadsheets show it.

    >>> score_label("ORGANIZATION_SETUP:5"), score_label("nonsense")
    ('组织设置:5', 'nonsense')
    """
    try:
        code, met = parse_score(value)
    except ValueError:
        return value
    return f"{CATEGORY_ZH[code]}:{met}"


TEMPLATE_SHEET: Final = "考核模板"
"""The sheet of the import template that lists the categories and requirements (read-only)."""


def template_rows() -> list[tuple[str, ...]]:
    """The template as rows: category code, Chinese name, requirement number, requirement,
    and whether it is synthetic; a header row first.

    >>> rows = template_rows()
    >>> len(rows) - 1, rows[1][:4]
    (34, ('ORGANIZATION_SETUP', '组织设置', '1', '按网格或单位设置党支部'))
    """
    out: list[tuple[str, ...]] = [("类别代码 category", "类别 name", "序号 no.", "要求 requirement", "来源 source")]
    for c in TEMPLATE:
        source = "synthetic (示例)" if c.synthetic else "article names the category; requirement synthetic (示例)"
        out += [(c.code, c.zh, str(i), text, source) for i, text in enumerate(c.requirements, start=1)]
    return out


def score_problem(value: str) -> tuple[str, str] | None:
    """Why one entry of ``scores`` is not a score of the template, or None.

    >>> score_problem("PREMISES:5") is None, score_problem("BUDGET:1")[0]
    (True, 'FORMAT')
    """
    try:
        parse_score(value)
    except ValueError as e:
        return "FORMAT", str(e)
    return None


def scores_of(scores: Iterable[str]) -> dict[str, int]:
    """Category → requirements met, of valid entries (the last entry of a category wins).

    >>> scores_of(["LEADERSHIP:5", "SERVICE:4"])
    {'LEADERSHIP': 5, 'SERVICE': 4}
    """
    out: dict[str, int] = {}
    for entry in scores:
        try:
            code, met = parse_score(entry)
        except ValueError:
            continue
        out[code] = met
    return out


def assessment_rule_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, reason)`` for each rule of an assessment's whole set of properties that it
    breaks: a category scored twice; ``rectify_by`` on a result other than UNQUALIFIED, or
    before the assessment; an UNQUALIFIED result of a concluding kind without ``rectify_by``.

    >>> assessment_rule_problems({"kind": "SECOND", "result": "UNQUALIFIED", "on": "2026-03-01"})
    [('rectify_by', 'an UNQUALIFIED result of a SECOND check needs rectify_by (the rectification deadline)')]
    >>> assessment_rule_problems({"kind": "SELF", "result": "EXCELLENT", "on": "2026-03-01",
    ...     "rectify_by": "2026-06-01"})
    [('rectify_by', 'only an UNQUALIFIED branch is given a rectification deadline, this result is EXCELLENT')]
    """
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in props.get("scores") or ():
        if not isinstance(entry, str):
            continue
        try:
            code, _ = parse_score(entry)
        except ValueError:
            continue
        if code in seen:
            out.append(("scores", f"{code} is scored more than once"))
        seen.add(code)
    result, kind, rectify_by, on = props.get("result"), props.get("kind"), props.get("rectify_by"), props.get("on")
    if rectify_by not in (None, ""):
        if result != Star.UNQUALIFIED:
            out.append(
                ("rectify_by", f"only an UNQUALIFIED branch is given a rectification deadline, this result is {result}")
            )
        elif isinstance(on, str) and isinstance(rectify_by, str) and rectify_by < on:
            out.append(("rectify_by", f"the rectification deadline {rectify_by} is before the assessment on {on}"))
    elif result == Star.UNQUALIFIED and kind in CONCLUDING_KINDS:
        why = f"an UNQUALIFIED result of a {kind} check needs rectify_by (the rectification deadline)"
        out.append(("rectify_by", why))
    return out


def final_assessment(assessments: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The final assessment of one branch: of its latest round, the most authoritative kind (a
    later date breaks a tie).  None without assessments.

    >>> final_assessment([
    ...     {"round": "2026-1", "kind": "SPOT", "on": "2026-04-01", "result": "QUALIFIED"},
    ...     {"round": "2026-2", "kind": "SELF", "on": "2026-09-01", "result": "EXCELLENT"},
    ...     {"round": "2026-2", "kind": "SECOND", "on": "2026-10-01", "result": "DEMONSTRATION"},
    ... ])["result"]
    'DEMONSTRATION'
    """
    best: Mapping[str, Any] | None = None
    best_key: tuple[tuple[int, int], int, str] | None = None
    for a in assessments:
        kind = str(a.get("kind"))
        authority = AUTHORITY[AssessmentKind(kind)] if kind in AssessmentKind.__members__ else -1
        key = (round_key(str(a.get("round", ""))), authority, str(a.get("on", "")))
        if best_key is None or key > best_key:
            best, best_key = a, key
    return best


def final_star(assessments: Iterable[Mapping[str, Any]], given: str | None = None) -> str | None:
    """The ``star`` a branch shows: its final assessment's result, else the star it was given.

    >>> self_check = {"round": "2026-1", "kind": "SELF", "result": "QUALIFIED"}
    >>> final_star([], "EXCELLENT"), final_star([self_check], "EXCELLENT")
    ('EXCELLENT', 'QUALIFIED')
    """
    final = final_assessment(assessments)
    if final is None:
        return given
    result = final.get("result")
    return str(result) if result is not None else given
