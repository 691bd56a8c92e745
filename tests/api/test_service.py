"""The service around GraphQL: health, readiness, request ids and JSON logs, the lifespan."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from graph_schema import Label
from loaders.batch import CountingStore
from loaders.store import GraphStore
from service.app import create_app
from service.request_log import JsonFormatter
from service.settings import Settings
from tests.api.conftest import open_api


async def test_healthz_does_not_touch_the_store(store: GraphStore) -> None:
    counting = CountingStore(store)
    async with open_api(counting) as api:
        r = await api.client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert counting.total == 0


async def test_readyz_pings_the_store(store: GraphStore) -> None:
    counting = CountingStore(store)
    async with open_api(counting) as api:
        r = await api.client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "store": store.name}
    assert counting.calls == {"ping": 1, "current_import": 1}


async def test_readyz_is_503_with_a_reason_when_the_store_fails(store: GraphStore, tmp_path: Path) -> None:
    if store.name == "embedded":
        from loaders.stores.embedded import EmbeddedStore

        broken: GraphStore = EmbeddedStore(tmp_path / "never-opened.sqlite")
    else:
        from loaders.stores.neo4j_store import Neo4jStore

        broken = Neo4jStore("bolt://127.0.0.1:9")
    async with open_api(broken) as api:
        r = await api.client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body == {"status": "unavailable", "store": store.name, "reason": "store unavailable"}, body
    assert "127.0.0.1" not in r.text and "Error" not in r.text, "no internals"


async def test_readyz_and_analytics_refuse_while_an_import_is_unfinished(store: GraphStore) -> None:
    await store.begin_import("city.json")
    try:
        async with open_api(store) as api:
            r = await api.client.get("/readyz")
            assert r.status_code == 503
            assert "an import of city.json" in r.json()["reason"] and r.json()["import"] == "city.json"
            errors = await api.errors("{ structure { grids } }")
            assert [e["extensions"]["code"] for e in errors] == ["IMPORT_IN_PROGRESS"]
            assert await api.q("{ streets { totalCount } }") == {"streets": {"totalCount": 0}}, "reads are served"
        await store.end_import()
        async with open_api(store) as api:
            assert (await api.client.get("/readyz")).status_code == 200
    finally:
        await store.end_import()


async def test_request_ids_in_and_out(store: GraphStore) -> None:
    async with open_api(store) as api:
        given = await api.client.get("/healthz", headers={"x-request-id": "req-42"})
        assert given.headers["x-request-id"] == "req-42"
        made = await api.client.get("/healthz")
        again = await api.client.get("/healthz")
        assert len(made.headers["x-request-id"]) == 32
        assert made.headers["x-request-id"] != again.headers["x-request-id"]
        assert int(made.headers["x-request-id"], 16) >= 0  # hex digits
        insane = await api.client.get("/healthz", headers={"x-request-id": "a b\tc"})
        assert insane.headers["x-request-id"] != "a b\tc"


async def test_logs_are_json_lines_with_the_request_id(store: GraphStore) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("civicmesh.http")
    keep = Keep()
    logger.addHandler(keep)
    try:
        async with open_api(store) as api:
            await api.client.post(
                "/graphql", json={"query": "{ streets { totalCount } }"}, headers={"x-request-id": "trace-7"}
            )
    finally:
        logger.removeHandler(keep)
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["msg"] == "request" and line["request_id"] == "trace-7"
    assert line["method"] == "POST" and line["path"] == "/graphql" and line["status"] == 200
    assert isinstance(line["duration_ms"], float)


async def test_lifespan_owns_the_store_it_makes(
    store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = request.getfixturevalue("neo4j_uri") if store.name == "neo4j" else str(tmp_path / "owned.sqlite")
    app = create_app(Settings(store=target, demo_when_empty=False, log_level="WARNING"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/readyz")).status_code == 503
        async with app.router.lifespan_context(app):
            assert (await client.get("/readyz")).json()["status"] == "ready"
            r = await client.post("/graphql", json={"query": "{ streets { totalCount } }"})
            assert r.json() == {"data": {"streets": {"totalCount": 0}}}
        assert (await client.get("/readyz")).status_code == 503


async def test_lifespan_loads_the_demo_into_an_empty_store_and_leaves_a_given_store_open(store: GraphStore) -> None:
    app = create_app(Settings(demo_when_empty=True, log_level="WARNING"), store=store)
    async with app.router.lifespan_context(app):
        pass
    counts = [await store.count_nodes(label.value) for label in Label]
    assert all(counts), counts
    await store.ping()  # still open: a store passed in belongs to the caller


def _samples(text: str) -> dict[str, float]:
    """``name{labels}`` -> value of a Prometheus text exposition (comments skipped)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


async def test_metrics_count_requests_and_graphql_outcomes(store: GraphStore) -> None:
    async with open_api(store) as api:
        assert (await api.client.get("/healthz")).status_code == 200
        await api.post("{ streets(first: 1) { totalCount } }")  # ok
        await api.post('{ node(id: "###") { id } }')  # a bad id: a field error
        await api.post("{ streets(")  # a document that cannot run
        await api.client.get("/explore/no-such-file.js")
        await api.client.get("/wp-login.php")
        r = await api.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = _samples(r.text)
    assert m['civicmesh_http_requests_total{route="/healthz",method="GET",status="200"}'] == 1
    assert m['civicmesh_http_requests_total{route="/graphql",method="POST",status="200"}'] == 2
    assert m['civicmesh_http_requests_total{route="/graphql",method="POST",status="400"}'] == 1
    assert sum(v for k, v in m.items() if k.startswith('civicmesh_http_requests_total{route="other"')) == 1
    assert sum(v for k, v in m.items() if k.startswith('civicmesh_http_requests_total{route="/explore"')) == 1
    graphql = {k: v for k, v in m.items() if k.startswith("civicmesh_graphql_results_total")}
    assert graphql == {
        'civicmesh_graphql_results_total{outcome="ok"}': 1,
        'civicmesh_graphql_results_total{outcome="field_errors"}': 1,
        'civicmesh_graphql_results_total{outcome="request_error"}': 1,
    }
    count = m['civicmesh_http_request_duration_seconds_count{route="/graphql"}']
    assert count == 3 == m['civicmesh_http_request_duration_seconds_bucket{route="/graphql",le="+Inf"}']
    bucket = 'civicmesh_http_request_duration_seconds_bucket{route="/graphql"'
    buckets = [v for k, v in m.items() if k.startswith(bucket)]
    assert buckets == sorted(buckets)  # cumulative
    assert m[f'civicmesh_store_open{{store="{store.name}"}}'] == 1
