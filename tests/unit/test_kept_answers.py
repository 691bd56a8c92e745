"""The kept answers' rules without a service: which queries are point lookups
(resolvers/point_lookups.py) and when an answer is kept, served and dropped (service/kept_answers.py)."""

from __future__ import annotations

from typing import Any

import pytest

from graph_schema import Node, Relationship, WriteBatch, to_global_id
from resolvers.point_lookups import PointLookups
from resolvers.schema import build_schema
from service.kept_answers import Answer, KeptAnswers

HH1, HH2 = to_global_id("Household", "hh1"), to_global_id("Household", "hh2")
C1 = to_global_id("Community", "c1")


def _q(text: str) -> str:
    """``text`` with ``@hh1``, ``@hh2`` and ``@c1`` replaced by those nodes' global IDs."""
    for local, label in (("hh1", "Household"), ("hh2", "Household"), ("c1", "Community")):
        text = text.replace("@" + local, to_global_id(label, local))
    return text


@pytest.fixture(scope="module")
def lookups() -> PointLookups:
    return PointLookups(build_schema()._schema)


@pytest.mark.parametrize(
    ("query", "operation", "variables", "ids"),
    [
        ("query($id: ID!) { node(id: $id) { id } }", None, {"id": HH1}, ("hh1",)),
        (
            _q('{ a: node(id: "@hh1") { id } b: node(id: "@hh2") { __typename id } }'),
            None,
            None,
            ("hh1", "hh2"),
        ),
        (_q('{ nodes(ids: ["@hh1", "@hh2"]) { id } }'), None, None, ("hh1", "hh2")),
        (
            "query($ids: [ID!]!) { nodes(ids: $ids) { ...F } } fragment F on Household { name size }",
            None,
            {"ids": [HH2]},
            ("hh2",),
        ),
        (_q('query($x: Boolean!) { node(id: "@hh1") { id @include(if: $x) } }'), None, {"x": False}, ("hh1",)),
        (_q('query A { node(id: "@hh1") { id } } query B { streets { totalCount } }'), "A", None, ("hh1",)),
        (_q('{ ... on Query { node(id: "@c1") { ... on Community { name } } } }'), None, None, ("c1",)),
    ],
)
def test_point_lookups_and_the_ids_they_read(
    lookups: PointLookups, query: str, operation: str | None, variables: dict[str, Any] | None, ids: tuple[str, ...]
) -> None:
    assert lookups.ids(query, operation, variables) == ids


@pytest.mark.parametrize(
    ("query", "operation", "variables"),
    [
        (_q('query A { node(id: "@hh1") { id } } query B { streets { totalCount } }'), "B", None),  # a listing
        (_q('query A { node(id: "@hh1") { id } } query B { node(id: "@hh1") { id } }'), None, None),  # which?
        (_q('mutation { deleteHousehold(input: {id: "@hh1"}) { errors { code } } }'), None, None),
        (_q('{ node(id: "@c1") { ... on Community { grids(first: 1) { nodes { id } } } } }'), None, None),
        (_q('{ node(id: "@hh1") { ... on Household { address } } }'), None, None),  # masked: a resolver
        (_q('{ node(id: "@c1") { ... on Grid { community { id } } } }'), None, None),  # a relationship
        (_q('{ node(id: "@hh1") { id } search(text: "东门") { id } }'), None, None),  # another root field
        (_q('{ node(id: "@hh1") { id @deprecated } }'), None, None),  # a directive not understood
        (_q('{ node(id: "@hh1") { ...F } }'), None, None),  # an unknown fragment
        (_q('{ node(id: "@hh1") { ...F } } fragment F on Household { ...F }'), None, None),  # a cycle
        ("query($id: ID!) { node(id: $id) { id } }", None, {}),  # the variable is missing
        ("query($id: ID!) { node(id: $id) { id } }", None, {"id": 7}),
        ("{ __typename }", None, None),
        ("{ node(id: ", None, None),  # does not parse
    ],
)
def test_what_is_not_a_point_lookup(
    lookups: PointLookups, query: str, operation: str | None, variables: dict[str, Any] | None
) -> None:
    assert lookups.ids(query, operation, variables) is None


def _answer(text: str) -> Answer:
    return Answer([(b"content-type", b"application/json")], text.encode())


def test_an_answer_read_while_a_write_that_touches_it_ended_is_not_kept() -> None:
    kept = KeptAnswers(60.0)
    at = kept.mark()
    kept.follow(WriteBatch([Node("Household", "hh9", {"size": 1})], patch=True))  # another node
    kept.put("a", at, ["hh1"], scoped=False, answer=_answer("a"))
    assert kept.get("a") is not None
    at = kept.mark()
    kept.follow(WriteBatch([Node("Household", "hh1", {"size": 2})], patch=True))
    kept.put("b", at, ["hh1"], scoped=False, answer=_answer("b"))
    assert kept.get("b") is None
    at = kept.mark()
    kept.follow(None)  # a write whose effect is unknown
    kept.put("c", at, ["hh5"], scoped=False, answer=_answer("c"))
    assert kept.get("c") is None
    at = kept.mark()
    kept.follow(WriteBatch(relationships=[Relationship("PART_OF", "b1", "g2")]))
    kept.put("d", at, ["hh5"], scoped=True, answer=_answer("d"))  # a scoped answer: any relationship
    kept.put("e", at, ["hh5"], scoped=False, answer=_answer("e"))
    assert kept.get("d") is None and kept.get("e") is not None
    at = kept.mark()
    for i in range(300):  # more writes than are remembered: unknown
        kept.follow(WriteBatch([Node("Street", f"s{i}", {})]))
    kept.put("f", at, ["hh5"], scoped=False, answer=_answer("f"))
    assert kept.get("f") is None


def test_answers_age_out_and_the_oldest_leaves_first() -> None:
    now = [0.0]
    kept = KeptAnswers(10.0, max_entries=2, clock=lambda: now[0])
    for key in ("a", "b"):
        kept.put(key, kept.mark(), [key], scoped=False, answer=_answer(key))
    now[0] = 5.0
    kept.put("c", kept.mark(), ["c"], scoped=False, answer=_answer("c"))
    assert kept.get("a") is None and kept.get("b") is not None and len(kept) == 2
    now[0] = 10.5
    assert kept.get("b") is None and kept.get("c") is not None  # b was kept at 0, c at 5
    kept.follow(WriteBatch(delete_nodes=["c"]))
    assert kept.get("c") is None and len(kept) == 0


def test_the_kept_bytes_are_bounded() -> None:
    kept = KeptAnswers(60.0, max_bytes=10)
    kept.put("big", kept.mark(), ["hh1"], scoped=False, answer=_answer("x" * (64 * 1024 + 1)))
    assert len(kept) == 0 and kept.bytes == 0  # longer than one answer may be
    for key in ("a", "b", "c"):
        kept.put(key, kept.mark(), [key], scoped=False, answer=_answer(key * 4))
    assert kept.get("a") is None and kept.get("b") is not None and kept.get("c") is not None
    assert kept.bytes == 8
    kept.follow(WriteBatch(delete_nodes=["b"]))
    assert kept.bytes == 4


def test_a_disabled_cache_keeps_nothing() -> None:
    kept = KeptAnswers(60.0)
    kept.put("a", kept.mark(), ["hh1"], scoped=False, answer=_answer("a"))
    kept.disable()
    assert not kept.enabled and len(kept) == 0
    kept.put("b", kept.mark(), ["hh1"], scoped=False, answer=_answer("b"))
    assert len(kept) == 0
