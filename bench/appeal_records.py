"""Stand-in appeals for a generated city whose generator makes none (bench and contract tests only).

The synthetic presets get twelve months of appeals from ``loaders.synthetic`` (issue 12's data
part).  Until a city has them, :func:`stand_in_appeals` makes plausible ones from a city's
records: about one appeal a year per ten households over the twelve months up to ``end``,
each about a household (60%), its building (30%) or its grid (10%), with statuses and dates that
agree (``graph_schema.appeals.status_date_problems`` finds nothing), handlers among the city's
vanguards, party organizations and alliance units, and a roundtable a month per community
discussing a few of them.  Deterministic for a seed.  Figures from them are labelled as
stand-in figures wherever they are printed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from graph_schema import Node, Relationship

CATEGORIES = (
    "HOUSING_SAFETY",
    "SANITATION",
    "PROPERTY_SERVICE",
    "ELDERLY_CARE",
    "PARKING",
    "NEIGHBOUR_DISPUTE",
    "PUBLIC_SAFETY",
    "FACILITIES",
    "OTHER",
)
SOURCES = ("VANGUARD_VISIT", "GRID_PATROL", "HOTLINE", "ROUNDTABLE", "WALK_IN", "ONLINE")


def stand_in_appeals(
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    *,
    end: dt.date,
    seed: int = 0,
    per_household: float = 0.1,
) -> tuple[list[Node], list[Relationship]]:
    """Appeal and Activity records (and their relationships) for the city of ``nodes`` and ``relationships``."""
    rnd = random.Random(seed)
    label: dict[str, str] = {}
    vanguards: list[str] = []
    orgs: list[str] = []
    units: list[str] = []
    communities: list[str] = []
    for n in nodes:
        label[n.id] = n.label
        if n.label == "PartyMember" and n.properties.get("vanguard") is True:
            vanguards.append(n.id)
        elif n.label == "PartyOrganization":
            orgs.append(n.id)
        elif n.label == "AllianceMember":
            units.append(n.id)
        elif n.label == "Community":
            communities.append(n.id)
    parent = {r.start: r.end for r in relationships if r.type == "PART_OF"}
    households = sorted(n for n, lab in label.items() if lab == "Household" and n in parent)
    start = end - dt.timedelta(days=364)
    out_nodes: list[Node] = []
    out_rels: list[Relationship] = []
    by_community: dict[str, list[str]] = {}
    handlers: Sequence[tuple[str, float]] = [
        *((v, 0.45 / max(len(vanguards), 1)) for v in vanguards),
        *((o, 0.35 / max(len(orgs), 1)) for o in orgs),
        *((u, 0.20 / max(len(units), 1)) for u in units),
    ]
    who = [h for h, _ in handlers]
    weights = [w for _, w in handlers]
    for i in range(int(len(households) * per_household)):
        h = rnd.choice(households)
        building = parent[h]
        grid = parent.get(building)
        roll = rnd.random()
        concerns = h if roll < 0.6 or grid is None else building if roll < 0.9 else grid
        reported = start + dt.timedelta(days=rnd.randrange(365))
        props: dict[str, object] = {
            "title": f"stand-in appeal {i}",
            "category": rnd.choice(CATEGORIES),
            "source": rnd.choice(SOURCES),
            "reported_on": reported.isoformat(),
            "due": (reported + dt.timedelta(days=rnd.choice((3, 7, 15, 30)))).isoformat(),
            "difficult": rnd.random() < 0.1,
        }

        def on(days: int, base: dt.date = reported) -> str | None:
            day = base + dt.timedelta(days=days)
            return day.isoformat() if day <= end else None

        handler = rnd.choices(who, weights)[0] if who else None
        if rnd.random() < 0.04:
            rejected = on(rnd.choice((0, 1, 3)))
            status = "REJECTED" if rejected else "REPORTED"
            if rejected:
                props["rejected_on"] = rejected
        else:
            accepted = on(rnd.choice((0, 0, 1, 1, 2, 4)))
            resolved = on(rnd.choice((1, 3, 5, 9, 15, 25, 40))) if accepted and handler else None
            if accepted and accepted > (resolved or accepted):
                resolved = None
            status = "REPORTED" if not accepted else "ACCEPTED" if not handler else "ASSIGNED"
            if accepted:
                props["accepted_on"] = accepted
            if resolved:
                status = "RESOLVED"
                props["resolved_on"] = resolved
                if rnd.random() < 0.7:
                    props["satisfaction"] = rnd.choices(
                        ("SATISFIED", "BASICALLY_SATISFIED", "UNSATISFIED"), (0.7, 0.2, 0.1)
                    )[0]
                closed = on(rnd.choice((1, 3, 7)), dt.date.fromisoformat(resolved))
                if closed and props.get("satisfaction") != "UNSATISFIED":
                    status = "CLOSED"
                    props["closed_on"] = closed
            if handler and accepted:
                out_rels.append(Relationship("ASSIGNED_TO", f"ap-{i}", handler, {"since": accepted}))
        props["status"] = status
        out_nodes.append(Node("Appeal", f"ap-{i}", props))
        out_rels.append(Relationship("CONCERNS", f"ap-{i}", concerns))
        out_rels.append(Relationship("RAISED_BY", f"ap-{i}", h))
        community = parent.get(grid) if grid else None
        if community is not None:
            by_community.setdefault(community, []).append(f"ap-{i}")
    for c in sorted(by_community):
        appeals = by_community[c]
        for month in range(12):
            day = start + dt.timedelta(days=30 * month + rnd.randrange(28))
            act = f"rt-{c}-{month}"
            out_nodes.append(
                Node("Activity", act, {"title": f"{c} roundtable", "kind": "ROUNDTABLE", "on": day.isoformat()})
            )
            out_rels.append(Relationship("HELD_IN", act, c))
            for a in rnd.sample(appeals, min(len(appeals), 3)):
                out_rels.append(Relationship("DISCUSSED", act, a))
    return out_nodes, out_rels
