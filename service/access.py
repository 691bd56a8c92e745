"""Who a GraphQL request acts for: a bearer token, checked here, becomes a :class:`Viewer`.

Tokens come from two places, both optional (``README.md``, "Users, roles and tokens"):

* **JWTs** of the city's identity provider, or minted with ``civicmesh token`` from an HS256
  secret (:mod:`service.tokens`).  Claims: ``sub``, ``name``, ``role``, ``scope`` (the local id
  of the node the role is bound to), ``reveal_pii``; ``exp`` is required.
* **The access file** (``CIVICMESH_ACCESS_FILE``) for service accounts: opaque tokens, each
  listed by its SHA-256 (never in clear) with a name, a role, a scope and ``reveal_pii``::

      {"tokens": [{"sha256": "<64 hex digits>", "name": "大屏", "role": "ANALYST", "scope": "st-01"}]}

  An entry without ``role`` is an ``ADMIN`` (the access it had before roles existed).

A JWT's ``sub`` may name a :class:`Worker <graph_schema.Label>` (网格员, 楼栋长, ...) by its local
id.  When such a token names no ``scope`` and its role takes one, its scope is the one area
the worker ``WORKS_IN`` (a worker who works in several areas, or none, must be given a scope by
the token); the usual checks of the scope then apply (a ``GRID_WORKER`` token of a building
head, who works in a building, is refused).  The audit trail names the worker as the actor.

With any of them configured, a request without a token, with a token that fails verification,
or whose role or scope is wrong (unknown role; a scope that does not exist, that is missing
where the role needs one, or whose label the role cannot be bound to) is refused with 401 and
a sentence saying why.  With none configured, every request acts as an anonymous ``ADMIN``
(personal data as ``CIVICMESH_REVEAL_PII`` says), which :func:`startup_problem` allows only on
a loopback address.  ``CIVICMESH_PROFILE=production`` requires token configuration.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from graph_schema.roles import Role
from loaders.expiring import ExpiringCache
from resolvers.privacy import Viewer
from service.settings import Settings
from service.tokens import JwtVerifier, TokenConfigError, TokenError, TokenSettings

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
PROFILES: Final = ("development", "production")
SCOPE_CACHE_SECONDS: Final = 10.0
"""How long a token's scope is taken to exist (or not) without asking the store again."""

ROLE_NAMES: Final = ", ".join(r.value for r in Role)


class AccessConfigError(ValueError):
    """The access configuration cannot be used; the message names the setting and the reason."""


class AccessFileError(AccessConfigError):
    """The access file cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True, slots=True)
class Grant:
    """One access-file entry: who holds the token and what they may do."""

    name: str
    reveal_pii: bool = False
    role: Role = Role.ADMIN
    scope: str | None = None
    sub: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is refused (401): ``code`` (``TOKEN_EXPIRED``, ...) and a sentence.
    ``sub``, ``name``, ``role`` and ``scope`` are what a token whose signature was good
    claims, as far as they could be read (for the audit trail); None otherwise."""

    code: str
    message: str
    sub: str | None = None
    name: str | None = None
    role: str | None = None
    scope: str | None = None

    @classmethod
    def of(cls, code: str, message: str, viewer: Viewer) -> Refusal:
        return cls(code, message, viewer.sub, viewer.name, viewer.role.value, viewer.scope)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which the access file lists a token.

    >>> token_digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def role_problem(role: Role, scope: str | None) -> str | None:
    """What is wrong with binding ``role`` to ``scope`` before looking at the store, or None.

    >>> role_problem(Role.GRID_WORKER, None)
    'a GRID_WORKER must name its scope: the local id of a Grid'
    >>> role_problem(Role.ADMIN, "g1")
    "an ADMIN takes no scope (got 'g1')"
    >>> role_problem(Role.CITY, None) is None
    True
    """
    labels = " or a ".join(sorted(label.value for label in role.scope_labels))
    article = "an" if role.value[0] in "AEIOU" else "a"
    if scope is None:
        return f"{article} {role.value} must name its scope: the local id of a {labels}" if role.needs_scope else None
    if not role.scope_labels:
        return f"{article} {role.value} takes no scope (got {scope!r})"
    return None


