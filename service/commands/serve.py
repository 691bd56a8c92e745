"""``civicmesh serve``: the HTTP service (GraphQL, GraphiQL, explorer, health, metrics)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from service.settings import Settings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("serve", help="serve the GraphQL API over HTTP")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to bind (default 127.0.0.1; any other needs tokens: see README 'Users, roles and tokens')",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (embedded store: keep 1)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.access import AccessConfigError, startup_problem
    from service.app import create_app

    if args.workers > 1 and not settings.is_neo4j:
        print("civicmesh: the embedded store is one process's graph; use --workers 1 or a Neo4j store")
        return 2
    problem = startup_problem(settings, args.host)
    if problem:
        print(f"civicmesh: {problem}")
        return 2
    try:
        app = create_app(settings)
    except AccessConfigError as exc:
        print(f"civicmesh: {exc}")
        return 2
    where = settings.store if settings.is_neo4j else f"embedded store {settings.store}"
    tokens = "tokens required" if settings.tokens_configured else "no tokens: every request acts as ADMIN"
    processes = f", {args.workers} worker processes" if args.workers > 1 else ""
    print(f"civicmesh: serving {where} on http://{args.host}:{args.port}/graphql ({tokens}{processes})")
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": settings.log_level.lower(),
        "access_log": False,
        "lifespan": "on",
    }
    if args.workers > 1:
        # Each worker is a new process that makes its own app from the environment (uvicorn
        # needs an import string for that), so the store this command was given goes with it.
        os.environ["CIVICMESH_STORE"] = settings.store
        # A worker's kept search answers follow its own writes only: with the others' writes
        # unseen for up to CIVICMESH_SEARCH_CACHE_S, a client's next search could miss what it
        # just wrote through another worker. None kept, unless asked for.
        os.environ.setdefault("CIVICMESH_SEARCH_CACHE_S", "0")
        os.environ.setdefault("CIVICMESH_ANSWER_CACHE_S", "0")  # the same for kept point lookups
        uvicorn.run("service.app:app_from_env", factory=True, workers=args.workers, **common)
    else:
        uvicorn.run(app, **common)
    return 0
