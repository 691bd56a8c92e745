"""Light requests first (resolvers/lanes.py): heavy work's yields let the light requests in
progress go first, and heavy work still finishes while light ones keep arriving.  Orders of
events are counted, never times."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from resolvers import lanes


@pytest.fixture(autouse=True)
def bound() -> Iterator[None]:
    lanes.configure(lanes.BOUND_S * 1000)
    yield
    lanes.configure(lanes.BOUND_S * 1000)


async def _heavy(events: list[str], stretches: int) -> None:
    for i in range(stretches):
        events.append(f"heavy {i}")
        await lanes.yield_to_light()


async def _light(events: list[str], name: str, steps: int = 3) -> None:
    with lanes.light():
        for step in range(steps):  # a light request's steps: read, store, complete, answer
            events.append(f"{name} {step}")
            await asyncio.sleep(0)
        events.append(f"{name} done")


async def test_a_light_request_is_answered_before_the_heavy_ones_next_stretch() -> None:
    events: list[str] = []
    heavy = asyncio.ensure_future(_heavy(events, 5))
    await asyncio.sleep(0)  # the heavy request's first stretch runs
    light = asyncio.ensure_future(_light(events, "light"))
    await asyncio.gather(heavy, light)
    assert events.index("light done") < events.index("heavy 2")
    # without the lane, the heavy request's stretches interleave with every step of the light one
    lanes.configure(0)
    events.clear()
    heavy = asyncio.ensure_future(_heavy(events, 5))
    await asyncio.sleep(0)
    light = asyncio.ensure_future(_light(events, "light"))
    await asyncio.gather(heavy, light)
    assert events.index("light done") > events.index("heavy 2")


async def test_heavy_work_is_not_starved_by_light_requests_arriving_all_the_time() -> None:
    events: list[str] = []
    arriving = True

    async def clients() -> int:
        count = 0
        running: set[asyncio.Future[None]] = set()
        while arriving:  # always two light requests in progress, each waiting on "I/O"
            while len(running) < 2:
                count += 1
                task = asyncio.ensure_future(_slow_light(count))
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(0)
        await asyncio.gather(*running)
        return count

    async def _slow_light(n: int) -> None:
        with lanes.light():
            await asyncio.sleep(0.02)  # waits on the store longer than the bound
            events.append(f"light {n} done")

    bounded = lanes.STATS["bounded"]
    load = asyncio.ensure_future(clients())
    await asyncio.sleep(0)
    await _heavy(events, 10)  # finishes although a light request is always in progress
    assert lanes.in_progress() > 0
    arriving = False
    served = await load
    assert served > 2
    assert lanes.STATS["bounded"] > bounded  # the bound, not an idle moment, let it go on
    assert lanes.in_progress() == 0


async def test_without_light_requests_heavy_work_only_yields_once() -> None:
    waited = lanes.STATS["waited"]
    other: list[str] = []

    async def neighbour() -> None:
        other.append("ran")

    task = asyncio.ensure_future(neighbour())
    await lanes.yield_to_light()  # the loop runs the others once, as asyncio.sleep(0) did
    assert other == ["ran"]
    await task
    assert lanes.STATS["waited"] == waited


async def test_the_heavy_gate_counts_light_requests_not_heavy_ones() -> None:
    import json

    from resolvers.schema import build_schema
    from service.priority import HeavyGate

    seen: list[int] = []

    async def app(scope: object, receive: object, send: object) -> None:
        seen.append(lanes.in_progress())

    gate = HeavyGate(app, build_schema()._schema)

    async def call(query: str) -> None:
        body = json.dumps({"query": query}).encode()
        messages = iter([{"type": "http.request", "body": body, "more_body": False}])

        async def receive() -> dict[str, object]:
            return next(messages)

        async def send(message: object) -> None:
            pass

        await gate({"type": "http", "path": "/graphql", "method": "POST"}, receive, send)

    await call('{ node(id: "x") { id } }')
    await call("{ coverage { uncoveredHouseholds } }")
    assert seen == [1, 0]  # the light one counted while it ran, the heavy one not
    assert lanes.in_progress() == 0
