"""JWT bearer tokens: each refusal, key rotation by kid, and the start-up rules (loopback,
production)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from service.access import AccessConfigError, access_of, startup_problem
from service.cli import main as cli_main
from service.settings import Settings
from tests.api.conftest import Api, gid, open_api
from tests.cities import CITY

SECRET = "s3cret-for-tests-only-0123456789abcdef"
QUERY = '{ node(id: "' + gid("Household", "hh1") + '") { ... on Household { headName } } }'


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "u-1001",
        "name": "王五",
        "role": "GRID_WORKER",
        "scope": "g1",
        "reveal_pii": False,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs256(secret: str = SECRET, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256")


@pytest.fixture
async def small_city(tmp_path: Path) -> AsyncIterator[GraphStore]:
    """The API tests' city in an embedded store (for checks that do not depend on the store)."""
    store = EmbeddedStore(tmp_path / "city.sqlite")
    await store.open()
    await store.write(CITY.batch())
    try:
        yield store
    finally:
        await store.close()


async def call(api: Api, token: str | None) -> tuple[int, dict[str, Any], str | None]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    r = await api.client.post("/graphql", json={"query": QUERY}, headers=headers)
    return r.status_code, r.json(), r.headers.get("www-authenticate")


async def test_a_good_token_is_served(small_city: GraphStore) -> None:
    async with open_api(small_city, jwt_secret=SECRET) as api:
        status, body, _ = await call(api, hs256())
        assert status == 200 and body["data"]["node"] == {"headName": "张*丰"}
        status, body, _ = await call(api, hs256(role="ADMIN", scope=None, reveal_pii=True))
        assert status == 200 and body["data"]["node"] == {"headName": "张三丰"}


def _unsigned() -> str:
    return jwt.encode(claims(), None, algorithm="none")


REFUSALS = [
    ("alg none", _unsigned, "TOKEN_ALG", "unsigned tokens are never accepted"),
    ("bad signature", lambda: hs256("another-secret-of-the-right-length-0123"), "TOKEN_SIGNATURE", "signature"),
    ("expired", lambda: hs256(exp=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)), "TOKEN_EXPIRED", "expired at"),
    ("no exp", lambda: hs256(exp=None), "TOKEN_CLAIMS", "no exp claim; tokens must expire"),
    ("wrong issuer", lambda: hs256(iss="https://evil.example"), "TOKEN_ISSUER", "issued by 'https://evil.example'"),
    ("wrong audience", lambda: hs256(aud="other-app"), "TOKEN_AUDIENCE", "meant for 'other-app'"),
    ("unknown role", lambda: hs256(role="MAYOR"), "TOKEN_ROLE", "role 'MAYOR' is not one of ADMIN"),
    ("scope missing", lambda: hs256(scope=None), "TOKEN_SCOPE", "a GRID_WORKER must name its scope"),
    ("scope absent", lambda: hs256(scope="g-404"), "TOKEN_SCOPE", "scope 'g-404' does not exist"),
    ("scope of the wrong kind", lambda: hs256(scope="c1"), "TOKEN_SCOPE", "'c1' is a Community; a GRID_WORKER"),
    ("scope for ADMIN", lambda: hs256(role="ADMIN"), "TOKEN_SCOPE", "an ADMIN takes no scope"),
    ("reveal_pii not a bool", lambda: hs256(reveal_pii="yes"), "TOKEN_CLAIMS", "reveal_pii claim must be true"),
    ("no subject", lambda: hs256(sub=None), "TOKEN_CLAIMS", "no subject"),
    ("not a JWT", lambda: "abc.def.ghi", "TOKEN_MALFORMED", "not a JWT"),
]


