"""The ``civicmesh`` command line: ``civicmesh [--store PATH|URI] COMMAND ...``.

Each command lives in a module of :mod:`service.commands` that offers
``register(subparsers)``; its parser sets ``run(args, settings) -> int``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from service.commands import access, analysis, audit, data, serve
from service.settings import Settings

COMMAND_MODULES: tuple[ModuleType, ...] = (serve, data, analysis, access, audit)
"""The command modules, in help order; each offers ``register(subparsers)``."""


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
    for module in COMMAND_MODULES:
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
