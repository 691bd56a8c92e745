"""Point lookups' answers kept whole (service/kept_answers.py), on both stores: served again
byte for byte without running GraphQL, dropped by every write that touches what they read,
never kept for what they cannot follow."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from graph_schema import Node, Relationship, RelRef, WriteBatch
from loaders.store import GraphStore
from service.access import token_digest
from tests.api.conftest import Api, gid, open_api

ONE = "query One($id: ID!) { node(id: $id) { id ... on Household { name size } } }"
MANY = "query Many($ids: [ID!]!) { nodes(ids: $ids) { id __typename ... on Household { name size } } }"
KEEP = 3600.0


def _q(text: str) -> str:
    """``text`` with ``@hh1``, ``@hh2`` and ``@c1`` replaced by those nodes' global IDs."""
    for local, label in (("hh1", "Household"), ("hh2", "Household"), ("c1", "Community")):
        text = text.replace("@" + local, gid(label, local))
    return text


async def _counts(api: Api) -> tuple[int, int, int]:
    """(hits, misses, kept now) from /metrics."""
    text = (await api.client.get("/metrics")).text

    def value(pattern: str) -> int:
        found = re.search(pattern + r" (\d+)", text)
        assert found is not None, pattern
        return int(found.group(1))

    return (
        value(r'civicmesh_kept_answers_total\{outcome="hit"\}'),
        value(r'civicmesh_kept_answers_total\{outcome="miss"\}'),
        value(r"civicmesh_kept_answers"),
    )


async def _node(api: Api, node_id: str, label: str = "Household") -> tuple[bytes, Any]:
    r = await api.post(ONE, {"id": gid(label, node_id)})
    assert r.status_code == 200, r.text
    return r.content, r.json()["data"]["node"]


async def test_a_repeated_point_lookup_is_answered_from_its_kept_answer(city: GraphStore) -> None:
    async with open_api(city, answer_cache_s=KEEP) as api:
        first, node = await _node(api, "hh2")
        assert node["name"] == "1栋102室" and node["size"] == 3
        again = await api.post(ONE, {"id": gid("Household", "hh2")})
        assert again.content == first
        assert again.headers["content-type"].startswith("application/graphql-response+json")
        assert await _counts(api) == (1, 1, 1)
        # the same bytes sent as another content type are not that request: refused as before
        raw = await api.client.post(
            "/graphql",
            content=again.request.content,
            headers={"content-type": "text/plain", "accept": "application/graphql-response+json"},
        )
        assert raw.status_code == 400 and await _counts(api) == (1, 1, 1)
        # the same lookup asked for application/json is another answer (its media type differs)
        plain = await api.post(ONE, {"id": gid("Household", "hh2")}, accept="application/json")
        assert plain.headers["content-type"].startswith("application/json") and plain.json() == again.json()
        assert await _counts(api) == (1, 2, 2)
        # the graphql results counter counts answers from kept ones too
        assert 'civicmesh_graphql_results_total{outcome="ok"} 3' in (await api.client.get("/metrics")).text


async def test_writes_drop_the_answers_that_read_what_they_touch(city: GraphStore) -> None:
    async with open_api(city, answer_cache_s=KEEP) as api:
        await _node(api, "hh2")
        await _node(api, "hh3")
        data = await api.q(_q('mutation { updateHousehold(input: {id: "@hh2", size: 5}) { household { size } } }'))
        assert data["updateHousehold"]["household"]["size"] == 5
        assert (await _node(api, "hh2"))[1]["size"] == 5  # dropped by the mutation's write
        assert (await _node(api, "hh3"))[1]["size"] == 2  # another household's: still kept
        hits, _, _ = await _counts(api)
        assert hits == 1
        # a write straight through the store (an import, another module) is followed the same way
        await city.write(WriteBatch([Node("Household", "hh3", {"size": 7})], patch=True))
        assert (await _node(api, "hh3"))[1]["size"] == 7
        await city.write(WriteBatch(delete_nodes=["hh3"]))
        assert (await _node(api, "hh3"))[1] is None
        # an id that was not there, then written: its kept null is dropped
        assert (await _node(api, "hh-new"))[1] is None
        await city.write(
            WriteBatch(
                [Node("Household", "hh-new", {"name": "新户", "size": 1})], [Relationship("PART_OF", "hh-new", "b2")]
            )
        )
        assert (await _node(api, "hh-new"))[1] == {"id": gid("Household", "hh-new"), "name": "新户", "size": 1}
        # the nodes(ids) form, and a write of one of its nodes
        ids = [gid("Household", "hh1"), gid("Household", "hh4")]
        before = (await api.post(MANY, {"ids": ids})).json()["data"]["nodes"]
        await city.write(WriteBatch([Node("Household", "hh4", {"name": "梅园3号甲"})], patch=True))
        after = (await api.post(MANY, {"ids": ids})).json()["data"]["nodes"]
        assert before[1]["name"] == "梅园3号" and after[1]["name"] == "梅园3号甲" and after[0] == before[0]


