"""Opaque keyset cursors shared by both stores: ``base64(json([sort value, id]))``."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

SORTABLE = ("id", "name", "due", "reported_on")
"""Fields a listing can be ordered by: every node has ``id`` and ``name``; an appeal's ``due`` and
``reported_on`` sort a node without them as the empty text (first when ascending), in both stores."""


def encode_cursor(value: Any, node_id: str) -> str:
    """An opaque cursor for the node ``node_id`` whose sort value is ``value``.

    >>> decode_cursor(encode_cursor("东门社区", "c-1"))
    ('东门社区', 'c-1')
    """
    raw = json.dumps([value, node_id], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        value, node_id = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        raise ValueError(f"{cursor!r} is not a cursor this service handed out") from None
    if not isinstance(node_id, str):
        raise ValueError(f"{cursor!r} is not a cursor this service handed out")
    return value, node_id


def check_order_field(field: str) -> None:
    if field not in SORTABLE:
        raise ValueError(f"cannot order by {field!r}; choose one of {', '.join(SORTABLE)}")
