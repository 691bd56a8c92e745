"""The fork server (resolvers/forkserver.py): work computed in its children on what it
prepared, sent by name; attributes read by the server once; a child killed on request."""

from __future__ import annotations

import functools
import os
import time
from typing import Any

import pytest

from resolvers import forkserver, offload

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork servers need os.fork")


class Prepared:
    """Something a server prepares once, with a part its children read (or it reads first)."""

    def __init__(self) -> None:
        self.values = list(range(1000))
        self.prepared_in = os.getpid()

    @functools.cached_property
    def part(self) -> dict[str, int]:
        return {"sum": sum(self.values), "read_in": os.getpid()}


def _prepare() -> dict[str, Any]:
    thing = Prepared()
    return {"thing": thing}


def figures(thing: Prepared, part: dict[str, int], extra: int) -> dict[str, int]:
    return {"sum": part["sum"] + extra, "part_read_in": part["read_in"], "child": os.getpid(), "n": len(thing.values)}


def failing() -> None:
    raise ValueError("no such area: 7")


async def test_a_servers_children_compute_on_what_it_prepared() -> None:
    local = Prepared()
    server = forkserver.ForkServer(_prepare)
    try:
        deferred = forkserver.Deferred(local, "thing", "part")
        payload, refs = forkserver.dumps(functools.partial(figures, local, deferred, 5), {"thing": local})
        assert refs == {"thing", "thing.part"}
        assert len(payload) < 500  # names, not the objects
        first = await server.submit(payload, refs).result()
        second = await server.submit(payload, refs).result()
        assert first["sum"] == second["sum"] == sum(range(1000)) + 5
        assert first["n"] == 1000
        assert first["part_read_in"] == second["part_read_in"] == server.pid  # read by the server, once
        assert len({first["child"], second["child"], server.pid, os.getpid()}) == 4
        assert "part" not in local.__dict__  # never read here
        assert forkserver.resolved(deferred)["sum"] == sum(range(1000))  # read here when asked
        with pytest.raises(ValueError, match="no such area: 7"):
            await server.submit(forkserver.dumps(failing, {})[0]).result()
        assert forkserver.awaited() == 0
    finally:
        server.close()


async def test_a_servers_child_is_killed() -> None:
    server = forkserver.ForkServer(_prepare)
    try:
        answer = server.submit(forkserver.dumps(functools.partial(time.sleep, 60), {})[0])
        answer.kill()  # before its pid is known: killed once it is
        with pytest.raises(offload.ChildFailed):
            await answer.result()
        assert answer.pid is not None
        for _ in range(100):
            try:
                os.kill(answer.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the child still runs")
    finally:
        server.close()
    for _ in range(200):
        if server.pid not in forkserver._LIVE:
            break
        time.sleep(0.02)
    assert server.pid not in forkserver._LIVE  # the server left and was collected


async def test_an_analysis_whose_server_closed_meanwhile_forks_from_the_service() -> None:
    import networkx as nx

    from resolvers.analytics import flights

    graph = nx.MultiDiGraph()
    graph.add_node("a", label="Street")
    server = forkserver.serve(graph, lambda: {"graph": graph})
    try:
        work = functools.partial(len, graph)
        spawn = flights._spawn(len, graph, (), {}, work)
        assert spawn is not None
        server.close()  # its version replaced while the analysis waited for a slot
        child = spawn()
        assert isinstance(child, offload.Child)
        assert await child.result() == 1
    finally:
        server.close()
