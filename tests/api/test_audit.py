"""The audit trail through the service: one event per mutation, per denied attempt and per
response that showed personal data unmasked; never a personal value; auditLog for ADMIN only;
``civicmesh audit``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
import strawberry

from graph_schema.roles import Role
from loaders.store import AuditEvent, AuditFilter, GraphStore, Outcome
from loaders.stores.embedded import EmbeddedStore
from resolvers.audit import audit_mutations
from resolvers.context import ApiConfig, Info, RequestContext
from resolvers.errors import UserError
from resolvers.privacy import Viewer
from service.cli import main as cli_main
from tests.api.conftest import Api, gid, open_api

SECRET = "s3cret-for-tests-only-0123456789abcdef"
PERSONAL = ("李小龙", "13600001234", "张三丰", "13812341234", "11010519491231002X", "王建国", "13912345678")
"""Values of personal fields the tests write or read: none may reach the trail."""


def token(sub: str, role: str = "ADMIN", scope: str | None = None, reveal_pii: bool = False) -> str:
    claims: dict[str, Any] = {
        "sub": sub,
        "name": "审计测试",
        "role": role,
        "reveal_pii": reveal_pii,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


class As:
    """An API client acting with one token, whose subject is unique to the test."""

    def __init__(self, api: Api, store: GraphStore, **grant: Any) -> None:
        self.api, self.store = api, store
        self.sub = f"audit-{uuid.uuid4().hex[:10]}"
        self.headers = {"Authorization": f"Bearer {token(self.sub, **grant)}", "X-Request-ID": "req-" + self.sub}

    async def q(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        r = await self.api.client.post("/graphql", json={"query": query, "variables": variables}, headers=self.headers)
        assert r.status_code == 200, r.text
        return r.json()

    async def events(self) -> list[AuditEvent]:
        page = await self.store.read_audit(filter=AuditFilter(actor=self.sub), first=500)
        return page.events


MUTATIONS: list[tuple[str, str, dict[str, Any], str, set[str], set[str]]] = [
    # (family, mutation, variables, operation, targets, fields)
    (
        "create",
        """mutation($b: ID!) { createHousehold(input: {name: "新户", building: $b, headName: "李小龙",
           phone: "13600001234", size: 2}) { household { localId } errors { code } } }""",
        {"b": gid("Building", "b1")},
        "createHousehold",
        {"b1"},
        {"name", "headName", "phone", "size"},
    ),
    (
        "update",
        'mutation($h: ID!) { updateHousehold(input: {id: $h, phone: "13600001234"}) { errors { code } } }',
        {"h": gid("Household", "hh2")},
        "updateHousehold",
        {"hh2"},
        {"phone"},
    ),
    (
        "delete",
        "mutation($h: ID!) { deleteHousehold(id: $h) { deletedId errors { code } } }",
        {"h": gid("Household", "hh6")},
        "deleteHousehold",
        {"hh6"},
        set(),
    ),
    (
        "link",
        """mutation($m: ID!, $h: ID!) { link(input: {type: LINKS, from: $m, to: $h, since: "2026-01-01"}) {
           errors { code } } }""",
        {"m": gid("PartyMember", "pm1"), "h": gid("Household", "hh2")},
        "link",
        {"pm1", "hh2"},
        {"type", "since"},
    ),
    (
        "unlink",
        "mutation($m: ID!, $h: ID!) { unlink(input: {type: LINKS, from: $m, to: $h}) { removed errors { code } } }",
        {"m": gid("PartyMember", "pm1"), "h": gid("Household", "hh4")},
        "unlink",
        {"pm1", "hh4"},
        {"type"},
    ),
    (
        "move",
        "mutation($h: ID!, $b: ID!) { moveHousehold(input: {household: $h, building: $b}) { errors { code } } }",
        {"h": gid("Household", "hh2"), "b": gid("Building", "b2")},
        "moveHousehold",
        {"hh2", "b2"},
        set(),
    ),
    (
        "assign links",
        """mutation($v: ID!, $m: ID!, $h: ID!) { assignLinks(input: {vanguard: $v, members: [$m], households: [$h]}) {
           added errors { code } } }""",
        {"v": gid("PartyMember", "pm1"), "m": gid("PartyMember", "pm3"), "h": gid("Household", "hh5")},
        "assignLinks",
        {"pm1", "pm3", "hh5"},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("family", "mutation", "variables", "operation", "targets", "fields"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
async def test_each_mutation_family_leaves_exactly_one_event(
    city: GraphStore,
    family: str,
    mutation: str,
    variables: dict[str, Any],
    operation: str,
    targets: set[str],
    fields: set[str],
) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        admin = As(api, city)
        body = await admin.q(mutation, variables)
        payload = next(iter(body["data"].values()))
        assert payload["errors"] == [], payload
        (event,) = await admin.events()
    assert event.operation == operation and event.outcome is Outcome.ALLOWED and event.code is None
    assert targets <= set(event.targets), event.targets
    assert set(event.fields) == fields
    assert (event.actor, event.name, event.role, event.scope) == (admin.sub, "审计测试", "ADMIN", None)
    assert event.request_id == "req-" + admin.sub
    if family == "create":  # the new node is named too
        assert payload["household"]["localId"] in event.targets
    if family == "move":  # what the write changed: the building left too (the event is the write's own)
        assert event.targets == ("hh2", "b2", "b1"), event.targets
    assert not any(value in repr(event) for value in PERSONAL)


async def test_a_refused_write_is_recorded_with_its_code(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        admin = As(api, city)
        body = await admin.q('mutation { deleteGrid(id: "' + gid("Grid", "g1") + '") { errors { code } } }')
        assert body["data"]["deleteGrid"]["errors"] == [{"code": "HAS_CHILDREN"}]
        (event,) = await admin.events()
    assert (event.operation, event.outcome, event.code, event.targets) == (
        "deleteGrid",
        Outcome.ALLOWED,
        "HAS_CHILDREN",
        ("g1",),
    )


async def test_a_bad_token_leaves_one_denied_event(city: GraphStore) -> None:
    rid = f"req-{uuid.uuid4().hex}"
    expired = jwt.encode(
        {"sub": "x", "role": "ADMIN", "exp": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}, SECRET, algorithm="HS256"
    )
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    async with open_api(city, jwt_secret=SECRET) as api:
        r = await api.client.post(
            "/graphql",
            json={"query": "{ streets { totalCount } }"},
            headers={"Authorization": f"Bearer {expired}", "X-Request-ID": rid},
        )
        assert r.status_code == 401
        bad_role = jwt.encode(
            {"sub": "u-77", "role": "MAYOR", "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, SECRET
        )
        headers = {"Authorization": f"Bearer {bad_role}", "X-Request-ID": rid + "-role"}
        assert (
            await api.client.post("/graphql", json={"query": "{ ok: __typename }"}, headers=headers)
        ).status_code == 401
        worker = As(api, city, role="GRID_WORKER", scope="c1")  # signed, but bound to the wrong kind of node
        r = await api.client.post("/graphql", json={"query": "{ ok: __typename }"}, headers=worker.headers)
        assert r.status_code == 401
    page = await city.read_audit(filter=AuditFilter(outcome=Outcome.DENIED, since=since), first=500)
    (event,) = [e for e in page.events if e.request_id == rid]
    assert (event.operation, event.code, event.actor, event.role) == ("authenticate", "TOKEN_EXPIRED", None, None)
    (event,) = [e for e in page.events if e.request_id == rid + "-role"]
    assert (event.code, event.actor, event.role) == ("TOKEN_ROLE", "u-77", None)  # verified subject, no role
    (event,) = await worker.events()
    assert (event.code, event.role, event.scope) == ("TOKEN_SCOPE", "GRID_WORKER", "c1")


async def test_only_an_admin_reads_the_audit_log(city: GraphStore) -> None:
    query = """query($f: AuditFilterInput, $after: String) { auditLog(first: 2, after: $after, filter: $f) {
      edges { cursor node { actor actorName role scope operation targets fields outcome code requestId at } }
      pageInfo { hasNextPage endCursor } } }"""
    async with open_api(city, jwt_secret=SECRET) as api:
        worker = As(api, city, role="GRID_WORKER", scope="g1")
        body = await worker.q(query)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
        (denied,) = await worker.events()
        assert (denied.operation, denied.outcome, denied.code, denied.role, denied.scope, denied.fields) == (
            "auditLog",
            Outcome.DENIED,
            "FORBIDDEN",
            "GRID_WORKER",
            "g1",
            ("auditLog",),
        )
        admin = As(api, city)
        for name in ("一", "二", "三"):
            await admin.q(
                'mutation($c: ID!) { createGrid(input: {name: "新' + name + '", community: $c}) { errors { code } } }',
                {"c": gid("Community", "c1")},
            )
        seen: list[dict[str, Any]] = []
        after = None
        while True:
            body = await admin.q(query, {"f": {"actor": admin.sub}, "after": after})
            log = body["data"]["auditLog"]
            seen += [e["node"] for e in log["edges"]]
            if not log["pageInfo"]["hasNextPage"]:
                break
            after = log["pageInfo"]["endCursor"]
        assert [e["operation"] for e in seen] == ["createGrid"] * 3
        assert [e["outcome"] for e in seen] == ["ALLOWED"] * 3 and seen[0]["actorName"] == "审计测试"
        assert seen == sorted(seen, key=lambda e: e["at"])
        body = await admin.q(query, {"f": {"actor": worker.sub, "outcome": "DENIED"}})
        assert [e["node"]["operation"] for e in body["data"]["auditLog"]["edges"]] == ["auditLog"]


PII_QUERY = """query Card($h: ID!, $m: ID!) {
  h: node(id: $h) { ... on Household { headName phone headIdNumber } }
  m: node(id: $m) { ... on PartyMember { name phone } }
  households(first: 3) { nodes { localId name } } }"""


async def test_a_response_that_reveals_personal_data_leaves_one_event_naming_the_nodes(city: GraphStore) -> None:
    variables = {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")}
    async with open_api(city, jwt_secret=SECRET) as api:
        masked = As(api, city)
        body = await masked.q(PII_QUERY, variables)
        assert body["data"]["h"]["headName"] == "张*丰"
        assert await masked.events() == []  # nothing shown unmasked: nothing to record
        officer = As(api, city, reveal_pii=True)
        body = await officer.q(PII_QUERY, variables)
        assert body["data"]["h"]["headName"] == "张三丰"
        (event,) = await officer.events()
    assert event.operation == "revealPii:Card" and event.outcome is Outcome.ALLOWED
    assert set(event.targets) == {"hh1", "pm1"}
    assert set(event.fields) == {"headName", "phone", "headIdNumber", "name"}
    assert not any(value in repr(event) for value in PERSONAL)


async def test_no_personal_value_reaches_the_trail(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        officer = As(api, city, reveal_pii=True)
        for _, mutation, variables, *_ in MUTATIONS[:2]:
            await officer.q(mutation, variables)
        await officer.q(PII_QUERY, {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")})
        events = await officer.events()
    assert [e.operation for e in events] == ["createHousehold", "updateHousehold", "revealPii:Card"]
    text = json.dumps([repr(e) for e in events], ensure_ascii=False)
    for value in PERSONAL:
        assert value not in text, value
    if isinstance(city, EmbeddedStore):  # and not in the file either
        raw = b"".join(p.read_bytes() for p in (Path(city.path), Path(city.path + "-wal")) if p.exists())
        rows = [r for r in raw.split(b"\x00") if officer.sub.encode() in r]
        assert rows and not any(v.encode() in r for r in rows for v in PERSONAL)


async def test_a_forbidden_payload_is_recorded_as_denied(city: GraphStore) -> None:
    """The role checks refuse a mutation with a FORBIDDEN payload error; the audit extension
    records that as DENIED without being called (a schema of one such mutation, audited)."""
    schema = strawberry.Schema(query=_Query, mutation=audit_mutations(_Refusing))
    viewer = Viewer(role=Role.GRID_WORKER, scope="g1", sub=f"t-{uuid.uuid4().hex}")
    context = RequestContext.create(city, ApiConfig(), viewer=viewer, request_id="r-1")
    result = await schema.execute(
        'mutation($g: ID!) { createThing(grid: $g, name: "李小龙") { errors { code } } }',
        variable_values={"g": gid("Grid", "g2")},
        context_value=context,
    )
    assert result.errors is None
    (event,) = (await city.read_audit(filter=AuditFilter(actor=viewer.sub))).events
    assert (event.operation, event.outcome, event.code, event.targets, event.fields) == (
        "createThing",
        Outcome.DENIED,
        "FORBIDDEN",
        ("g2",),
        ("name",),
    )


@strawberry.type
class _RefusedPayload:
    errors: list[UserError]


@strawberry.type
class _Refusing:
    @strawberry.mutation
    async def create_thing(self, info: Info, grid: strawberry.ID, name: str) -> _RefusedPayload:
        return _RefusedPayload(errors=[UserError.of(None, "FORBIDDEN", "outside your grid")])


@strawberry.type
class _Query:
    ok: bool = True


def test_the_audit_command_lists_cli_imports_and_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.sqlite")
    assert cli_main(["--store", db, "import", "--preset", "demo", "--no-progress"]) == 0
    assert cli_main(["--store", db, "export", str(tmp_path / "out.json"), "--include-pii", "--no-progress"]) == 0
    capsys.readouterr()
    assert cli_main(["--store", db, "audit", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["operation"] for r in rows] == ["import", "export"]
    assert rows[0]["actor"].startswith("cli:") and rows[0]["role"] == "ADMIN" and rows[0]["code"] is None
    assert {"phone", "idNumber", "headName"} <= set(rows[1]["fields"])
    assert cli_main(["--store", db, "audit", "--format", "csv", "--since", "1h", "--actor", rows[0]["actor"]]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["operation"] for r in table] == ["import", "export"] and table[1]["outcome"] == "ALLOWED"
    assert cli_main(["--store", db, "audit", "--until", "2000-01-01"]) == 0
    out = capsys.readouterr()
    assert out.out.split() == ["AT", "OUTCOME", "CODE", "ACTOR", "ROLE", "SCOPE", "OPERATION", "TARGETS", "FIELDS"]
    assert "0 events" in out.err
    assert cli_main(["--store", db, "audit", "--outcome", "ALLOWED", "--limit", "1"]) == 0
    assert "import" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli_main(["--store", db, "audit", "--since", "yesterday"])
    assert "is not a time" in capsys.readouterr().err


async def test_the_demo_loaded_by_the_service_is_recorded(tmp_path: Path) -> None:
    from service.app import create_app
    from service.settings import Settings

    store = EmbeddedStore(tmp_path / "demo.sqlite")
    app = create_app(Settings(store=store.path))
    async with app.router.lifespan_context(app):
        pass
    await store.open()
    try:
        events = (await store.read_audit()).events
    finally:
        await store.close()
    assert [(e.operation, e.actor) for e in events] == [("import", "civicmesh")]
