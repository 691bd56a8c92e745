"""CPU per light request in the service's own process: the whole ASGI app (middleware and view)
against the GraphQL view alone, and the schema as served against strawberry's own extension
runner, interleaved round by round so that a loaded machine's noise hits every variant.

On a busy service a light request waits for the loop about as long as the loop's other work
takes, and that work is mostly other requests' CPU: this is the figure to move (docs/design.md
"2026-12-03").  The requests are sent straight to the app (no socket, no uvicorn: those cost
the same for every variant) on the embedded demo city, one after another.

Printed per variant, over ``--rounds`` rounds of ``--requests`` requests: the median and the
lowest CPU time (``time.process_time``) per request, in ms.

* ``app``: the service as served (``create_app``: every middleware, the view, the schema);
* ``view``: the GraphQL view alone (no middleware);
* ``app, strawberry's runner``: the app with strawberry's own extension runner instead of
  :class:`resolvers.extension_hooks.PlannedRunner`.

    python bench/request_cpu.py                       # node(id)
    python bench/request_cpu.py --query search --rounds 20

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import strawberry  # noqa: E402

from graph_schema import to_global_id  # noqa: E402
from loaders.formats.importing import load_demo_if_empty  # noqa: E402
from service.app import create_app  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.stores import make_store  # noqa: E402

QUERIES = {
    "node": "query($id: ID!) { node(id: $id) { id ... on Household { name size building { id name } } } }",
    "search": "query($t: String!) { search(text: $t, first: 20) { id } }",
}

App = Any
"""An ASGI app (the service, or its GraphQL view alone)."""


async def call(app: App, body: bytes) -> list[dict[str, Any]]:
    """One POST /graphql through ``app``; the messages it sent."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays: never a disconnect
        raise AssertionError("unreachable")

    out: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"accept", b"application/json"), (b"host", b"bench")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
    }
    await app(scope, receive, send)
    return out


async def main(args: argparse.Namespace) -> None:
    folder = tempfile.mkdtemp(prefix="civicmesh-request-cpu-")
    settings = Settings(
        store=f"{folder}/demo.sqlite", demo_when_empty=False, read_processes=0, deadline=10.0, log_level="WARNING"
    )
    store = make_store(settings)
    await store.open()
    try:
        await load_demo_if_empty(store)
        served = create_app(settings, store=store)
        plain = create_app(settings, store=store)
        schema = plain.state.readers.app.schema
        schema.create_extensions_runner = types.MethodType(strawberry.Schema.create_extensions_runner, schema)
        variants: dict[str, Any] = {
            "app": served,
            "view": served.state.readers.app,
            "app, strawberry's runner": plain,
        }
        if args.query == "node":
            page = await store.list_nodes("Household", first=50)
            bodies = [
                json.dumps({"query": QUERIES["node"], "variables": {"id": to_global_id("Household", n.id)}}).encode()
                for n in page.nodes
            ]
        else:
            bodies = [
                json.dumps({"query": QUERIES["search"], "variables": {"t": t}}).encode()
                for t in ("康乐", "东门", "1栋")
            ]
        first = await call(served, bodies[0])
        if first[0].get("status") != 200 or b'"errors"' in first[-1].get("body", b""):
            raise SystemExit(f"the request failed: {first}")
        for app in variants.values():  # warm: parse and validation caches, the store's pages
            for k in range(300):
                await call(app, bodies[k % len(bodies)])
        figures: dict[str, list[float]] = {name: [] for name in variants}
        names = list(variants)
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                started = time.process_time()
                for k in range(args.requests):
                    await call(variants[name], bodies[k % len(bodies)])
                figures[name].append((time.process_time() - started) / args.requests * 1000)
        print(f"{args.query}: CPU per request in the service's process, {args.rounds} rounds of {args.requests}")
        print(f"{'variant':28} {'median ms':>10} {'lowest ms':>10}")
        for name, values in figures.items():
            print(f"{name:28} {statistics.median(values):10.3f} {min(values):10.3f}")
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--query", choices=sorted(QUERIES), default="node")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--requests", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
