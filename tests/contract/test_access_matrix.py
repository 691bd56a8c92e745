"""The leak matrix, on both stores: for each role bound to one node of a city with two of every
area level, every Query root field, every relationship field walked from every node it sees
(up and back down), search, nodes(ids) with foreign ids, each analytics field with a foreign
area, and each mutation family.  Nothing outside the scope appears in any response, counts
match the scoped data, and what the tables of ``loaders.scope`` and ``resolvers.permissions``
forbid is FORBIDDEN and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
)

from graph_schema import from_global_id, to_global_id
from graph_schema.roles import Role
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.cities import CITY, City

VIEWERS: dict[Role, str | None] = {
    Role.ADMIN: None,
    Role.CITY: "st1",  # 澄江街道
    Role.STREET: "s2",  # 南闸街道
    Role.COMMUNITY: "c1",  # 东门社区: a member of its committee lives in 西门社区
    Role.GRID_WORKER: "g1",  # 东门一网格, beside 东门二网格
    Role.VANGUARD: "pm1",  # links households of g1 and of the neighbouring g2
    Role.ALLIANCE_UNIT: "am1",  # its alliance serves c1 and st1
    Role.ANALYST: "s2c2",  # 陶湾社区, beside 观西社区
}
"""The node each role is bound to in the matrix (ids of the shared city, ``tests/cities.py``)."""
LABELS = CITY.labels
SCHEMA = build_schema(SchemaLimits(max_depth=50, max_aliases=10_000, max_tokens=10**7, max_cost=None))
GQL = SCHEMA._schema
ROOT_LISTS = {
    "streets": "Street",
    "communities": "Community",
    "grids": "Grid",
    "buildings": "Building",
    "households": "Household",
    "partyOrganizations": "PartyOrganization",
    "partyMembers": "PartyMember",
    "vanguardStations": "VanguardStation",
    "alliances": "Alliance",
    "allianceMembers": "AllianceMember",
}
ROLES = list(VIEWERS)


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


def viewer(role: Role) -> Viewer:
    return Viewer(reveal_pii=True, role=role, scope=VIEWERS[role], sub=f"test-{role.value}")


async def run(store: GraphStore, role: Role, query: str, variables: dict[str, Any] | None = None) -> Any:
    ctx = RequestContext.create(store, ApiConfig(max_page_size=500), viewer=viewer(role))
    result = await SCHEMA.execute(query, variables, context_value=ctx)
    assert result.errors is None, result.errors
    return result.data


async def run_errors(store: GraphStore, role: Role, query: str) -> list[Any]:
    ctx = RequestContext.create(store, ApiConfig(max_page_size=500), viewer=viewer(role))
    result = await SCHEMA.execute(query, context_value=ctx)
    assert result.errors, result.data
    return list(result.errors)


def mentioned(value: Any, into: set[str] | None = None) -> set[str]:
    """Every city node a response names: by global ID, or by its local id."""
    found = set() if into is None else into
    if isinstance(value, dict):
        for v in value.values():
            mentioned(v, found)
    elif isinstance(value, list):
        for v in value:
            mentioned(v, found)
    elif isinstance(value, str):
        if value in LABELS:
            found.add(value)
        else:
            try:
                label, node_id = from_global_id(value)
            except ValueError:
                return found
            if LABELS.get(node_id) == label:
                found.add(node_id)
    return found


def seen_by(role: Role) -> set[str]:
    records, names = CITY.visible(role, VIEWERS[role])
    return records | names


def assert_inside(role: Role, data: Any) -> None:
    leaked = mentioned(data) - seen_by(role)
    assert not leaked, f"{role.value} sees {sorted(leaked)}"


def assert_counts(value: Any) -> None:
    """Every connection's totalCount is the number of its edges (every list fits one page)."""
    if isinstance(value, dict):
        if "totalCount" in value and "edges" in value:
            assert value["totalCount"] == len(value["edges"]), value
        for v in value.values():
            assert_counts(v)
    elif isinstance(value, list):
        for v in value:
            assert_counts(v)


