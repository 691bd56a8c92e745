"""API tests: the real app over HTTP (httpx.ASGITransport) on the ``store`` fixture, so every
test runs on both adapters.  ``city`` writes a small graph that uses every relationship type."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from graph_schema import Node, Relationship, WriteBatch, to_global_id
from loaders.store import GraphStore
from service.app import create_app
from service.settings import Settings

GQL = "application/graphql-response+json"

N = Node
R = Relationship
CITY_NODES = [
    N("Street", "st1", {"name": "澄江街道", "code": "320281001"}),
    N("Community", "c1", {"name": "东门社区", "code": "320281001001"}),
    N("Community", "c2", {"name": "西门社区"}),
    N("Grid", "g1", {"name": "东门一网格", "kinds": ["GOVERNMENT_SERVICE", "PUBLIC_SAFETY"]}),
    N("Grid", "g2", {"name": "东门二网格", "kinds": ["LIFE_SERVICE"], "target_households": 250}),
    N("Grid", "g3", {"name": "西门一网格"}),
    N("Building", "b1", {"name": "1栋", "kind": "BUILDING", "address": "东门路1号"}),
    N("Building", "b2", {"name": "2栋", "kind": "BUILDING"}),
    N("Building", "b3", {"name": "梅园院落", "kind": "COURTYARD"}),
    N("Building", "b4", {"name": "3栋", "kind": "BUILDING"}),
    N(
        "Household",
        "hh1",
        {
            "name": "1栋101室",
            "size": 1,
            "tags": ["ELDERLY_ALONE"],
            "head_name": "张三丰",
            "phone": "13812341234",
            "head_id_number": "11010519491231002X",
        },
    ),
    N("Household", "hh2", {"name": "1栋102室", "size": 3}),
    N("Household", "hh3", {"name": "2栋201室", "size": 2, "tags": ["FLOATING"]}),
    N("Household", "hh4", {"name": "梅园3号", "size": 4}),
    N("Household", "hh5", {"name": "3栋301室", "size": 2, "tags": ["ELDERLY_ALONE", "LOW_INCOME"]}),
    N("Household", "hh6", {"name": "3栋302室", "size": 5}),
    N("PartyOrganization", "org-st", {"name": "澄江街道党工委", "level": "STREET_COMMITTEE"}),
    N("PartyOrganization", "org-c1", {"name": "东门社区党委", "level": "COMMUNITY_COMMITTEE", "star": "EXCELLENT"}),
    N("PartyOrganization", "org-g1", {"name": "东门一网格党支部", "level": "GRID_BRANCH"}),
    N("PartyOrganization", "org-b1", {"name": "1栋楼栋党小组", "level": "BUILDING_GROUP"}),
    N("PartyOrganization", "org-am", {"name": "红色物业党支部", "level": "UNIT_BRANCH"}),
    N(
        "PartyMember",
        "pm1",
        {
            "name": "王建国",
            "kind": "RESIDENT",
            "vanguard": True,
            "phone": "13912345678",
            "id_number": "440524188001010014",
            "gender": "M",
            "birth_year": 1970,
        },
    ),
    N("PartyMember", "pm2", {"name": "李四", "kind": "IN_SERVICE"}),
    N("PartyMember", "pm3", {"name": "欧阳娜娜", "kind": "RETIRED"}),
    N("VanguardStation", "vs1", {"name": "东门先锋驿站"}),
    N("Alliance", "al1", {"name": "东门党建联盟", "theme": "物业治理"}),
    N(
        "AllianceMember",
        "am1",
        {
            "name": "澄江物业公司",
            "kind": "PROPERTY_COMPANY",
            "credit_code": "91350100M000100Y43",
            "resources": ["PROPERTY_SERVICE", "VOLUNTEERS"],
        },
    ),
    N("AllianceMember", "am2", {"name": "江阴农商银行", "kind": "FINANCIAL_INSTITUTION", "resources": ["FUNDING"]}),
]
CITY_RELS = [
    R("PART_OF", "c1", "st1"),
    R("PART_OF", "c2", "st1"),
    R("PART_OF", "g1", "c1"),
    R("PART_OF", "g2", "c1"),
    R("PART_OF", "g3", "c2"),
    R("PART_OF", "b1", "g1"),
    R("PART_OF", "b2", "g1"),
    R("PART_OF", "b3", "g2"),
    R("PART_OF", "b4", "g3"),
    R("PART_OF", "hh1", "b1"),
    R("PART_OF", "hh2", "b1"),
    R("PART_OF", "hh3", "b2"),
    R("PART_OF", "hh4", "b3"),
    R("PART_OF", "hh5", "b4"),
    R("PART_OF", "hh6", "b4"),
    R("REPORTS_TO", "org-c1", "org-st"),
    R("REPORTS_TO", "org-g1", "org-c1"),
    R("REPORTS_TO", "org-b1", "org-g1"),
    R("REPORTS_TO", "org-am", "org-c1"),
    R("GOVERNS", "org-st", "st1"),
    R("GOVERNS", "org-c1", "c1"),
    R("GOVERNS", "org-g1", "g1"),
    R("GOVERNS", "org-b1", "b1"),
    R("MEMBER_OF", "pm1", "org-g1"),
    R("MEMBER_OF", "pm2", "org-g1"),
    R("MEMBER_OF", "pm3", "org-c1"),
    R("LIVES_IN", "pm1", "hh1"),
    R("LIVES_IN", "pm2", "hh2"),
    R("LIVES_IN", "pm3", "hh5"),
    R("REPORTED_TO", "pm2", "c1", {"since": "2023-06-01"}),
    R("RUNS", "pm1", "vs1"),
    R("LOCATED_IN", "vs1", "b1"),
    R("LINKS", "pm1", "pm2", {"since": "2024-01-01"}),
    R("LINKS", "pm1", "hh3", {"since": "2024-02-01"}),
    R("LINKS", "pm1", "hh4"),
    R("VISITED", "pm1", "hh3", {"on": "2024-03-05"}),
    R("VISITED", "pm1", "hh3", {"on": "2024-04-02"}),
    R("LED_BY", "al1", "org-c1"),
    R("SERVES", "al1", "c1"),
    R("SERVES", "al1", "st1"),
    R("JOINED", "am1", "al1", {"since": "2023-01-01"}),
    R("JOINED", "am2", "al1"),
    R("MANAGES", "am1", "b1"),
    R("MANAGES", "am1", "b2"),
    R("BRANCH_OF", "org-am", "am1"),
    R("SITS_ON", "pm1", "org-c1"),
]


def gid(label: str, node_id: str) -> str:
    return to_global_id(label, node_id)


class Api:
    """A client of the app: ``q`` runs a GraphQL operation and returns ``data`` (no errors allowed)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, query: str, variables: dict[str, Any] | None = None, accept: str = GQL) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.client.post("/graphql", json=body, headers={"accept": accept})

    async def q(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.post(query, variables)
        body = response.json()
        assert response.status_code == 200, response.text
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The GraphQL errors of an operation that must fail."""
        body = (await self.post(query, variables)).json()
        assert body.get("errors"), body
        return list(body["errors"])


ApiFactory = Callable[..., Any]


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(WriteBatch(nodes=CITY_NODES, relationships=CITY_RELS))
    return store


@asynccontextmanager
async def open_api(store: GraphStore, **settings: Any) -> AsyncIterator[Api]:
    app = create_app(Settings(demo_when_empty=False, **settings), store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as client:
        yield Api(client)


@pytest.fixture
async def api(city: GraphStore) -> AsyncIterator[Api]:
    async with open_api(city) as client:
        yield client


@pytest.fixture
async def empty_api(store: GraphStore) -> AsyncIterator[Api]:
    async with open_api(store) as client:
        yield client
