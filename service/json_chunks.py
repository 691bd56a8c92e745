"""A big GraphQL answer encoded in slices, with the event loop's light requests served between.

``json.dumps`` of a whole nested answer (a community's grids, buildings and thousands of
households) is one C call of 10-30 ms, during which nothing else on the event loop runs.
:func:`encode` gives exactly the bytes of :func:`dumps` (``ensure_ascii=False``, compact
separators), but for an answer estimated larger than ``chunk`` values it encodes it piece by
piece: a subtree estimated at most ``chunk`` values (or a run of list elements of that size)
in one C call, the containers above them written here, and between two pieces that together
took longer than ``slice_s`` it awaits :func:`resolvers.lanes.yield_to_light`.

The size of a subtree is *estimated* by following the first element of each list
(:func:`estimate`: a few dict look-ups, whatever the answer's size), so a small answer costs
one estimate and one C call, as before; a wrong estimate only changes where the slices fall,
never the bytes.  See docs/design.md section 2.9.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from resolvers.lanes import yield_to_light

CHUNK = 2_000
"""Values (leaves) encoded in one C call at most, as estimated (about 0.2-0.5 ms of work)."""
SLICE_S = 0.002
"""Encoding runs this long at most (seconds) between two yields to the event loop."""

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> str:
    """The compact JSON text of ``value`` (non-ASCII kept as is), in one C call.

    >>> dumps({"名": [1, 2.5, None, True]})
    '{"名":[1,2.5,null,true]}'
    """
    return _encoder.encode(value)


def estimate(value: Any) -> int:
    """How many values (leaves and containers) ``value`` holds, following only the first element
    of each list (so the cost grows with the depth, not the size).

    >>> estimate({"a": 1, "b": [{"c": 1, "d": 2}] * 10})
    33
    >>> estimate("x"), estimate([]), estimate({})
    (1, 1, 1)
    """
    if isinstance(value, dict):
        return 1 + sum(estimate(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return 1 + (len(value) * estimate(value[0]) if value else 0)
    return 1


def pieces(value: Any, chunk: int = CHUNK) -> Iterator[str]:
    """The JSON text of ``value`` in pieces whose concatenation is :func:`dumps` ``(value)``;
    each piece is one C call over at most about ``chunk`` values, or a bracket, a comma or a key.

    >>> "".join(pieces({"a": [{"b": i} for i in range(5)], "c": "名"}, chunk=3))
    '{"a":[{"b":0},{"b":1},{"b":2},{"b":3},{"b":4}],"c":"名"}'
    """
    size = estimate(value)
    if size <= chunk:
        yield dumps(value)
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            yield dumps(value)  # keys json turns into strings itself: one call, the same text
            return
        yield "{"
        first = True
        for key, item in value.items():
            yield ("" if first else ",") + dumps(key) + ":"
            first = False
            yield from pieces(item, chunk)
        yield "}"
    elif isinstance(value, (list, tuple)):
        yield "["
        each = max(1, estimate(value[0]))
        run = max(1, chunk // each)
        if run > 1:  # runs of small elements, each run one C call
            for at in range(0, len(value), run):
                yield ("," if at else "") + dumps(list(value[at : at + run]))[1:-1]
        else:
            for at, item in enumerate(value):
                if at:
                    yield ","
                yield from pieces(item, chunk)
        yield "]"
    else:
        yield dumps(value)


async def encode(value: Any, chunk: int = CHUNK, slice_s: float = SLICE_S) -> bytes:
    """:func:`dumps` ``(value)`` as UTF-8, for a big ``value`` in pieces with the event loop's
    light requests served between them (see the module docstring)."""
    if estimate(value) <= chunk:
        return dumps(value).encode()
    out: list[str] = []
    since = time.perf_counter()
    for piece in pieces(value, chunk):
        out.append(piece)
        now = time.perf_counter()
        if now - since > slice_s:
            await yield_to_light()
            since = time.perf_counter()
    return "".join(out).encode()


__all__ = ["CHUNK", "SLICE_S", "dumps", "encode", "estimate", "pieces"]
