"""A big answer encoded in slices (service/json_chunks.py): exactly the bytes of one
``json.dumps``, and light requests answered between the slices.  Orders of events are
counted, never times."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers import lanes
from service import json_chunks

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
documents = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=5),
    max_leaves=60,
)


def _reference(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture(autouse=True)
def bound() -> Iterator[None]:
    lanes.configure(lanes.BOUND_S * 1000)
    yield
    lanes.configure(lanes.BOUND_S * 1000)


@settings(max_examples=300, deadline=None)
@given(documents, st.integers(min_value=1, max_value=20))
def test_the_pieces_make_exactly_the_text_of_one_dumps(value: Any, chunk: int) -> None:
    assert "".join(json_chunks.pieces(value, chunk)).encode() == _reference(value)


@settings(max_examples=100, deadline=None)
@given(documents, st.integers(min_value=1, max_value=20))
def test_the_encoding_gives_exactly_the_bytes_of_one_dumps(value: Any, chunk: int) -> None:
    assert asyncio.run(json_chunks.encode(value, chunk=chunk, slice_s=0)) == _reference(value)


def _community(grids: int, buildings: int, households: int) -> dict[str, Any]:
    """The shape of the load bench's nested answer (a community's grids, buildings, households)."""
    return {
        "data": {
            "node": {
                "name": "社区",
                "grids": {
                    "nodes": [
                        {
                            "id": f"g{g}",
                            "name": f"网格 {g}",
                            "buildings": {
                                "nodes": [
                                    {
                                        "id": f"b{g}.{b}",
                                        "name": f"楼 {b}",
                                        "households": {
                                            "nodes": [
                                                {"id": f"h{g}.{b}.{h}", "name": f"户 {h}", "size": h % 5 + 1}
                                                for h in range(households)
                                            ]
                                        },
                                    }
                                    for b in range(buildings)
                                ]
                            },
                        }
                        for g in range(grids)
                    ]
                },
            }
        }
    }


def test_a_city_sized_answer_is_the_same_and_a_small_one_is_one_piece() -> None:
    big = _community(12, 20, 25)
    assert json_chunks.estimate(big) > json_chunks.CHUNK
    pieces = list(json_chunks.pieces(big))
    assert len(pieces) > 10
    assert "".join(pieces).encode() == _reference(big)
    assert asyncio.run(json_chunks.encode(big)) == _reference(big)
    small = {"data": {"node": {"id": "h1", "name": "户", "size": 3}}}
    assert list(json_chunks.pieces(small)) == [json_chunks.dumps(small)]
    # odd keys and tuples: the same text as json's own conversions
    odd = {"data": [(1, 2), {3: "x", None: [True] * 50}]}
    assert "".join(json_chunks.pieces(odd, chunk=4)) == json.dumps(odd, ensure_ascii=False, separators=(",", ":"))


async def test_a_light_request_is_answered_between_the_slices_of_a_big_answer() -> None:
    events: list[str] = []
    slices = 0
    real = lanes.yield_to_light

    async def counted() -> None:
        nonlocal slices
        slices += 1
        events.append(f"slice {slices}")
        await real()

    async def light() -> None:
        with lanes.light():
            for step in range(3):
                events.append(f"light {step}")
                await asyncio.sleep(0)
            events.append("light done")

    big = _community(12, 20, 25)
    json_chunks.yield_to_light = counted  # type: ignore[assignment]
    try:
        encoding = asyncio.ensure_future(json_chunks.encode(big, chunk=200, slice_s=0))
        await asyncio.sleep(0)  # the encoding's first slice runs
        answered = asyncio.ensure_future(light())
        encoded, _ = await asyncio.gather(encoding, answered)
    finally:
        json_chunks.yield_to_light = real  # type: ignore[assignment]
    assert encoded == _reference(big)
    assert slices > 5
    # the light request finished while the encoding still had slices to go
    assert events.index("light done") < events.index(f"slice {slices}")
    assert events.index("light done") < events.index("slice 3")
