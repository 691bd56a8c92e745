"""``civicmesh token``: a bearer token for a user or service account;
``civicmesh secret``: a new HS256 secret for ``CIVICMESH_JWT_SECRET``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from service.settings import Settings


def register(sub: Any) -> None:
    from graph_schema.roles import Role

    t: argparse.ArgumentParser = sub.add_parser(
        "token",
        help="make a bearer token: a signed JWT (with CIVICMESH_JWT_SECRET) or an access-file entry",
        description=(
            "With CIVICMESH_JWT_SECRET (or CIVICMESH_JWT_SECRET_FILE) set, print a JWT signed with it (HS256) on "
            "stdout. Otherwise, or with --access-file, make a random token and print the entry that grants it, for "
            "the tokens list of CIVICMESH_ACCESS_FILE (the token itself is stored nowhere)."
        ),
    )
    t.add_argument("--name", required=True, help="who holds the token, e.g. a grid worker's name and grid")
    t.add_argument("--role", required=True, choices=[r.value for r in Role], help="what the holder may do")
    t.add_argument("--scope", help="the local id of the node the role is bound to (e.g. a Grid for GRID_WORKER)")
    t.add_argument(
        "--sub",
        help="the subject the audit trail names (default: the name); a Worker's id binds a JWT without "
        "--scope to the area the worker works in",
    )
    t.add_argument("--reveal-pii", action="store_true", help="the token sees personal information unmasked")
    t.add_argument("--hours", type=float, default=12.0, help="how long a JWT is valid (default 12)")
    t.add_argument("--access-file", action="store_true", help="make an access-file entry even if a secret is set")
    t.set_defaults(run=run_token)

    s: argparse.ArgumentParser = sub.add_parser(
        "secret",
        help="make an HS256 secret for CIVICMESH_JWT_SECRET (or write it to a file, once)",
    )
    s.add_argument(
        "--file", type=Path, help="write the secret to this file (mode 600) unless it exists; print nothing secret"
    )
    s.set_defaults(run=run_secret)


def run_token(args: argparse.Namespace, settings: Settings) -> int:
    from graph_schema.roles import Role
    from service.access import AccessConfigError, new_token, role_problem, token_digest, token_settings
    from service.tokens import mint

    role = Role(args.role)
    try:
        tokens = token_settings(settings)
    except AccessConfigError as exc:
        print(f"civicmesh: {exc}", file=sys.stderr)
        return 2
    problem = role_problem(role, args.scope)
    jwt_of_subject = bool(tokens.secret and not args.access_file and args.sub and args.scope is None)
    if problem and not jwt_of_subject:  # a JWT whose sub is a Worker takes the worker's area as its scope
        print(f"civicmesh: {problem}", file=sys.stderr)
        return 2
    if tokens.secret and not args.access_file:
        if args.hours <= 0:
            print("civicmesh: --hours must be more than 0", file=sys.stderr)
            return 2
        token = mint(
            tokens.secret,
            sub=args.sub or args.name,
            name=args.name,
            role=role.value,
            scope=args.scope,
            reveal_pii=bool(args.reveal_pii),
            hours=args.hours,
            issuer=tokens.issuer,
            audience=tokens.audience,
        )
        print(f"civicmesh: a {role.value} token for {args.name}, valid {args.hours:g} hours:", file=sys.stderr)
        print(token)
        return 0
    token = new_token()
    entry: dict[str, Any] = {"sha256": token_digest(token), "name": args.name, "role": role.value}
    if args.scope:
        entry["scope"] = args.scope
    if args.sub:
        entry["sub"] = args.sub
    entry["reveal_pii"] = bool(args.reveal_pii)
    print(f"token (give it to {args.name}; it is not stored anywhere): {token}")
    print('entry for the "tokens" list of the access file:')
    print(json.dumps(entry, ensure_ascii=False))
    return 0


def run_secret(args: argparse.Namespace, settings: Settings) -> int:
    from service.tokens import new_secret

    if args.file is None:
        print(new_secret())
        return 0
    path: Path = args.file
    if path.exists():
        print(f"civicmesh: {path} exists; keeping the secret it holds", file=sys.stderr)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(new_secret() + "\n")
    print(f"civicmesh: wrote a new HS256 secret to {path}", file=sys.stderr)
    return 0
