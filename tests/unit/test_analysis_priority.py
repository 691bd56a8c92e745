"""Analyses' processes run below the service's CPU priority (``CIVICMESH_ANALYSIS_NICE``): a
child forked from the service, a fork server and its children; 0 leaves them at the service's."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

from resolvers import forkserver, offload

pytestmark = pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priorities need os.getpriority")


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.fixture(autouse=True)
def restore() -> Iterator[None]:
    yield
    offload.configure(0)


async def test_children_and_a_fork_server_run_below_the_service() -> None:
    service = _priority()
    if service > 16:
        pytest.skip("the test process already runs at the lowest priorities")
    offload.configure(1, nice=3)
    assert await offload.Child(_priority).result() == service + 3
    server = forkserver.ForkServer(dict)
    try:
        payload = forkserver.dumps(functools.partial(os.getpriority, os.PRIO_PROCESS, 0), {})[0]
        assert await server.submit(payload).result() == service + 3  # not + 6: the same however often
    finally:
        server.close()
    assert _priority() == service  # the service itself keeps its own
    offload.configure(1, nice=0)
    assert await offload.Child(_priority).result() == service