# --- a selection of every relationship field, to a depth --------------------------------------
def _selection(t: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
    parts = ["__typename"]
    for name, field in t.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is None for a in field.args.values()):
            continue
        named = get_named_type(field.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            if name in ("id", "localId"):
                parts.append(name)
            continue
        if name == "pageInfo":
            continue
        if "edges" in named.fields:
            node_type = get_named_type(get_named_type(named.fields["edges"].type).fields["node"].type)
            if depth > 0:
                inner = _node_selection(node_type, depth - 1)
                parts.append(f"{name}(first: 500) {{ totalCount edges {{ node {{ {inner} }} }} }}")
        elif "id" in named.fields:
            if depth > 0:
                parts.append(f"{name} {{ {_node_selection(named, depth - 1)} }}")
        else:  # a plain object (e.g. a subtree entry): walk into it at the same depth
            parts.append(f"{name} {{ {_selection(named, depth)} }}")
    return " ".join(parts)


def _node_selection(t: Any, depth: int) -> str:
    if isinstance(t, GraphQLInterfaceType):
        kinds = [GQL.get_type(label) for label in sorted(set(LABELS.values()))]
        return "__typename id " + " ".join(
            f"... on {k.name} {{ {_selection(k, depth)} }}" for k in kinds if t in k.interfaces
        )
    return _selection(t, depth)


WALK = _node_selection(GQL.get_type("Node"), 2)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_root_listings_hold_exactly_the_scoped_data(city: GraphStore, role: Role) -> None:
    fields = " ".join(f"{f}(first: 500) {{ totalCount nodes {{ id localId }} }}" for f in ROOT_LISTS)
    data = await run(city, role, f"{{ {fields} }}")
    assert_inside(role, data)
    visible = seen_by(role)
    for field, label in ROOT_LISTS.items():
        want = sorted(i for i in visible if LABELS[i] == label)
        got = [n["localId"] for n in data[field]["nodes"]]
        assert sorted(got) == want, (field, role.value)
        assert data[field]["totalCount"] == len(want), (field, role.value)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_walking_every_relationship_up_and_back_down_stays_inside(city: GraphStore, role: Role) -> None:
    visible = sorted(seen_by(role))
    ids = [to_global_id(LABELS[i], i) for i in visible]
    data = await run(city, role, f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {WALK} }} }}", {"ids": ids})
    assert all(n is not None for n in data["nodes"])
    assert_inside(role, data)
    assert_counts(data)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_nodes_by_id_answer_null_outside(city: GraphStore, role: Role) -> None:
    everything = sorted(LABELS)
    ids = [to_global_id(LABELS[i], i) for i in everything]
    data = await run(city, role, "query($ids: [ID!]!) { nodes(ids: $ids) { localId } }", {"ids": ids})
    got = {i for i, n in zip(everything, data["nodes"], strict=True) if n is not None}
    assert got == seen_by(role)
    records, names = CITY.visible(role, VIEWERS[role])
    for node_id in sorted(names - records):  # seen by name only: nothing but the name
        shown = await run(
            city,
            role,
            f'{{ node(id: "{to_global_id(LABELS[node_id], node_id)}") {{ ... on Building {{ address }} '
            "... on Street { code } ... on Community { code } }}",
        )
        assert shown["node"] in ({}, {"code": None}, {"address": None}), shown


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_search_finds_only_what_is_inside(city: GraphStore, role: Role) -> None:
    # Between them the texts match a node of every label in both streets.
    texts = ("街道", "社区", "网格", "栋", "院落", "室", "号", "党", "驿站", "联盟", "公司", "协会", "银行", "王", "1")
    for text in texts:
        data = await run(city, role, f'{{ search(text: "{text}", first: 500) {{ localId }} }}')
        got = sorted(n["localId"] for n in data["search"])
        hide_members = role in (Role.ANALYST, Role.ALLIANCE_UNIT)  # never shown personal names
        names = {n.id: n.name for n in CITY.nodes if not (hide_members and n.label == "PartyMember")}
        want = sorted(i for i in seen_by(role) if text in names.get(i, ""))
        assert got == want, (text, role.value)