_GRANT_FIELDS = ("sha256", "name", "reveal_pii", "role", "scope", "sub")


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
        role_name, scope, sub = entry.get("role", Role.ADMIN.value), entry.get("scope"), entry.get("sub")
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise AccessFileError(f"{where}, field sha256: expected 64 lower-case hex digits (the token's SHA-256)")
        if not isinstance(name, str) or not name.strip():
            raise AccessFileError(f"{where}, field name: expected a non-empty string (who holds the token)")
        if not isinstance(reveal, bool):
            raise AccessFileError(f"{where}, field reveal_pii: expected true or false, got {reveal!r}")
        unknown = sorted(set(entry) - set(_GRANT_FIELDS))
        if unknown:
            raise AccessFileError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(_GRANT_FIELDS)})")
        if role_name not in Role.__members__:
            raise AccessFileError(f"{where}, field role: {role_name!r} is not a role ({ROLE_NAMES})")
        if scope is not None and (not isinstance(scope, str) or not scope.strip()):
            raise AccessFileError(f"{where}, field scope: expected the local id of a node, got {scope!r}")
        if sub is not None and (not isinstance(sub, str) or not sub.strip()):
            raise AccessFileError(f"{where}, field sub: expected a non-empty string, got {sub!r}")
        role = Role(role_name)
        problem = role_problem(role, scope)
        if problem:
            raise AccessFileError(f"{where}, field scope: {problem}")
        if digest in grants:
            raise AccessFileError(f"{where}, field sha256: the same token is listed twice")
        grants[digest] = Grant(name.strip(), reveal, role, scope, sub or f"token:{digest[:12]}")
    return grants


ScopeLabel = Callable[[str], Awaitable[str | None]]
"""The label of the node with a local id (None when there is none): the store, asked."""

WorkerAreas = Callable[[str], Awaitable[list[str] | None]]
"""The areas the Worker with a local id WORKS_IN, sorted (None when no Worker has that id): the store, asked."""


class Access:
    """Turns a request's ``Authorization`` header into the viewer it acts for, or a :class:`Refusal`."""

    def __init__(
        self,
        grants: dict[str, Grant] | None = None,
        default_reveal_pii: bool = False,
        verifier: JwtVerifier | None = None,
    ) -> None:
        self.grants = grants
        self.verifier = verifier
        self.default = Viewer(reveal_pii=default_reveal_pii)
        self._scopes: ExpiringCache[str, str | None] = ExpiringCache(SCOPE_CACHE_SECONDS)
        self._workers: ExpiringCache[str, list[str] | None] = ExpiringCache(SCOPE_CACHE_SECONDS)

    @property
    def enabled(self) -> bool:
        """Whether requests must carry a token."""
        return self.grants is not None or self.verifier is not None

    async def identify(
        self, authorization: str | None, scope_label: ScopeLabel, worker_areas: WorkerAreas | None = None
    ) -> Viewer | Refusal:
        """The viewer of a request with this ``Authorization`` header (a fresh one per request);
        ``worker_areas`` lets a JWT whose ``sub`` names a Worker default its scope (module docstring)."""
        if not self.enabled:
            return self.default.for_request()
        if not authorization:
            return Refusal("TOKEN_MISSING", "this service requires a bearer token (Authorization: Bearer <token>)")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return Refusal("TOKEN_MALFORMED", "the Authorization header must be 'Bearer <token>'")
        if token.count(".") == 2:
            if self.verifier is None:
                return Refusal(
                    "TOKEN_UNKNOWN",
                    "this service takes no JWTs (neither CIVICMESH_JWT_SECRET nor CIVICMESH_JWKS is set)",
                )
            try:
                if self.verifier.fetches:
                    claims = await asyncio.to_thread(self.verifier.verify, token)
                else:
                    claims = self.verifier.verify(token)
            except TokenError as exc:
                return Refusal(exc.code, exc.message)
            claimed = _viewer_of_claims(claims)
            if isinstance(claimed, Refusal):
                return claimed
            viewer = claimed
            if viewer.scope is None and viewer.role.scope_labels and worker_areas is not None:
                scoped = await self._worker_scope(viewer, worker_areas)
                if isinstance(scoped, Refusal):
                    return scoped
                viewer = scoped
            problem = role_problem(viewer.role, viewer.scope)
            if problem:
                return Refusal.of("TOKEN_SCOPE", f"the token's scope is wrong: {problem}", viewer)
        else:
            grant = self.grants.get(token_digest(token)) if self.grants is not None else None
            if grant is None:
                return Refusal("TOKEN_UNKNOWN", "unknown token")
            viewer = Viewer(
                reveal_pii=grant.reveal_pii, role=grant.role, scope=grant.scope, sub=grant.sub, name=grant.name
            )
        if viewer.scope is not None:
            problem = await self._scope_problem(viewer, scope_label)
            if problem:
                return Refusal.of("TOKEN_SCOPE", problem, viewer)
        return viewer.for_request()

    async def _worker_scope(self, viewer: Viewer, worker_areas: WorkerAreas) -> Viewer | Refusal:
        """``viewer`` bound to the area its subject works in, when the subject is a Worker."""
        sub = viewer.sub
        assert sub is not None
        areas = await self._workers.get(sub, lambda: worker_areas(sub))
        if areas is None:
            return viewer
        if len(areas) != 1:
            where = f"in {len(areas)} areas ({', '.join(areas[:5])})" if areas else "in no area"
            message = f"the token names no scope and its subject, worker {viewer.sub!r}, works {where}; name the scope"
            return Refusal.of("TOKEN_SCOPE", message, viewer)
        return replace(viewer, scope=areas[0])

    async def _scope_problem(self, viewer: Viewer, scope_label: ScopeLabel) -> str | None:
        scope = viewer.scope
        assert scope is not None
        label = await self._scopes.get(scope, lambda: scope_label(scope))
        if label is None:
            return f"the token's scope {scope!r} does not exist"
        allowed = {lab.value for lab in viewer.role.scope_labels}
        if label not in allowed:
            wanted = " or a ".join(sorted(allowed))
            return f"the token's scope {scope!r} is a {label}; a {viewer.role.value} is bound to a {wanted}"
        return None


