"""JWT bearer tokens: verified with PyJWT against a shared secret (HS256) or a key set (JWKS).

Two ways to trust a token, never both at once:

* ``CIVICMESH_JWT_SECRET`` (or ``CIVICMESH_JWT_SECRET_FILE``): HS256 with a secret of at least
  32 characters, for small deployments; ``civicmesh token`` mints tokens with it;
* ``CIVICMESH_JWKS``: the city's identity provider's public keys, a JWKS file or an
  ``https://`` URL; RS256 or ES256; the token's ``kid`` picks the key, so keys rotate by adding
  the new one to the set and, later, removing the old one (a file is re-read when it changes,
  a URL at most every five minutes and when a token names a key it has not seen).

``exp`` is always required; ``iss`` and ``aud`` are checked when ``CIVICMESH_JWT_ISSUER`` and
``CIVICMESH_JWT_AUDIENCE`` are set.  A token that fails raises :class:`TokenError` with a code
(``TOKEN_EXPIRED``, ...) and a sentence saying why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet

SECRET_ALGORITHMS: Final = ("HS256",)
KEY_SET_ALGORITHMS: Final = ("RS256", "ES256")
MIN_SECRET_LENGTH: Final = 32
LEEWAY_SECONDS: Final = 30
"""Clock skew tolerated for ``exp``, ``nbf`` and ``iat``."""


class TokenConfigError(ValueError):
    """The token configuration cannot be used; the message names the setting and the reason."""


class TokenError(Exception):
    """A token that is refused: ``code`` for machines (and the audit trail), the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def new_secret() -> str:
    """A fresh HS256 secret: 256 random bits as 64 hex digits."""
    return secrets.token_hex(32)


def _shown(value: Any, limit: int = 80) -> str:
    """A claim value for a message: repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(timestamp: Any) -> str:
    try:
        return dt.datetime.fromtimestamp(float(timestamp), dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (TypeError, ValueError, OverflowError):
        return "an unreadable time"


class _KeyFile:
    """A JWKS file, read again whenever it changes (so that a rotated key set takes effect)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: PyJWKSet | None = None
        self.keys()  # refuse an unusable file at start-up

    def keys(self) -> PyJWKSet:
        try:
            stat = os.stat(self.path)
        except OSError as exc:
            raise TokenConfigError(f"CIVICMESH_JWKS {self.path}: cannot be read ({exc.strerror or exc})") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._keys is None or stamp != self._stamp:
                self._keys = _parse_key_set(self.path.read_bytes(), str(self.path))
                self._stamp = stamp
            return self._keys


