"""The live queue: ``appealEvents(area)`` over graphql-transport-ws, with a real WebSocket client
(``websockets``) against the service run by a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from loaders.store import GraphStore
from service.app import create_app
from service.settings import Settings
from tests.api.conftest import gid
from tests.cities import CITY

SUBSCRIBE = "subscription($area: ID) { appealEvents(area: $area) { action appeal { localId status title } } }"
REPORT = """mutation($i: ReportAppealInput!) { reportAppeal(input: $i) { appeal { id localId } errors { code } } }"""
ACCEPT = """mutation($i: AppealInput!) { acceptAppeal(input: $i) { appeal { status } errors { code } } }"""


class Served:
    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.http = f"http://127.0.0.1:{port}/graphql"
        self.ws = f"ws://127.0.0.1:{port}/graphql"


@asynccontextmanager
async def serve(store: GraphStore, **settings: Any) -> AsyncIterator[Served]:
    app = create_app(Settings(demo_when_empty=False, log_level="WARNING", **settings), store=store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, ws="websockets-sansio", log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Served(app, port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def served(store: GraphStore) -> AsyncIterator[Served]:
    await store.write(CITY.batch())
    async with serve(store) as running:
        yield running


async def subscribe(served: Served, area: str | None) -> ClientConnection:
    ws = await connect(served.ws, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    payload = {"query": SUBSCRIBE, "variables": {"area": area}}
    await ws.send(json.dumps({"id": "q1", "type": "subscribe", "payload": payload}))
    return ws


async def next_event(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return dict(message["payload"]["data"]["appealEvents"])


async def gql(client: httpx.AsyncClient, served: Served, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post(served.http, json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_subscribers_see_new_and_changed_appeals_of_their_area(served: Served) -> None:
    east = await subscribe(served, gid("Community", "c1"))
    south = await subscribe(served, gid("Street", "s2"))
    everything = await subscribe(served, None)
    events = served.app.state.appeal_events
    for _ in range(500):  # the subscriptions are registered once the server has started each of them
        if events.subscribers == 3:
            break
        await asyncio.sleep(0.01)
    assert events.subscribers == 3
    async with httpx.AsyncClient() as client:
        made = await gql(
            client,
            served,
            REPORT,
            {
                "i": {
                    "title": "2栋电梯坏了",
                    "category": "FACILITIES",
                    "source": "HOTLINE",
                    "concerns": gid("Building", "b2"),
                }
            },
        )
        east_id = made["reportAppeal"]["appeal"]["localId"]
        await gql(client, served, ACCEPT, {"i": {"id": made["reportAppeal"]["appeal"]["id"]}})
        made = await gql(
            client,
            served,
            REPORT,
            {
                "i": {
                    "title": "观西路灯",
                    "category": "FACILITIES",
                    "source": "ONLINE",
                    "concerns": gid("Grid", "s2c1g2"),
                }
            },
        )
        south_id = made["reportAppeal"]["appeal"]["localId"]
    assert await next_event(east) == {
        "action": "REPORT",
        "appeal": {"localId": east_id, "status": "REPORTED", "title": "2栋电梯坏了"},
    }
    assert await next_event(east) == {
        "action": "ACCEPT",
        "appeal": {"localId": east_id, "status": "ACCEPTED", "title": "2栋电梯坏了"},
    }
    # the southern street's subscriber saw nothing of 东门社区: its first event is its own
    assert (await next_event(south))["appeal"]["localId"] == south_id
    seen = [(e["action"], e["appeal"]["localId"]) for e in [await next_event(everything) for _ in range(3)]]
    assert seen == [("REPORT", east_id), ("ACCEPT", east_id), ("REPORT", south_id)]
    for ws in (east, south, everything):
        await ws.send(json.dumps({"id": "q1", "type": "complete"}))
        await ws.close()
    for _ in range(500):
        if events.subscribers == 0:
            break
        await asyncio.sleep(0.01)
    assert events.subscribers == 0


async def test_a_bad_area_is_an_error_of_the_subscription(served: Served) -> None:
    ws = await subscribe(served, gid("PartyMember", "pm1"))
    message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert message["type"] == "next", message  # an execution error, as the protocol sends them
    (error,) = message["payload"]["errors"]
    assert error["extensions"]["code"] == "WRONG_TYPE"
    assert "area" in error["message"]
    await ws.close()


async def test_with_tokens_configured_a_socket_without_one_is_closed(store: GraphStore) -> None:
    await store.write(CITY.batch())
    async with serve(store, jwt_secret="s3cret-for-tests-only-0123456789abcdef") as running:
        ws = await connect(running.ws, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        with pytest.raises(ConnectionClosed) as closed:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        assert closed.value.rcvd.reason == "TOKEN_MISSING"