def _viewer_of_claims(claims: dict[str, Any]) -> Viewer | Refusal:
    """The viewer a verified token's claims describe (or why they do not describe one)."""
    sub, name, role_name = claims.get("sub"), claims.get("name"), claims.get("role")
    scope, reveal = claims.get("scope"), claims.get("reveal_pii", False)
    if not isinstance(sub, str) or not sub.strip():
        return Refusal("TOKEN_CLAIMS", "the token has no subject (sub)")
    shown_name = name if isinstance(name, str) else None

    def refuse(code: str, message: str) -> Refusal:
        return Refusal(code, message, sub, shown_name)

    if name is not None and not isinstance(name, str):
        return refuse("TOKEN_CLAIMS", "the token's name claim must be a string")
    if not isinstance(reveal, bool):
        return refuse("TOKEN_CLAIMS", f"the token's reveal_pii claim must be true or false, got {reveal!r}")
    if role_name is None:
        return refuse("TOKEN_ROLE", f"the token has no role claim (one of {ROLE_NAMES})")
    if not isinstance(role_name, str) or role_name not in Role.__members__:
        return refuse("TOKEN_ROLE", f"the token's role {repr(role_name)[:60]} is not one of {ROLE_NAMES}")
    role = Role(role_name)
    if scope is not None and (not isinstance(scope, str) or not scope):
        return refuse("TOKEN_SCOPE", f"the token's scope must be the local id of a node, got {scope!r}")
    viewer = Viewer(reveal_pii=reveal, role=role, scope=scope, sub=sub, name=shown_name)
    problem = role_problem(role, scope)
    if problem and scope is not None:  # a missing scope may come from the subject (Access.identify)
        return Refusal.of("TOKEN_SCOPE", f"the token's scope is wrong: {problem}", viewer)
    return viewer


# --- configuration -------------------------------------------------------------------------------


def _secret(settings: Settings) -> str | None:
    if settings.jwt_secret or not settings.jwt_secret_file:  # the variable wins over the file
        return settings.jwt_secret
    path = Path(settings.jwt_secret_file)
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise AccessConfigError(f"CIVICMESH_JWT_SECRET_FILE {path}: cannot be read ({exc.strerror or exc})") from None
    if not secret:
        raise AccessConfigError(f"CIVICMESH_JWT_SECRET_FILE {path}: the file is empty")
    return secret


def token_settings(settings: Settings) -> TokenSettings:
    """The JWT part of the settings, with the secret read from its file if need be."""
    return TokenSettings(
        secret=_secret(settings), jwks=settings.jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )


def access_of(settings: Settings) -> Access:
    """The service's access rules from its settings (files read here, once);
    :class:`AccessConfigError` says what keeps them from being used."""
    if settings.profile not in PROFILES:
        raise AccessConfigError(f"CIVICMESH_PROFILE={settings.profile!r}: expected one of {', '.join(PROFILES)}")
    if settings.production and not settings.tokens_configured:
        raise AccessConfigError(
            "CIVICMESH_PROFILE=production needs tokens: set CIVICMESH_JWKS (the identity provider's keys), "
            "CIVICMESH_JWT_SECRET(_FILE) or CIVICMESH_ACCESS_FILE"
        )
    grants = load_grants(Path(settings.access_file)) if settings.access_file else None
    verifier = None
    tokens = token_settings(settings)
    if tokens.secret or tokens.jwks:
        try:
            verifier = JwtVerifier(tokens)
        except TokenConfigError as exc:
            raise AccessConfigError(str(exc)) from None
    return Access(grants, settings.reveal_pii, verifier)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback interface.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "10.0.0.5")]
    [True, True, True, False, False]
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_problem(settings: Settings, host: str) -> str | None:
    """Why the service must not start on ``host`` with these settings, or None."""
    if settings.tokens_configured or is_loopback(host):
        return None
    return (
        f"refusing to serve on {host} without tokens: every request would act as ADMIN, for anyone who can "
        "reach this address. Set CIVICMESH_JWT_SECRET (make one with `civicmesh secret`), CIVICMESH_JWKS or "
        "CIVICMESH_ACCESS_FILE (README.md, 'Users, roles and tokens'), or serve on 127.0.0.1."
    )