def _parse_key_set(raw: bytes, where: str) -> PyJWKSet:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeError) as exc:
        raise TokenConfigError(f"CIVICMESH_JWKS {where}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise TokenConfigError(f'CIVICMESH_JWKS {where}: expected a JWKS object {{"keys": [...]}}')
    try:
        return PyJWKSet.from_dict(data)
    except jwt.PyJWTError as exc:
        raise TokenConfigError(f"CIVICMESH_JWKS {where}: no usable key ({exc})") from None


@dataclass(frozen=True, slots=True)
class TokenSettings:
    """What :class:`JwtVerifier` needs, from the service's settings."""

    secret: str | None = None
    jwks: str | None = None
    issuer: str | None = None
    audience: str | None = None


class JwtVerifier:
    """Verifies JWTs; :meth:`verify` returns the claims or raises :class:`TokenError`."""

    def __init__(self, config: TokenSettings) -> None:
        if config.secret and config.jwks:
            raise TokenConfigError(
                "both CIVICMESH_JWT_SECRET and CIVICMESH_JWKS are set; trust one kind of token: "
                "an HS256 secret or the identity provider's key set"
            )
        if not config.secret and not config.jwks:
            raise TokenConfigError("neither CIVICMESH_JWT_SECRET nor CIVICMESH_JWKS is set")
        self.issuer = config.issuer or None
        self.audience = config.audience or None
        self._secret: str | None = None
        self._file: _KeyFile | None = None
        self._client: PyJWKClient | None = None
        if config.secret:
            if len(config.secret) < MIN_SECRET_LENGTH:
                raise TokenConfigError(
                    f"CIVICMESH_JWT_SECRET is {len(config.secret)} characters; an HS256 secret needs at least "
                    f"{MIN_SECRET_LENGTH} (make one with `civicmesh secret`)"
                )
            self._secret = config.secret
            self.algorithms: tuple[str, ...] = SECRET_ALGORITHMS
        else:
            source = str(config.jwks)
            self.algorithms = KEY_SET_ALGORITHMS
            if source.startswith("https://"):
                self._client = PyJWKClient(source, cache_jwk_set=True, lifespan=300, timeout=10)
            elif "://" in source:
                raise TokenConfigError(
                    f"CIVICMESH_JWKS {source}: give a file path or an https:// URL (keys are never fetched in clear)"
                )
            else:
                self._file = _KeyFile(Path(source))

    @property
    def fetches(self) -> bool:
        """Whether verifying may wait for the network (a JWKS URL): run it off the event loop."""
        return self._client is not None

    def _key(self, header: dict[str, Any]) -> Any:
        if self._secret is not None:
            return self._secret
        kid = header.get("kid")
        if self._client is not None:
            try:
                if kid is None:
                    fetched = self._client.get_signing_keys()
                    if len(fetched) != 1:
                        raise TokenError("TOKEN_KEY", "the token names no key (kid), and the key set has several")
                    return fetched[0].key
                return self._client.get_signing_key(str(kid)).key
            except jwt.PyJWKClientConnectionError as exc:
                raise TokenError("TOKEN_KEY", f"the identity provider's key set cannot be fetched ({exc})") from None
            except jwt.PyJWKClientError:
                raise TokenError("TOKEN_KEY", f"the key set has no key {_shown(kid)} (was it rotated out?)") from None
        assert self._file is not None
        keys: list[PyJWK] = list(self._file.keys().keys)
        if kid is None:
            if len(keys) != 1:
                raise TokenError("TOKEN_KEY", f"the token names no key (kid), and the key set has {len(keys)}")
            return keys[0].key
        for key in keys:
            if key.key_id == kid:
                if key.algorithm_name and key.algorithm_name != header.get("alg"):
                    said = header.get("alg")
                    message = f"key {_shown(kid)} is for {key.algorithm_name}, the token says {said}"
                    raise TokenError("TOKEN_ALG", message)
                return key.key
        raise TokenError("TOKEN_KEY", f"the key set has no key {_shown(kid)} (was it rotated out?)")

    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenError("TOKEN_MALFORMED", "the bearer token is not a JWT this service can read") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg.lower() == "none":
            raise TokenError("TOKEN_ALG", "the token is not signed (alg none); unsigned tokens are never accepted")
        if alg not in self.algorithms:
            accepted = ", ".join(self.algorithms)
            raise TokenError("TOKEN_ALG", f"the token is signed with {_shown(alg)}; this service accepts {accepted}")
        key = self._key(header)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                audience=self.audience,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": ["exp"],
                    "verify_aud": self.audience is not None,
                    "verify_iss": self.issuer is not None,
                    "verify_sub": False,  # checked with the other claims, with a better message
                },
            )
        except jwt.InvalidSignatureError:
            raise TokenError(
                "TOKEN_SIGNATURE", "the token's signature does not match (signed with another key?)"
            ) from None
        except jwt.ExpiredSignatureError:
            exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
            raise TokenError("TOKEN_EXPIRED", f"the token expired at {_when(exp)}") from None
        except jwt.ImmatureSignatureError:
            raise TokenError("TOKEN_NOT_YET_VALID", "the token is not valid yet (nbf or iat in the future)") from None
        except jwt.MissingRequiredClaimError as exc:
            why = "tokens must expire" if exc.claim == "exp" else "this service requires it"
            raise TokenError("TOKEN_CLAIMS", f"the token has no {exc.claim} claim; {why}") from None
        except jwt.InvalidIssuerError:
            iss = jwt.decode(token, options={"verify_signature": False}).get("iss")
            raise TokenError(
                "TOKEN_ISSUER", f"the token was issued by {_shown(iss)}; this service accepts {self.issuer!r}"
            ) from None
        except jwt.InvalidAudienceError:
            aud = jwt.decode(token, options={"verify_signature": False}).get("aud")
            raise TokenError(
                "TOKEN_AUDIENCE", f"the token is meant for {_shown(aud)}; this service is {self.audience!r}"
            ) from None
        except jwt.PyJWTError as exc:
            raise TokenError("TOKEN_INVALID", f"the token is not valid ({exc})") from None
        return claims


def mint(
    secret: str,
    *,
    sub: str,
    name: str,
    role: str,
    scope: str | None = None,
    reveal_pii: bool = False,
    hours: float = 12.0,
    issuer: str | None = None,
    audience: str | None = None,
) -> str:
    """An HS256 token with civicmesh's claims, valid for ``hours``.

    ``sub`` may be a Worker's local id: without a ``scope``, the service binds the token to the
    area the worker WORKS_IN (:mod:`service.access`)."""
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "name": name,
        "role": role,
        "reveal_pii": reveal_pii,
        "iat": now,
        "exp": now + dt.timedelta(hours=hours),
    }
    if scope is not None:
        claims["scope"] = scope
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm="HS256")
