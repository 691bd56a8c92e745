"""Masking of personal information (PIPL): one place, so a role model can grow around it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_schema.contract import NODE_SPECS, PII_FIELDS, Label


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


def mask_value(label: str, field: str, value: Any) -> Any:
    """Mask ``value`` of ``label.field`` when it is personal information, else return it."""
    try:
        lab = Label(label)
    except ValueError:
        return value
    if field not in PII_FIELDS[lab] or not isinstance(value, str):
        return value
    check = NODE_SPECS[lab].props[field].check
    return _MASKERS.get(check or "", mask_name)(value)


def masked(label: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``properties`` with every PII field of ``label`` masked."""
    return {k: mask_value(label, k, v) for k, v in properties.items()}


_PII_BY_NAME: dict[str, frozenset[str]] = {label.value: fields for label, fields in PII_FIELDS.items()}


def without_pii(label: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``properties`` without the PII fields of ``label``."""
    pii = _PII_BY_NAME.get(label)
    if not pii:
        return dict(properties)
    return {k: v for k, v in properties.items() if k not in pii}
