"""Who a GraphQL request acts for: bearer tokens granted by an access file.

Without an access file (``CIVICMESH_ACCESS_FILE`` unset) every request acts for the same
viewer, who sees personal information unmasked only when ``CIVICMESH_REVEAL_PII`` is on.
With one, a request may carry ``Authorization: Bearer <token>``; the file grants each token
(stored as its SHA-256, never in clear) a name and whether it sees personal information
unmasked.  A request without a token acts for the default viewer; an unknown or malformed
token is refused (401), never downgraded silently.

The file::

    {"tokens": [{"sha256": "<64 hex digits>", "name": "东门社区 王五", "reveal_pii": true}]}

(``civicmesh token --name NAME [--reveal-pii]`` makes a token and prints its entry.)  Scoping
what a token may read by area (DESIGN.md "Privacy") is not implemented yet.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_schema.roles import Role
from resolvers.privacy import Viewer

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AccessFileError(ValueError):
    """The access file cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True, slots=True)
class Grant:
    name: str
    reveal_pii: bool = False
    role: Role = Role.ADMIN
    scope: str | None = None


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which the access file lists a token.

    >>> token_digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def load_grants(path: Path) -> dict[str, Grant]:
    """The grants of an access file, by token digest; :class:`AccessFileError` when it is unusable."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccessFileError(f"access file {path}: cannot be read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise AccessFileError(f"access file {path}: not JSON ({where}: {exc.msg})") from None
    entries = raw.get("tokens") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise AccessFileError(f'access file {path}: expected {{"tokens": [...]}} at the top')
    grants: dict[str, Grant] = {}
    for i, entry in enumerate(entries):
        where = f"access file {path}, tokens[{i}]"
        if not isinstance(entry, dict):
            raise AccessFileError(f"{where}: expected an object")
        digest, name, reveal = entry.get("sha256"), entry.get("name"), entry.get("reveal_pii", False)
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise AccessFileError(f"{where}, field sha256: expected 64 lower-case hex digits (the token's SHA-256)")
        if not isinstance(name, str) or not name.strip():
            raise AccessFileError(f"{where}, field name: expected a non-empty string (who holds the token)")
        if not isinstance(reveal, bool):
            raise AccessFileError(f"{where}, field reveal_pii: expected true or false, got {reveal!r}")
        role, scope = entry.get("role", Role.ADMIN.value), entry.get("scope")
        if role not in {r.value for r in Role}:
            known = ", ".join(r.value for r in Role)
            raise AccessFileError(f"{where}, field role: expected one of {known}, got {role!r}")
        if scope is not None and (not isinstance(scope, str) or not scope.strip()):
            raise AccessFileError(f"{where}, field scope: expected the local id of a node, got {scope!r}")
        if scope is None and Role(role).needs_scope:
            raise AccessFileError(f"{where}, field scope: a {role} token must be bound to a node (its scope)")
        unknown = sorted(set(entry) - {"sha256", "name", "reveal_pii", "role", "scope"})
        if unknown:
            raise AccessFileError(
                f"{where}: unknown field(s) {', '.join(unknown)} (known: sha256, name, reveal_pii, role, scope)"
            )
        if digest in grants:
            raise AccessFileError(f"{where}, field sha256: the same token is listed twice")
        grants[digest] = Grant(name.strip(), reveal, Role(role), scope.strip() if scope else None)
    return grants


class Access:
    """Turns a request's ``Authorization`` header into the viewer it acts for."""

    def __init__(self, grants: dict[str, Grant] | None, default_reveal_pii: bool = False) -> None:
        self.grants = grants
        self.default = Viewer(reveal_pii=default_reveal_pii)

    @property
    def enabled(self) -> bool:
        return self.grants is not None

    def viewer_for(self, authorization: str | None) -> Viewer | str:
        """The viewer, or why the request is refused."""
        if self.grants is None or not authorization:
            return self.default
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "the Authorization header must be 'Bearer <token>'"
        grant = self.grants.get(token_digest(token.strip()))
        if grant is None:
            return "unknown token"
        return Viewer(reveal_pii=grant.reveal_pii, role=grant.role, scope=grant.scope, name=grant.name)
