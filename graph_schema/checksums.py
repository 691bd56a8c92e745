"""Format and checksum checks for the codes the contract carries (docs/design.md, "Code checks").

Each check answers None for a valid value, else ``(code, reason)``: ``FORMAT`` when the value
has not the shape of such a code, ``CHECKSUM`` when its check character is wrong.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Final

Reason = tuple[str, str]
"""``(code, reason)``: why a value is refused, and the stable code of that reason."""

_RID = re.compile(r"^\d{17}[\dX]$")
_RID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK: Final = "10X98765432"

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_DIVISION = re.compile(r"^\d{6}(\d{3}){0,2}$")


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID.

    >>> resident_id_check_digit("11010519491231002")
    'X'
    """
    total = sum(map(operator.mul, map(int, first17), _RID_WEIGHTS))
    return _RID_CHECK[total % 11]


def resident_id_problem(value: str, today: dt.date | None = None) -> Reason | None:
    """Why ``value`` is not a valid 18-character resident ID, or None when it is.

    >>> resident_id_problem("11010519491231002X") is None
    True
    >>> resident_id_problem("110105194912310021")
    ('CHECKSUM', 'check digit is 1, expected X')
    """
    if not _RID.match(value):
        return "FORMAT", "must be 17 digits followed by a digit or X"
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "FORMAT", f"digits 7-14 ({value[6:14]}) are not a real date"
    if born > (today or dt.date.today()):
        return "FORMAT", f"birth date {born.isoformat()} is in the future"
    expected = resident_id_check_digit(value[:17])
    if value[17] != expected:
        return "CHECKSUM", f"check digit is {value[17]}, expected {expected}"
    return None


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code.

    >>> credit_code_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(map(operator.mul, map(USCC_ALPHABET.index, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> Reason | None:
    """Why ``value`` is not a valid unified social credit code, or None when it is.

    >>> credit_code_problem("91350100M000100Y43") is None
    True
    >>> credit_code_problem("91350100M000100Y44")
    ('CHECKSUM', 'check character is 4, expected 3')
    """
    if not _USCC.match(value):
        return "FORMAT", "must be 18 characters: 2 from the code alphabet, 6 digits, 10 from the code alphabet"
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        return "CHECKSUM", f"check character is {value[17]}, expected {expected}"
    return None


def mobile_problem(value: str) -> Reason | None:
    """Why ``value`` is not a mainland mobile number, or None.

    >>> mobile_problem("13812341234") is None
    True
    >>> mobile_problem("12812341234")
    ('FORMAT', 'must be 11 digits starting 13-19')
    """
    return None if _MOBILE.match(value) else ("FORMAT", "must be 11 digits starting 13-19")


def division_code_problem(value: str) -> Reason | None:
    """Why ``value`` is not an administrative division code (6, 9 or 12 digits), or None.

    >>> division_code_problem("320281001001") is None
    True
    >>> division_code_problem("32028")
    ('FORMAT', 'must be 6, 9 or 12 digits (county, township, village or community)')
    """
    if _DIVISION.match(value):
        return None
    return "FORMAT", "must be 6, 9 or 12 digits (county, township, village or community)"