@pytest.mark.parametrize(("case", "make", "code", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_each_bad_token_is_refused_with_401_and_the_reason(
    small_city: GraphStore, case: str, make: Any, code: str, words: str
) -> None:
    settings = {"jwt_secret": SECRET, "jwt_issuer": "https://idp.city.example", "jwt_audience": "civicmesh"}
    token = make()
    if case not in ("wrong issuer", "wrong audience", "alg none", "not a JWT"):
        # everything else carries the right issuer and audience, so only the case's fault is left
        payload = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
        key = "another-secret-of-the-right-length-0123" if case == "bad signature" else SECRET
        token = jwt.encode({**payload, "iss": "https://idp.city.example", "aud": "civicmesh"}, key, algorithm="HS256")
    elif case == "wrong issuer":
        token = hs256(iss="https://evil.example", aud="civicmesh")
    elif case == "wrong audience":
        token = hs256(iss="https://idp.city.example", aud="other-app")
    async with open_api(small_city, **settings) as api:
        status, body, challenge = await call(api, token)
    assert status == 401, body
    error = body["errors"][0]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": code}
    assert words in error["message"], error["message"]
    assert challenge is not None and challenge.startswith('Bearer realm="civicmesh", error="invalid_token"')


async def test_scopes_are_checked_against_either_store(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        assert (await call(api, hs256(scope="g2")))[0] == 200
        status, body, _ = await call(api, hs256(scope="b1"))
        assert status == 401 and "'b1' is a Building; a GRID_WORKER is bound to a Grid" in body["errors"][0]["message"]
        status, body, _ = await call(api, hs256(role="VANGUARD", scope="pm-404"))
        assert status == 401 and body["errors"][0]["message"] == "the token's scope 'pm-404' does not exist"


async def test_with_tokens_configured_a_request_needs_one(small_city: GraphStore) -> None:
    async with open_api(small_city, jwt_secret=SECRET) as api:
        status, body, challenge = await call(api, None)
    assert status == 401 and body["errors"][0]["extensions"]["reason"] == "TOKEN_MISSING"
    assert challenge == 'Bearer realm="civicmesh"'  # RFC 6750: no error code when no token was sent


def _jwk(public_key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = RSAAlgorithm if alg == "RS256" else ECAlgorithm
    jwk: dict[str, Any] = algorithm.to_jwk(public_key, as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


async def test_keys_rotate_by_kid_in_a_jwks_file(small_city: GraphStore, tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    old = _jwk(rsa_key.public_key(), "2026-01", "RS256")
    new = _jwk(ec_key.public_key(), "2026-06", "ES256")
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps({"keys": [old, new]}))
    by_old = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "2026-01"})
    by_new = jwt.encode(claims(), ec_key, algorithm="ES256", headers={"kid": "2026-06"})
    unknown = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "2025-07"})
    forged = jwt.encode(claims(), rsa.generate_private_key(65537, 2048), algorithm="RS256", headers={"kid": "2026-01"})
    async with open_api(small_city, jwks=str(keys)) as api:
        assert (await call(api, by_old))[0] == 200
        assert (await call(api, by_new))[0] == 200
        status, body, _ = await call(api, unknown)
        assert status == 401 and body["errors"][0]["extensions"]["reason"] == "TOKEN_KEY"
        assert (await call(api, forged))[1]["errors"][0]["extensions"]["reason"] == "TOKEN_SIGNATURE"
        assert (await call(api, hs256()))[1]["errors"][0]["extensions"]["reason"] == "TOKEN_ALG"  # no HS256 here
        keys.write_text(json.dumps({"keys": [new]}))  # the old key is rotated out
        status, body, _ = await call(api, by_old)
        assert status == 401 and "no key '2026-01' (was it rotated out?)" in body["errors"][0]["message"]
        assert (await call(api, by_new))[0] == 200


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"jwt_secret": "short"}, "CIVICMESH_JWT_SECRET is 5 characters; an HS256 secret needs at least 32"),
        ({"jwt_secret": SECRET, "jwks": "keys.json"}, "both CIVICMESH_JWT_SECRET and CIVICMESH_JWKS are set"),
        ({"jwks": "http://idp.example/jwks"}, "give a file path or an https:// URL"),
        ({"jwks": "/nonexistent/jwks.json"}, "CIVICMESH_JWKS /nonexistent/jwks.json: cannot be read"),
        ({"jwt_secret_file": "/nonexistent/secret"}, "CIVICMESH_JWT_SECRET_FILE /nonexistent/secret: cannot be read"),
        ({"profile": "prod"}, "CIVICMESH_PROFILE='prod': expected one of development, production"),
        ({"profile": "production"}, "CIVICMESH_PROFILE=production needs tokens"),
    ],
)
def test_unusable_token_configuration_is_refused_at_start(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(AccessConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        access_of(Settings(**settings))


def test_anonymous_admin_only_on_loopback() -> None:
    open_settings = Settings()
    assert startup_problem(open_settings, "127.0.0.1") is None and startup_problem(open_settings, "::1") is None
    problem = startup_problem(open_settings, "0.0.0.0")
    assert problem is not None and "refusing to serve on 0.0.0.0 without tokens" in problem
    assert startup_problem(Settings(jwt_secret=SECRET), "0.0.0.0") is None


def test_serve_on_all_interfaces_without_tokens_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, **_: started.append(host))
    for name in ("CIVICMESH_JWT_SECRET", "CIVICMESH_JWT_SECRET_FILE", "CIVICMESH_JWKS", "CIVICMESH_ACCESS_FILE"):
        monkeypatch.delenv(name, raising=False)
    store = ["--store", str(tmp_path / "s.sqlite")]
    assert cli_main([*store, "serve", "--host", "0.0.0.0"]) == 2
    assert "refusing to serve on 0.0.0.0 without tokens" in capsys.readouterr().out and started == []
    assert cli_main([*store, "serve", "--host", "127.0.0.1"]) == 0  # `make serve` keeps working
    monkeypatch.setenv("CIVICMESH_JWT_SECRET", SECRET)
    assert cli_main([*store, "serve", "--host", "0.0.0.0"]) == 0
    assert started == ["127.0.0.1", "0.0.0.0"]
    monkeypatch.delenv("CIVICMESH_JWT_SECRET")
    monkeypatch.setenv("CIVICMESH_PROFILE", "production")
    assert cli_main([*store, "serve", "--host", "127.0.0.1"]) == 2
    assert "CIVICMESH_PROFILE=production needs tokens" in capsys.readouterr().out


async def test_production_turns_off_introspection_graphiql_and_suggestions(small_city: GraphStore) -> None:
    token = hs256(role="ADMIN", scope=None)
    auth = {"Authorization": f"Bearer {token}", "accept": "application/json"}
    for production, expect in ((False, True), (True, False)):
        settings: dict[str, Any] = {"jwt_secret": SECRET, "profile": "production" if production else "development"}
        async with open_api(small_city, **settings) as api:
            r = await api.client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=auth)
            assert ("errors" not in r.json()) is expect, r.text
            r = await api.client.post("/graphql", json={"query": "{ strets { totalCount } }"}, headers=auth)
            assert ("Did you mean" in r.text) is expect, r.text
            page = await api.client.get("/graphql", headers={"accept": "text/html"})
            assert ("graphiql" in page.text.lower()) is expect


