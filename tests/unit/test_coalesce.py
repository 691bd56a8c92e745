"""Shared point reads (:mod:`loaders.coalesce`) over a real embedded store: one request's failure
fails no other, a cancelled request leaves the others their answers, an unavailable store is
reported to every request without asking it again, and calls wait for a free slot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph_schema import Node
from loaders.coalesce import PointReads
from loaders.scope import Scope
from loaders.store import StoreUnavailable, store_failure_seen
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

IDS = sorted(n.id for n in CITY.nodes if n.label == "Household")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "civicmesh.sqlite")
    await s.open()
    await s.write(CITY.batch())
    try:
        yield s
    finally:
        await s.close()


class Refusing:
    """The store's get_nodes, refusing any call that holds ``bad`` (as a store refuses an id it
    cannot read) or, with ``down``, every call (as when the server cannot be reached)."""

    def __init__(self, store: EmbeddedStore, bad: str = "bad", down: bool = False) -> None:
        self.store, self.bad, self.down = store, bad, down
        self.asked: list[list[str]] = []

    async def __call__(self, ids: list[str], scope: Scope | None) -> list[Node | None]:
        self.asked.append(list(ids))
        await asyncio.sleep(0)
        if self.down:
            raise StoreUnavailable()
        if self.bad in ids:
            raise ValueError(f"id {self.bad!r} cannot be read")
        return await self.store.get_nodes(ids, scope=scope)


async def test_one_requests_bad_id_fails_that_request_only(store: EmbeddedStore) -> None:
    read = Refusing(store)
    reads = PointReads(read)
    got = await asyncio.gather(
        reads.get(IDS[:2]), reads.get(["bad", IDS[3]]), reads.get([IDS[4], IDS[0]]), return_exceptions=True
    )
    assert [n.id for n in got[0]] == IDS[:2]  # type: ignore[union-attr]
    assert isinstance(got[1], ValueError) and "'bad'" in str(got[1])
    assert [n.id for n in got[2]] == [IDS[4], IDS[0]]  # type: ignore[union-attr]
    assert read.asked[0] == [*IDS[:2], "bad", IDS[3], IDS[4]]  # first shared, then each alone
    assert read.asked[1:] == [IDS[:2], ["bad", IDS[3]], [IDS[4], IDS[0]]]


async def test_an_unavailable_store_is_told_to_every_request_once(store: EmbeddedStore) -> None:
    read = Refusing(store, down=True)
    reads = PointReads(read)
    seen: list[list[bool]] = []

    async def request(node_id: str) -> object:
        mine: list[bool] = []
        seen.append(mine)
        store_failure_seen.set(mine)  # as the service's health middleware does per request
        try:
            return await reads.get([node_id])
        except StoreUnavailable as exc:
            return exc

    got = await asyncio.gather(*(asyncio.ensure_future(request(i)) for i in IDS[:5]))
    assert all(isinstance(g, StoreUnavailable) for g in got)
    assert len(read.asked) == 1
    assert all(mine for mine in seen)  # each request's watcher heard of it, not only the first's


async def test_a_cancelled_request_leaves_the_others_their_answers(store: EmbeddedStore) -> None:
    reads = PointReads(Refusing(store))
    first = asyncio.ensure_future(reads.get([IDS[0]]))
    second = asyncio.ensure_future(reads.get([IDS[1], IDS[2]]))
    await asyncio.sleep(0)
    first.cancel()
    got = await second
    assert [n.id for n in got] == [IDS[1], IDS[2]]  # type: ignore[union-attr]
    assert first.cancelled()


async def test_requests_arriving_while_calls_run_gather_into_the_next_call(store: EmbeddedStore) -> None:
    read = Refusing(store)
    reads = PointReads(read, max_in_flight=1)
    early = asyncio.ensure_future(reads.get([IDS[0]]))
    await asyncio.sleep(0)  # the first call starts with one id
    late = [asyncio.ensure_future(reads.get([i])) for i in IDS[1:6]]
    got = await asyncio.gather(early, *late)
    assert [[n.id for n in g] for g in got] == [[i] for i in IDS[:6]]  # type: ignore[union-attr]
    assert read.asked == [[IDS[0]], IDS[1:6]]


async def test_a_batch_is_closed_at_max_ids(store: EmbeddedStore) -> None:
    read = Refusing(store)
    reads = PointReads(read, max_ids=4)
    got = await asyncio.gather(*(reads.get([i]) for i in IDS[:10]))
    assert [g[0].id for g in got] == IDS[:10]  # type: ignore[union-attr]
    assert [len(a) for a in read.asked] == [4, 4, 2]
