"""API tests: the real app over HTTP (httpx.ASGITransport) on the ``store`` fixture, so every
test runs on both adapters.  ``city`` writes the shared test city (``tests/cities.py``: two
streets, every relationship type)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from graph_schema import to_global_id
from loaders.store import GraphStore
from service.app import create_app
from service.settings import Settings
from tests.cities import CITY

GQL = "application/graphql-response+json"


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
    await store.write(CITY.batch())
    return store


@asynccontextmanager
async def open_api(store: GraphStore, **settings: Any) -> AsyncIterator[Api]:
    # no deadline unless a test sets one: a loaded test machine must not turn slow answers into 504s
    app = create_app(Settings(demo_when_empty=False, **{"deadline": 0.0, **settings}), store=store)
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