ANALYTICS = {
    "coverage": "coverage(area: $a) { area { id } details }",
    "allianceReach": "allianceReach(area: $a, k: 2) { area { id } units { unit } details }",
    "structure": "structure(area: $a) { area { id } details }",
    "brokerage": "brokerage(area: $a) { area { id } details }",
    "coveragePlan": "coveragePlan(area: $a) { area { id } assignments { household vanguard } details }",
    "appealStats": 'appealStats(area: $a, from: "2024-01-01", to: "2024-12-31") { area { id } details }',
}
FOREIGN_AREA = {
    Role.CITY: "s2c1",
    Role.STREET: "g1",
    Role.COMMUNITY: "c2",
    Role.GRID_WORKER: "g2",
    Role.VANGUARD: "g1",
    Role.ALLIANCE_UNIT: "s2c1",
    Role.ANALYST: "s2c1",
}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_analytics_stay_inside_and_refuse_a_foreign_area(city: GraphStore, role: Role) -> None:
    foreign = FOREIGN_AREA.get(role)
    own = {Role.ALLIANCE_UNIT: "c1"}.get(role, VIEWERS[role] if role is not Role.VANGUARD else None)
    for name, selection in ANALYTICS.items():
        query = f"query($a: ID) {{ {selection} }}"
        if foreign is not None:
            ctx = RequestContext.create(city, ApiConfig(), viewer=viewer(role))
            result = await SCHEMA.execute(query, {"a": to_global_id(LABELS[foreign], foreign)}, context_value=ctx)
            assert result.errors and result.errors[0].extensions["code"] == "FORBIDDEN", (name, result)
        if role is Role.VANGUARD:
            continue
        variables = {"a": None if role is not Role.ALLIANCE_UNIT else to_global_id(LABELS[own], own)}
        data = await run(city, role, query, variables)
        assert_inside(role, data)
        if own is not None:
            assert from_global_id(data[name]["area"]["id"])[1] == own, name


MUTATIONS: dict[str, str] = {
    "createHousehold": 'createHousehold(input: {name: "新户", building: "%(b)s"}) { household { id } %(E)s }',
    "updateHousehold": 'updateHousehold(input: {id: "%(h)s", size: 3}) { household { id } %(E)s }',
    "deleteHousehold": 'deleteHousehold(id: "%(h)s") { deletedId %(E)s }',
    "updateGrid": 'updateGrid(input: {id: "%(g)s", name: "改名"}) { grid { id } %(E)s }',
    "createBuilding": 'createBuilding(input: {name: "新楼", kind: BUILDING, grid: "%(g)s"}) { building { id } %(E)s }',
    "moveHousehold": 'moveHousehold(input: {household: "%(h)s", building: "%(b)s"}) { household { id } %(E)s }',
    "linkLinks": 'link(input: {type: LINKS, from: "%(m)s", to: "%(h)s"}) { relationship { type } %(E)s }',
    "linkVisited": 'link(input: {type: VISITED, from: "%(m)s", to: "%(h)s", on: "2024-05-01"}) { %(E)s }',
    "unlinkLives": 'unlink(input: {type: LIVES_IN, from: "%(m)s", to: "%(h)s"}) { removed %(E)s }',
    "updateUnit": 'updateAllianceMember(input: {id: "%(u)s", name: "新名"}) { allianceMember { id } %(E)s }',
    "assignLinks": 'assignLinks(input: {vanguard: "%(m)s", members: [], households: ["%(h)s"]}) { added %(E)s }',
}


def _ids(**local: str) -> dict[str, str]:
    return {"E": "errors { code }"} | {k: to_global_id(LABELS[v], v) for k, v in local.items()}


