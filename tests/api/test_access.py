"""Bearer tokens from an access file (service accounts) decide who the request acts for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from loaders.store import GraphStore
from service.access import AccessFileError, load_grants, token_digest
from service.cli import main as cli_main
from tests.api.conftest import gid, open_api

QUERY = '{ node(id: "' + gid("Household", "hh1") + '") { ... on Household { headName phone } } }'
MASKED = {"headName": "张*丰", "phone": "138****1234"}
CLEAR = {"headName": "张三丰", "phone": "13812341234"}


def _access_file(tmp_path: Path, *entries: dict[str, Any]) -> str:
    path = tmp_path / "access.json"
    path.write_text(json.dumps({"tokens": list(entries)}, ensure_ascii=False), encoding="utf-8")
    return str(path)


async def _household(api: Any, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = await api.client.post("/graphql", json={"query": QUERY}, headers=headers)
    body = r.json()
    return r.status_code, body["data"]["node"] if r.status_code == 200 else body


async def test_tokens_decide_who_sees_pii(city: GraphStore, tmp_path: Path) -> None:
    access = _access_file(
        tmp_path,
        {"sha256": token_digest("officer-token"), "name": "街道 王五", "reveal_pii": True},
        {"sha256": token_digest("dashboard-token"), "name": "大屏", "role": "CITY", "scope": "st1"},
    )
    async with open_api(city, access_file=access) as api:
        status, body = await _household(api, None)  # tokens configured: a request needs one
        assert status == 401
        assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_MISSING"}
        assert await _household(api, "officer-token") == (200, CLEAR)
        assert await _household(api, "dashboard-token") == (200, MASKED)
        status, body = await _household(api, "stolen-or-mistyped")
        assert status == 401 and body["errors"][0]["message"] == "unknown token"
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        r = await api.client.post("/graphql", json={"query": QUERY}, headers={"Authorization": "Basic abc"})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith('Bearer realm="civicmesh", error=')


async def test_without_an_access_file_tokens_change_nothing(city: GraphStore) -> None:
    async with open_api(city) as api:
        assert await _household(api, "officer-token") == (200, MASKED)
    async with open_api(city, reveal_pii=True) as api:
        assert await _household(api, None) == (200, CLEAR)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", r"access file .*access\.json: not JSON \(line 1, column 2"),
        ('{"tokens": {}}', r'expected \{"tokens": \[\.\.\.\]\}'),
        ('{"tokens": [{"sha256": "abc", "name": "x"}]}', r"tokens\[0\], field sha256: expected 64 lower-case hex"),
        ('{"tokens": [{"sha256": "' + "a" * 64 + '"}]}', r"tokens\[0\], field name: expected a non-empty string"),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x", "reveal_pii": "yes"}]}',
            r"tokens\[0\], field reveal_pii: expected true or false, got 'yes'",
        ),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x", "area": "g1"}]}',
            r"tokens\[0\]: unknown field\(s\) area",
        ),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x", "role": "MAYOR"}]}',
            r"tokens\[0\], field role: 'MAYOR' is not a role \(ADMIN, CITY, ",
        ),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x", "role": "GRID_WORKER"}]}',
            r"tokens\[0\], field scope: a GRID_WORKER must name its scope: the local id of a Grid",
        ),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x", "scope": "g1"}]}',
            r"tokens\[0\], field scope: an ADMIN takes no scope \(got 'g1'\)",
        ),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "name": "x"}, {"sha256": "' + "a" * 64 + '", "name": "y"}]}',
            r"tokens\[1\], field sha256: the same token is listed twice",
        ),
    ],
)
def test_a_bad_access_file_is_refused_naming_entry_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "access.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AccessFileError, match=message):
        load_grants(path)


async def test_the_token_command_prints_a_working_entry(
    city: GraphStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CIVICMESH_JWT_SECRET", raising=False)
    monkeypatch.delenv("CIVICMESH_JWT_SECRET_FILE", raising=False)
    args = ["token", "--name", "东门一网格 网格员", "--role", "GRID_WORKER", "--scope", "g1", "--reveal-pii"]
    assert cli_main(args) == 0
    out = capsys.readouterr().out
    token = re.search(r"it is not stored anywhere\): (\S+)", out)
    assert token is not None
    entry = json.loads(out.strip().splitlines()[-1])
    assert entry == {
        "sha256": token_digest(token.group(1)),
        "name": "东门一网格 网格员",
        "role": "GRID_WORKER",
        "scope": "g1",
        "reveal_pii": True,
    }
    async with open_api(city, access_file=_access_file(tmp_path, entry)) as api:
        assert await _household(api, token.group(1)) == (200, CLEAR)
    gone = dict(entry, scope="g-does-not-exist")
    async with open_api(city, access_file=_access_file(tmp_path, gone)) as api:
        status, body = await _household(api, token.group(1))
        assert status == 401 and body["errors"][0]["message"] == "the token's scope 'g-does-not-exist' does not exist"


def test_serve_refuses_to_start_with_a_bad_access_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "access.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("CIVICMESH_ACCESS_FILE", str(tmp_path / "access.json"))
    assert cli_main(["--store", str(tmp_path / "s.sqlite"), "serve", "--port", "1"]) == 2
    assert 'expected {"tokens": [...]} at the top' in capsys.readouterr().out


async def test_a_token_bound_to_a_grid_reads_only_that_grid(city: GraphStore, tmp_path: Path) -> None:
    access = _access_file(
        tmp_path,
        {"sha256": token_digest("grid-token"), "name": "网格员 李六", "role": "GRID_WORKER", "scope": "g1"},
    )
    async with open_api(city, access_file=access) as api:
        r = await api.client.post(
            "/graphql",
            json={"query": "{ households { totalCount nodes { localId } } }"},
            headers={"Authorization": "Bearer grid-token"},
        )
        assert r.json()["data"]["households"] == {
            "totalCount": 3,
            "nodes": [{"localId": "hh1"}, {"localId": "hh2"}, {"localId": "hh3"}],
        }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"role": "MAYOR"}, "field role: 'MAYOR' is not a role \\(ADMIN, CITY"),
        ({"role": "GRID_WORKER"}, "field scope: a GRID_WORKER must name its scope: the local id of a Grid"),
        ({"role": "STREET", "scope": 7}, "field scope: expected the local id of a node"),
    ],
)
def test_access_file_roles_and_scopes_are_checked(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    path = _access_file(tmp_path, {"sha256": token_digest("t"), "name": "x", **entry})
    with pytest.raises(AccessFileError, match=message):
        load_grants(Path(path))
