"""One field's cancellation does not cancel the other fields waiting for the same key."""

from __future__ import annotations

import asyncio

import pytest

from loaders.batch import SharedLoader

pytestmark = pytest.mark.asyncio


async def test_a_cancelled_waiter_leaves_the_others_their_value() -> None:
    gate = asyncio.Event()
    batches: list[list[str]] = []

    async def load(keys: list[str]) -> list[int]:
        batches.append(keys)
        await gate.wait()
        return [len(k) for k in keys]

    loader: SharedLoader[str, int] = SharedLoader(load_fn=load)

    async def field(key: str) -> int:
        return await loader.load(key)

    first = asyncio.ensure_future(field("abc"))
    second = asyncio.ensure_future(field("abc"))
    await asyncio.sleep(0)
    first.cancel()  # what graphql-core does to the siblings of a failed field
    gate.set()
    assert await second == 3
    assert first.cancelled()
    assert batches == [["abc"]]
