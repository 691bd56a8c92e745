"""The analytics projection is shared by the requests that wait for it (and carried on between
them); whatever happens to it, every waiter gets an honest, coded answer:

* the store going unavailable while it is built: 503 ``STORE_UNAVAILABLE`` for each waiter
  (not only for the request that started it), never HTTP 200 with "Unexpected error.";
* it failing otherwise: ``ANALYSIS_INTERRUPTED``;
* a ping timing out meanwhile (a busy server or event loop) is a slow answer, not an outage:
  the store stays up and the projection is served.

The projection is held with a hook around the store's real ``project()`` (the database is real).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from loaders.projection_cache import projection_cache
from loaders.store import GraphStore, StoreUnavailable
from resolvers.analytics import snapshot
from service.app import create_app
from service.settings import Settings
from tests.api.conftest import GQL

pytestmark = pytest.mark.asyncio

COVERAGE = "{ coverage { households { total covered } } }"


class HeldProjection:
    """``store.project`` held until :attr:`release` is set, then failing with :attr:`failure`
    (or running the real one)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.real = store.project
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.failure: BaseException | None = None
        self.calls = 0

    async def project(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return await self.real(*args, **kwargs)


@pytest.fixture
async def held(city: GraphStore) -> AsyncIterator[HeldProjection]:
    hook = HeldProjection(city)
    projection_cache(city).invalidate()
    snapshot._SESSIONS.pop(city, None)
    city.project = hook.project  # type: ignore[method-assign]
    try:
        yield hook
    finally:
        del city.project  # the class's method again
        city.availability.mark_up()
        projection_cache(city).invalidate()


async def _two_waiters(store: GraphStore, hook: HeldProjection, meanwhile: Any) -> list[httpx.Response]:
    """Two coverage requests waiting for the one held projection; ``meanwhile()`` runs while
    both wait, then the projection is released."""
    app = create_app(Settings(demo_when_empty=False, deadline=0.0), store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as client:

        async def post() -> httpx.Response:
            return await client.post("/graphql", json={"query": COVERAGE}, headers={"accept": GQL})

        first = asyncio.ensure_future(post())
        await asyncio.wait_for(hook.started.wait(), 60)
        second = asyncio.ensure_future(post())
        await asyncio.sleep(0.2)  # the second one waits for the same projection
        assert not first.done() and not second.done()
        meanwhile()
        hook.release.set()
        return list(await asyncio.wait_for(asyncio.gather(first, second), 120))


async def test_every_waiter_is_told_the_store_became_unavailable(city: GraphStore, held: HeldProjection) -> None:
    def outage() -> None:
        city.availability.mark_down(ConnectionError("connection refused"))
        held.failure = StoreUnavailable()

    for response in await _two_waiters(city, held, outage):
        body = response.json()
        assert response.status_code == 503, body
        assert [e["extensions"]["code"] for e in body["errors"]] == ["STORE_UNAVAILABLE"], body
        assert int(response.headers["retry-after"]) >= 1


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_failed_projection_is_a_coded_error(city: GraphStore, held: HeldProjection) -> None:
    kept = _Kept()  # on the logger itself: the app configures the service's logging its own way
    logging.getLogger("civicmesh.analytics").addHandler(kept)

    def failure() -> None:
        held.failure = RuntimeError("the projection broke")

    try:
        responses = await _two_waiters(city, held, failure)
    finally:
        logging.getLogger("civicmesh.analytics").removeHandler(kept)
    for response in responses:
        body = response.json()
        assert response.status_code == 200 and body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == ["ANALYSIS_INTERRUPTED"], body
        assert "Unexpected" not in body["errors"][0]["message"]
    assert city.availability.up
    logged = [r for r in kept.records if r.exc_info and "the projection broke" in str(r.exc_info[1])]
    assert len(logged) == held.calls >= 1, "each failed projection is logged once, for the lead to find"


async def test_a_cancelled_projection_is_a_coded_error_for_its_waiters(city: GraphStore, held: HeldProjection) -> None:
    def cancelled() -> None:  # e.g. the service shutting down its tasks, or a cancellation from within
        held.failure = asyncio.CancelledError()

    for response in await _two_waiters(city, held, cancelled):
        body = response.json()
        assert response.status_code == 200, body
        assert [e["extensions"]["code"] for e in body["errors"]] == ["ANALYSIS_INTERRUPTED"], body
        assert "stopped before it finished" in body["errors"][0]["message"]


async def test_a_ping_that_times_out_during_a_projection_is_not_an_outage(
    city: GraphStore, held: HeldProjection
) -> None:
    def slow_pings() -> None:
        for _ in range(3):  # what the store watch does when its ping does not answer within its timeout
            city.availability.mark_down(TimeoutError())

    for response in await _two_waiters(city, held, slow_pings):
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        assert body["data"]["coverage"]["households"]["total"] > 0
    assert city.availability.up and city.availability.slow >= 3


async def test_a_hang_is_an_outage_after_hang_after(city: GraphStore) -> None:
    availability = city.availability
    availability.hang_after = 0.2
    try:
        availability.mark_down(TimeoutError())
        assert availability.up
        await asyncio.sleep(0.3)
        availability.mark_down(TimeoutError())
        assert not availability.up, "calls unanswered for longer than hang_after: the server hangs"
        availability.mark_up()
        availability.mark_down(TimeoutError())
        assert availability.up, "an answer in between starts the count again"
    finally:
        availability.hang_after = 30.0
        availability.mark_up()
