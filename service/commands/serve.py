"""``civicmesh serve``: the HTTP service (GraphQL, GraphiQL, explorer, health, metrics);
``civicmesh token``: a new bearer token and its access-file entry."""

from __future__ import annotations

import argparse
from typing import Any

from service.settings import Settings


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("serve", help="serve the GraphQL API over HTTP")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (embedded store: keep 1)")
    p.set_defaults(run=run)
    t: argparse.ArgumentParser = sub.add_parser(
        "token", help="make a bearer token and print the entry that grants it (for CIVICMESH_ACCESS_FILE)"
    )
    t.add_argument("--name", required=True, help="who holds the token, e.g. a grid worker's name and grid")
    t.add_argument("--reveal-pii", action="store_true", help="the token sees names, phones and ID numbers unmasked")
    t.set_defaults(run=run_token)


def run_token(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from service.access import new_token, token_digest

    token = new_token()
    entry = {"sha256": token_digest(token), "name": args.name, "reveal_pii": bool(args.reveal_pii)}
    print(f"token (give it to {args.name}; it is not stored anywhere): {token}")
    print('entry for the "tokens" list of the access file:')
    print(json.dumps(entry, ensure_ascii=False))
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.app import create_app

    if args.workers > 1 and not settings.is_neo4j:
        print("civicmesh: the embedded store is one process's graph; use --workers 1 or a Neo4j store")
        return 2
    from service.access import AccessFileError

    try:
        app = create_app(settings)
    except AccessFileError as exc:
        print(f"civicmesh: {exc}")
        return 2
    where = settings.store if settings.is_neo4j else f"embedded store {settings.store}"
    print(f"civicmesh: serving {where} on http://{args.host}:{args.port}/graphql")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        lifespan="on",
    )
    return 0