async def test_what_is_not_a_point_lookup_of_stored_properties_is_never_kept(city: GraphStore) -> None:
    not_kept = [
        (_q('{ node(id: "@hh1") { ... on Household { building { name } } } }'), None),  # a relationship
        (_q('{ node(id: "@hh1") { ... on Household { headName } } }'), None),  # personal information
        ('{ search(text: "东门", first: 5) { id } }', None),
        ("{ streets(first: 5) { nodes { id name } } }", None),
        ('{ node(id: "not-a-global-id") { id } }', None),  # an error
    ]
    async with open_api(city, answer_cache_s=KEEP) as api:
        for query, variables in not_kept * 2:
            await api.post(query, variables)
        assert await _counts(api) == (0, 0, 0)  # not even counted as point lookups that ran
        mutation = _q('mutation { updateHousehold(input: {id: "@hh1", size: 2}) { household { size } } }')
        for size in (2, 3):
            r = await api.post(mutation.replace("size: 2", f"size: {size}"))
            assert r.json()["data"]["updateHousehold"]["household"]["size"] == size
        assert (await _counts(api))[0] == 0


async def test_off_by_default_in_settings_and_when_set_to_zero(city: GraphStore) -> None:
    async with open_api(city) as api:
        await _node(api, "hh2")
        await _node(api, "hh2")
        assert await _counts(api) == (0, 0, 0)


async def test_a_scoped_viewer_s_answers_follow_the_relationships_that_scope_them(
    city: GraphStore, tmp_path: Path
) -> None:
    access = tmp_path / "access.json"
    grants = [
        {"sha256": token_digest("g1-token"), "name": "东门一网格 网格员", "role": "GRID_WORKER", "scope": "g1"},
        {"sha256": token_digest("admin-token"), "name": "管理员"},
        {"sha256": token_digest("analyst-token"), "name": "分析员", "role": "ANALYST"},
    ]
    access.write_text(json.dumps({"tokens": grants}, ensure_ascii=False), encoding="utf-8")
    async with open_api(city, answer_cache_s=KEEP, access_file=str(access)) as api:

        async def node(token: str) -> Any:
            r = await api.client.post(
                "/graphql",
                json={"query": ONE, "variables": {"id": gid("Household", "hh3")}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 200, r.text
            return r.json()["data"]["node"]

        assert (await node("g1-token"))["name"] == "2栋201室"
        assert (await node("admin-token"))["name"] == "2栋201室"
        assert (await node("g1-token"))["name"] == "2栋201室"
        assert (await _counts(api))[0] == 1  # each viewer's own answer; the grid worker's again
        await node("analyst-token")
        await node("analyst-token")
        assert (await _counts(api))[0] == 2
        # b2 moves out of g1: hh3 is no longer in the grid worker's area; the admin still sees it
        await city.write(
            WriteBatch(
                relationships=[Relationship("PART_OF", "b2", "g3")],
                delete_relationships=[RelRef("PART_OF", "b2", "g1")],
            )
        )
        assert await node("g1-token") is None
        assert (await node("admin-token"))["name"] == "2栋201室"
        assert (await _counts(api))[0] == 3  # the admin's kept answer was not scoped: still served
        await node("analyst-token")  # any role but an unbound admin: dropped by a relationship write
        assert (await _counts(api))[0] == 3


async def test_kept_answers_equal_fresh_ones_under_random_writes(city: GraphStore) -> None:
    """Forty rounds of random patches, moves, deletes and creations, each followed by point
    lookups through an app that keeps answers and one that does not: the same bytes."""
    rng = random.Random(14)
    households = ["hh1", "hh2", "hh3", "hh4", "hh5"]
    alive = list(households)
    buildings = ["b1", "b2", "b3", "b4"]
    async with open_api(city, answer_cache_s=KEEP) as kept, open_api(city) as fresh:
        for round_ in range(40):
            wanted = rng.sample(households, 3)
            for api in (kept, fresh):  # asked before the write: answers kept
                await api.post(MANY, {"ids": [gid("Household", h) for h in wanted]})
            move = rng.random()
            target = rng.choice(alive)
            if move < 0.4:
                await city.write(WriteBatch([Node("Household", target, {"size": rng.randint(1, 6)})], patch=True))
            elif move < 0.6:
                await city.write(
                    WriteBatch([Node("Building", rng.choice(buildings), {"address": f"路{round_}号"})], patch=True)
                )
            elif move < 0.8:
                new = f"hh-r{round_}"
                households.append(new)
                alive.append(new)
                await city.write(
                    WriteBatch(
                        [Node("Household", new, {"name": f"新{round_}", "size": 1})],
                        [Relationship("PART_OF", new, rng.choice(buildings))],
                    )
                )
            elif len(alive) > 2:
                alive.remove(target)
                await city.write(WriteBatch(delete_nodes=[target]))
            for ids in (wanted, rng.sample(households, 3)):
                body = {"ids": [gid("Household", h) for h in ids]}
                got, want = await kept.post(MANY, body), await fresh.post(MANY, body)
                assert got.content == want.content, (round_, ids)
                one = {"id": gid("Household", ids[0])}
                assert (await kept.post(ONE, one)).content == (await fresh.post(ONE, one)).content
        hits, _, _ = await _counts(kept)
        assert hits > 20  # the comparison covered answers served from kept ones
