"""Masking of personal information (PIPL): the one place that decides how a personal value is
shown to a viewer who may not see it.

Names keep their first and last character, mobile numbers their first 3 and last 4 digits,
resident IDs their region and last 4 characters; every other personal property (a
household's address, a member's birth year and gender) is withheld (null).  Household tags
lose the vulnerable ones (``graph_schema.VULNERABLE_TAGS``).  The API (``resolvers.privacy``),
the exports and what analyses print all mask through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_schema.contract import NODE_SPECS, PII_FIELDS, VULNERABLE_TAGS, Label


def mask_mobile(value: str) -> str:
    """Keep the first 3 and last 4 digits.

    >>> mask_mobile("13812341234")
    '138****1234'
    """
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(value: str) -> str:
    """Keep the first and last character of a name; two-character names keep the first.

    >>> mask_name("张三丰")
    '张*丰'
    >>> mask_name("李四")
    '李*'
    >>> mask_name("欧阳娜娜")
    '欧**娜'
    """
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_id_number(value: str) -> str:
    """Keep the region (6) and the last 4 characters of a resident ID.

    >>> mask_id_number("11010519491231002X")
    '110105********002X'
    """
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


_MASKERS = {"mobile": mask_mobile, "resident_id": mask_id_number}
_NAMES = frozenset({"name", "head_name"})
_VULNERABLE = frozenset(tag.value for tag in VULNERABLE_TAGS)


def public_tags(tags: Any) -> Any:
    """Household tags without the vulnerable ones.

    >>> public_tags(["FLOATING", "LOW_INCOME", "ELDERLY_ALONE"])
    ['FLOATING']
    """
    if not isinstance(tags, list):
        return tags
    return [t for t in tags if t not in _VULNERABLE]


def mask_value(label: str, field: str, value: Any) -> Any:
    """Mask ``value`` of ``label.field`` when it is personal information, else return it.

    >>> mask_value("Household", "phone", "13812341234")
    '138****1234'
    >>> mask_value("Household", "address", "东门路1号3单元402室") is None
    True
    >>> mask_value("Household", "tags", ["DISABILITY", "FLOATING"])
    ['FLOATING']
    >>> mask_value("Building", "address", "东门路1号")
    '东门路1号'
    """
    try:
        lab = Label(label)
    except ValueError:
        return value
    if lab is Label.HOUSEHOLD and field == "tags":
        return public_tags(value)
    if field not in PII_FIELDS[lab]:
        return value
    check = NODE_SPECS[lab].props[field].check
    if check in _MASKERS and isinstance(value, str):
        return _MASKERS[check](value)
    if field in _NAMES and isinstance(value, str):
        return mask_name(value)
    return None


def masked(label: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``properties`` with every personal value of ``label`` masked (withheld ones null)."""
    return {k: mask_value(label, k, v) for k, v in properties.items()}


_PII_BY_NAME: dict[str, frozenset[str]] = {label.value: fields for label, fields in PII_FIELDS.items()}


def without_pii(label: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``properties`` without the PII fields of ``label`` (what the analytics
    projection keeps: vulnerable tags stay, analyses need them)."""
    pii = _PII_BY_NAME.get(label)
    if not pii:
        return dict(properties)
    return {k: v for k, v in properties.items() if k not in pii}


def pii_fields(label: str) -> frozenset[str]:
    """The personal fields of ``label`` (empty for a label without any, or an unknown one).

    >>> sorted(pii_fields("Household"))[:2], pii_fields("Building")
    (['address', 'head_id_number'], frozenset())
    """
    return _PII_BY_NAME.get(label, frozenset())


def public_properties(label: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``properties`` with nothing personal: no PII fields, no vulnerable tags
    (what leaves the service without personal information: exports, reports).

    >>> public_properties("Household", {"name": "101室", "tags": ["LOW_INCOME"], "phone": "13812341234"})
    {'name': '101室', 'tags': []}
    """
    out = without_pii(label, properties)
    if label == Label.HOUSEHOLD.value and "tags" in out:
        out["tags"] = public_tags(out["tags"])
    return out