async def test_the_token_command_mints_a_jwt_with_the_secret(
    small_city: GraphStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICMESH_JWT_SECRET", SECRET)
    assert cli_main(["token", "--name", "王五", "--role", "GRID_WORKER", "--scope", "g1", "--sub", "u-7"]) == 0
    token = capsys.readouterr().out.strip()
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert {k: payload[k] for k in ("sub", "name", "role", "scope", "reveal_pii")} == {
        "sub": "u-7",
        "name": "王五",
        "role": "GRID_WORKER",
        "scope": "g1",
        "reveal_pii": False,
    }
    assert 11.9 * 3600 < payload["exp"] - payload["iat"] <= 12 * 3600
    async with open_api(small_city, jwt_secret=SECRET) as api:
        assert (await call(api, token))[0] == 200
    assert cli_main(["token", "--name", "王五", "--role", "GRID_WORKER"]) == 2
    assert "a GRID_WORKER must name its scope" in capsys.readouterr().err


def test_the_secret_command_writes_a_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secrets" / "jwt-secret"
    assert cli_main(["secret", "--file", str(path)]) == 0
    first = path.read_text()
    assert len(first.strip()) == 64 and oct(path.stat().st_mode & 0o777) == "0o600"
    assert cli_main(["secret", "--file", str(path)]) == 0
    assert path.read_text() == first and "keeping the secret" in capsys.readouterr().err
    assert len(access_of(Settings(jwt_secret_file=str(path))).verifier._secret or "") == 64  # type: ignore[union-attr]
