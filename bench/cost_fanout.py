"""The fan-out the static cost charges nested connections with (``resolvers/cost.py``: ``FANOUT``).

For each pair of labels (parent, child), the relationships one node of the parent label has with
nodes of the child label (any type, either direction: repeated visits count), on a generated city,
the jiangyin preset by default: the most one node has, and the mean over the nodes that have any.
Printed as the Python table ``FANOUT`` holds; figures are printed, never asserted.

    python bench/cost_fanout.py                       # generates jiangyin (about a minute)
    python bench/cost_fanout.py --store .cache/jiangyin.sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


async def _graph(store: str | None, preset: str) -> Any:
    if store:
        from loaders.stores.embedded import EmbeddedStore

        s = EmbeddedStore(store)
        await s.open()
        try:
            return await s.project()
        finally:
            await s.close()
    from loaders.stores.embedded import EmbeddedStore
    from loaders.synthetic import generate

    s = EmbeddedStore(":memory:")
    await s.open()
    try:
        await s.write(generate(preset).batch())
        return await s.project()
    finally:
        await s.close()


def fanout(G: Any) -> dict[tuple[str, str], tuple[int, float]]:
    """(parent label, child label) → the most relationships one parent node has with nodes of the
    child label, and their mean over the parent nodes that have any."""
    label = {n: d.get("label") for n, d in G.nodes(data=True)}
    most: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    having: dict[tuple[str, str], int] = defaultdict(int)
    for n in G:
        ends = [v for _, v in G.out_edges(n)] + [u for u, _ in G.in_edges(n)]  # every relationship, visits too
        counts: Counter[str] = Counter(label[m] for m in ends)
        for child, c in counts.items():
            key = (str(label[n]), str(child))
            most[key] = max(most[key], c)
            total[key] += c
            having[key] += 1
    return {key: (most[key], total[key] / having[key]) for key in sorted(most)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--store", help="an embedded store file holding the city (default: generate it)")
    parser.add_argument("--preset", default="jiangyin")
    args = parser.parse_args()
    G = asyncio.run(_graph(args.store, args.preset))
    print(f"# {G.number_of_nodes():,} nodes, {G.number_of_edges():,} relationships")
    print("# (parent, child): (most, mean)")
    print("FANOUT = {")
    for (parent, child), (most, mean) in fanout(G).items():
        print(f'    ("{parent}", "{child}"): ({most}, {mean:.1f}),')
    print("}")


if __name__ == "__main__":
    main()
