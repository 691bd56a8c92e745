"""Global IDs: the Relay convention, ``base64("<TypeName>:<id>")``.

GraphQL type names equal the labels, so a global ID says both what and which.
"""

from __future__ import annotations

import base64
import binascii

_b64 = binascii.b2a_base64


def to_global_id(label: str, node_id: str) -> str:
    """Encode a label and an id.

    >>> to_global_id("Community", "c-001")
    'Q29tbXVuaXR5OmMtMDAx'
    """
    return _b64(f"{label}:{node_id}".encode(), newline=False).decode("ascii")  # base64.b64encode, one call less


def from_global_id(global_id: str) -> tuple[str, str]:
    """Decode a global ID into (label, id); ``ValueError`` names what is wrong.

    >>> from_global_id("Q29tbXVuaXR5OmMtMDAx")
    ('Community', 'c-001')
    """
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise ValueError(f"{global_id!r} is not a global ID (base64 of 'Type:id')") from None
    label, sep, node_id = text.partition(":")
    if not sep or not label or not node_id:
        raise ValueError(f"{global_id!r} is not a global ID (base64 of 'Type:id')")
    return label, node_id
