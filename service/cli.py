"""The ``civicmesh`` command line: ``civicmesh [--store PATH|URI] COMMAND ...``.

Each command lives in a module of :mod:`service.commands` that offers
``register(subparsers)``; its parser sets ``run(args, settings) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from service.settings import Settings

COMMAND_MODULES = (
    "service.commands.serve",
    "service.commands.data",
    "service.commands.analysis",
    "service.commands.access",
    "service.commands.audit",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicmesh",
        description="A graph service for community-governance networks (party-building alliances, grids, 1+10+N).",
    )
    parser.add_argument(
        "--store",
        help="a SQLite file for the embedded store, or a bolt:// / neo4j:// URI (overrides CIVICMESH_STORE)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env(store=args.store)
    try:
        code: int = args.run(args, settings)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
