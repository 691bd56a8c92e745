"""The static cost of a repeated document is walked once when no variable can change it, and
walked again for each request when one can (a page size, the ids of ``nodes``, an analytics
argument); a cost read from the cache is the cost a fresh walk gives."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers import cost as C
from resolvers.context import ApiConfig
from resolvers.limits import parse_document
from resolvers.schema import build_schema


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_schema()._schema


def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    real = C._Walk.selections

    def counting(self: Any, parent: Any, selection_set: Any, depth: int = 0) -> int:
        if depth == 0 and parent is not None and parent.name in ("Query", "Mutation"):
            counted.append(1)
        return real(self, parent, selection_set, depth)

    monkeypatch.setattr(C._Walk, "selections", counting)
    return counted


def test_a_node_lookup_is_walked_once_whatever_its_id(schema: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = walks(monkeypatch)
    document = parse_document("query One($id: ID!) { node(id: $id) { id } }", 2000)
    config = ApiConfig()
    first = C.operation_cost(schema, document, None, {"id": "SG91c2Vob2xkOmgx"}, config)
    second = C.operation_cost(schema, document, None, {"id": "SG91c2Vob2xkOmgy"}, config)
    assert first == second and first is not None and first.total >= 1
    assert len(counted) == 1


def test_a_page_size_from_a_variable_is_walked_each_time(schema: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = walks(monkeypatch)
    document = parse_document("query S($n: Int) { streets(first: $n) { nodes { id name } } }", 2000)
    config = ApiConfig()
    small = C.operation_cost(schema, document, None, {"n": 2}, config)
    big = C.operation_cost(schema, document, None, {"n": 200}, config)
    assert small is not None and big is not None and big.total > small.total
    assert len(counted) == 2
    # a literal page size cannot change: walked once, and the cached cost is a fresh walk's
    literal = parse_document("{ streets(first: 200) { nodes { id name } } }", 2000)
    again = [C.operation_cost(schema, literal, None, {}, config) for _ in range(3)]
    assert again[0] == again[2] == big
    assert len(counted) == 3


def test_an_out_of_range_variable_is_refused_every_time(schema: Any) -> None:
    document = parse_document("query B($k: Int) { brokerage(k: $k) { brokers { name } } }", 2000)
    config = ApiConfig()
    assert C.operation_cost(schema, document, None, {"k": 16}, config) is not None
    for _ in range(2):
        with pytest.raises(C.ClientError):
            C.operation_cost(schema, document, None, {"k": 100_000}, config)