# Inside g1 (so inside st1, c1 and g1): household hh3 in b2, which the vanguard pm1 links, and
# the other building b1.  Outside all of them (in street s2): s2c1g1b1-h in s2c1g1b1 of s2c1g1,
# its resident s2c1g1b1-m, and the unit s2-am1 of an alliance am1 did not join.
INSIDE = _ids(b="b1", h="hh3", g="g1", m="pm1", u="am1")
OUTSIDE = _ids(b="s2c1g1b1", h="s2c1g1b1-h", g="s2c1g1", m="s2c1g1b1-m", u="s2-am1")
ALLOWED: dict[Role, dict[str, bool]] = {
    Role.ADMIN: dict.fromkeys(MUTATIONS, True),
    Role.CITY: dict.fromkeys(
        ["updateGrid", "createBuilding", "linkLinks", "linkVisited", "unlinkLives", "assignLinks"], True
    ),
    Role.COMMUNITY: dict.fromkeys(
        ["updateGrid", "createBuilding", "linkLinks", "linkVisited", "unlinkLives", "assignLinks"], True
    ),
    Role.GRID_WORKER: {
        "createHousehold": True,
        "updateHousehold": True,
        "deleteHousehold": True,
        "moveHousehold": True,
        "linkLinks": True,
        "linkVisited": True,
        "unlinkLives": True,
        # assignLinks would remove the vanguard's link to hh4, in the neighbouring grid g2
    },
    Role.VANGUARD: {"linkVisited": True},
    Role.ALLIANCE_UNIT: {"updateUnit": True},
}
"""Which mutations each role may make on INSIDE; every mutation on OUTSIDE is FORBIDDEN for
every scoped role.  STREET (bound to s2, where OUTSIDE lies: for it INSIDE is the foreign
side) and ANALYST may make none of them."""


def _code(payload: dict[str, Any]) -> str | None:
    errors = payload.get("errors") or []
    return errors[0]["code"] if errors else None


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("mutation", list(MUTATIONS))
async def test_each_mutation_family_is_allowed_or_forbidden_as_the_table_says(
    city: GraphStore, role: Role, mutation: str
) -> None:
    before = await _snapshot(city)
    for where, ids in (("outside", OUTSIDE), ("inside", INSIDE)):
        if role in (Role.ADMIN, Role.STREET) and where == "outside":
            continue
        data = await run(city, role, "mutation { m: " + MUTATIONS[mutation] % ids + " }")
        allowed = where == "inside" and ALLOWED.get(role, {}).get(mutation, False)
        code = _code(data["m"])
        if allowed:
            assert code != "FORBIDDEN", (role.value, mutation, where, data)
        else:
            assert code == "FORBIDDEN", (role.value, mutation, where, data)
            assert await _snapshot(city) == before, (role.value, mutation, where)
        assert_inside(role, data)


async def _snapshot(store: GraphStore) -> str:
    nodes = [n async for batch in store.scan_nodes() for n in batch]
    rels = [r async for batch in store.scan_relationships() for r in batch]
    return json.dumps(
        [[n.label, n.id, dict(n.properties)] for n in nodes]
        + [[r.type, r.start, r.end, dict(r.properties)] for r in rels],
        sort_keys=True,
        ensure_ascii=False,
    )


def test_the_oracle_sees_what_the_table_says() -> None:
    """The city's oracle itself (so that the matrix cannot pass by seeing nothing)."""
    grid = CITY.visible(Role.GRID_WORKER, "g1")
    assert grid[0] == {
        *("g1", "b1", "b2", "hh1", "hh2", "hh3", "pm1", "pm2", "org-g1", "org-b1", "vs1"),
        *("ap1", "ap2", "ap3", "ap6"),  # concerning b1, g1, hh3 and b2
        *("w-g1", "w-b1"),  # the grid worker and b1's building head (WORKS_IN)
    }
    assert grid[1] == {"c1", "st1"} and "hh4" not in grid[0] and "w-i1" not in grid[0]  # w-i1 works in st1
    community = CITY.visible(Role.COMMUNITY, "c1")[0]
    assert {"org-c1", "act1"} <= community and "pm3" not in community  # pm3, of org-c1, lives in c2
    assert CITY.visible(Role.VANGUARD, "pm1")[0] == {
        *("pm1", "pm2", "hh3", "hh4", "vs1", "b1"),
        *("ap3", "ap6"),  # assigned to pm1, raised by the linked hh3
    }
    assert CITY.visible(Role.ALLIANCE_UNIT, "am1") == ({"am1", "al1", "ap1"}, {"c1", "st1"})
    street = CITY.visible(Role.STREET, "s2")
    assert street[1] == set() and {"s2c2g2b2-m", "s2-ap1", "s2-act1"} <= street[0]
    assert isinstance(CITY, City)
