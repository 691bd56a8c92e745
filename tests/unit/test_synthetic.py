"""The synthetic-city generator: validity, determinism, structure and calibration."""

from __future__ import annotations

import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_schema import REL_SPECS, Existing, Label, RelType, WriteBatch, validate_batch
from graph_schema.checksums import credit_code_problem, resident_id_check_digit
from loaders.synthetic import PRESETS, REFERENCE_DATE, City, city_digest, generate

ROOT = Path(__file__).resolve().parents[2]

PREFIX = {
    "Street": "st-",
    "Community": "c-",
    "Grid": "g-",
    "Building": "b-",
    "Household": "h-",
    "PartyOrganization": "po-",
    "PartyMember": "pm-",
    "VanguardStation": "vs-",
    "Alliance": "al-",
    "AllianceMember": "u-",
    "Appeal": "ap-",
    "Activity": "act-",
    "SecretaryProject": "sp-",
    "GuidanceStation": "gs-",
    "Worker": "w-",
    "Assessment": "as-",
}
NODE_ORDER = list(PREFIX)


@pytest.fixture(scope="module")
def demo() -> City:
    return generate("demo")


@pytest.fixture(scope="module")
def jiangyin() -> Iterator[City]:
    city = generate("jiangyin")
    # A million long-lived records: keep the cyclic collector from rescanning them in every
    # test (it would double the validation time); release them after this module.
    gc.freeze()
    try:
        yield city
    finally:
        gc.unfreeze()


def _labels(city: City) -> dict[str, str]:
    return {n.id: n.label for n in city.nodes}


def _check_structure(city: City) -> None:
    """Node order, id prefixes and uniqueness, parents before children, every label and type."""
    labels = [n.label for n in city.nodes]
    blocks = list(dict.fromkeys(labels))
    assert blocks == NODE_ORDER, "nodes come in label blocks, in the documented order"
    ids = [n.id for n in city.nodes]
    assert len(ids) == len(set(ids))
    for n in city.nodes:
        assert n.id.startswith(PREFIX[n.label]), n
    position = {node_id: i for i, node_id in enumerate(ids)}
    for r in city.relationships:
        if r.type in ("PART_OF", "REPORTS_TO"):
            assert position[r.end] < position[r.start], f"parent after child: {r}"
    assert {r.type for r in city.relationships} == {t.value for t in RelType}
    by_type = [r.type for r in city.relationships]
    assert list(dict.fromkeys(by_type)) == [t.value for t in RelType], "relationships grouped by type"


# --------------------------------------------------------------------------- demo


def test_presets_are_listed() -> None:
    assert PRESETS == ("demo", "jiangyin", "jiangyin-city")


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        generate("atlantis")


def test_demo_is_valid(demo: City) -> None:
    assert validate_batch(WriteBatch(demo.nodes, demo.relationships), Existing()) == []


def test_demo_is_small_and_readable(demo: City) -> None:
    counts = demo.label_counts()
    assert counts["Street"] == 1
    assert counts["Community"] == 3
    assert counts["Grid"] == 6
    assert 150 <= len(demo.nodes) <= 1_000  # twelve months of activities and projects included
    assert counts["AllianceMember"] == 8
    assert 2 <= counts["Alliance"] <= 4


def test_demo_structure(demo: City) -> None:
    _check_structure(demo)


def test_demo_has_every_endpoint_pair(demo: City) -> None:
    labels = _labels(demo)
    seen = {(r.type, labels[r.start], labels[r.end]) for r in demo.relationships}
    for rtype, spec in REL_SPECS.items():
        for start, end in spec.pairs:
            assert (rtype.value, start.value, end.value) in seen, (rtype, start, end)


def test_same_seed_same_city() -> None:
    a, b = generate("demo", seed=7), generate("demo", seed=7)
    assert a.nodes == b.nodes
    assert a.relationships == b.relationships
    assert city_digest(a) == city_digest(b)


def test_digest_does_not_depend_on_the_process(demo: City) -> None:
    code = "from loaders.synthetic import generate, city_digest; print(city_digest(generate('demo')))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == city_digest(demo)


def test_other_seeds_other_cities(demo: City) -> None:
    other = generate("demo", seed=1)
    assert city_digest(other) != city_digest(demo)
    heads = [n.properties["head_name"] for n in demo.nodes if n.label == "Household"]
    other_heads = [n.properties["head_name"] for n in other.nodes if n.label == "Household"]
    assert heads[:20] != other_heads[:20]


def test_progress_is_reported() -> None:
    calls: list[tuple[str, int, int]] = []

    class Record:
        """A loaders.progress.Progress that notes (stage, done, total) at every step."""

        def stage(self, name: str, total: int | None = None) -> None:
            calls.append((name.removeprefix("generating "), 0, total or 0))

        def advance(self, n: int = 1) -> None:
            stage, done, total = calls[-1]
            calls.append((stage, done + n, total))

        def done(self) -> None:
            calls.append(("done", 1, 1))

    generate("demo", progress=Record())
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages[0] == "households" and stages[-1] == "done"
    assert all(0 <= done <= total for _, done, total in calls)


def test_demo_codes_and_dates(demo: City) -> None:
    for n in demo.nodes:
        p = n.properties
        if n.label == "Household":
            rid = p["head_id_number"]
            assert rid[17] == resident_id_check_digit(rid[:17])
            assert 1 <= p["size"] <= 6
        elif n.label == "PartyMember":
            assert p["id_number"][6:10] == str(p["birth_year"])
            assert (int(p["id_number"][16]) % 2 == 1) == (p["gender"] == "M")
            assert p["id_number"][:6] == "320281" or p["kind"] in ("FLOATING", "IN_SERVICE")
        elif n.label == "AllianceMember":
            assert credit_code_problem(p["credit_code"]) is None
            assert p["credit_code"][2:8] == "320281"
        elif n.label == "Street":
            assert len(p["code"]) == 9 and p["code"].startswith("320281")
        elif n.label == "Community":
            assert len(p["code"]) == 12 and p["code"].startswith("320281")
    for r in demo.relationships:
        for key in ("since", "on"):
            if key in r.properties:
                assert dt.date.fromisoformat(r.properties[key]) <= REFERENCE_DATE


def test_demo_shows_the_imperfections(demo: City) -> None:
    stats = _stats(demo)
    assert stats["grids_without_branch"] > 0
    assert stats["buildings_without_group"] > 0
    assert stats["overloaded"] >= 1
    assert stats["idle"] >= 1
    assert stats["lapsed"] > 0


# --------------------------------------------------------------------------- jiangyin


def _stats(city: City) -> dict[str, float]:
    labels = _labels(city)
    props = {n.id: n.properties for n in city.nodes}
    governed: defaultdict[str, list[str]] = defaultdict(list)
    links_m: Counter[str] = Counter()
    links_h: Counter[str] = Counter()
    linked_m: set[str] = set()
    linked_h: set[str] = set()
    last_visit: dict[str, str] = {}
    grid_of_building: dict[str, str] = {}
    households_per_grid: Counter[str] = Counter()
    served: set[str] = set()
    for r in city.relationships:
        if r.type == "GOVERNS":
            governed[r.end].append(props[r.start]["level"])
        elif r.type == "LINKS":
            if labels[r.end] == "Household":
                links_h[r.start] += 1
                linked_h.add(r.end)
            else:
                links_m[r.start] += 1
                linked_m.add(r.end)
        elif r.type == "VISITED":
            last_visit[r.start] = max(last_visit.get(r.start, ""), r.properties["on"])
        elif r.type == "PART_OF" and labels[r.start] == "Building":
            grid_of_building[r.start] = r.end
        elif r.type == "PART_OF" and labels[r.start] == "Household":
            households_per_grid[grid_of_building[r.end]] += 1
        elif r.type == "SERVES":
            served.add(r.end)
    vanguards = [n.id for n in city.nodes if n.label == "PartyMember" and n.properties["vanguard"]]
    grids = [n.id for n in city.nodes if n.label == "Grid"]
    buildings = [n.id for n in city.nodes if n.label == "Building"]
    month_ago = (REFERENCE_DATE - dt.timedelta(days=31)).isoformat()
    linked = [v for v in vanguards if links_h[v]]
    return {
        "vanguards": len(vanguards),
        "linked_members": len(linked_m),
        "linked_households": len(linked_h),
        "avg_members": statistics.mean(links_m[v] for v in vanguards),
        "avg_households": statistics.mean(links_h[v] for v in vanguards),
        "overloaded": sum(1 for v in vanguards if links_h[v] >= 25),
        "idle": sum(1 for v in vanguards if not links_h[v] and not links_m[v]),
        "lapsed": sum(1 for v in linked if last_visit.get(v, "") < month_ago) / max(1, len(linked)),
        "grids_without_branch": sum(1 for g in grids if "GRID_BRANCH" not in governed[g]) / len(grids),
        "buildings_without_group": sum(1 for b in buildings if not governed[b]) / len(buildings),
        "small_grids": sum(1 for g in grids if households_per_grid[g] < 0.6 * props[g]["target_households"]),
        "large_grids": sum(1 for g in grids if households_per_grid[g] > 1.4 * props[g]["target_households"]),
        "communities_served": sum(1 for n in city.nodes if n.label == "Community" and n.id in served),
    }


@pytest.mark.slow
def test_jiangyin_is_valid(jiangyin: City) -> None:
    assert validate_batch(WriteBatch(jiangyin.nodes, jiangyin.relationships), Existing()) == []
    _check_structure(jiangyin)


@pytest.mark.slow
def test_jiangyin_matches_the_article(jiangyin: City) -> None:
    counts = jiangyin.label_counts()
    assert counts["Street"] == 16
    assert counts["Community"] == 83
    assert 950 <= counts["Grid"] <= 1050
    assert 250_000 <= counts["Household"] <= 300_000
    assert counts["PartyMember"] > 40_000  # comfortably above 27,000 linked + 3,115 vanguards
    s = _stats(jiangyin)
    assert s["vanguards"] == 3115
    assert s["linked_members"] >= 27_000
    assert s["linked_households"] >= 39_000
    assert 8.5 <= s["avg_members"] <= 9.0
    assert 12.3 <= s["avg_households"] <= 12.8
    assert s["communities_served"] == 83
    units = Counter(n.properties["kind"] for n in jiangyin.nodes if n.label == "AllianceMember")
    assert units["SOCIAL_ORGANIZATION"] == 253
    labels = _labels(jiangyin)
    kind = {n.id: n.properties.get("kind") for n in jiangyin.nodes if n.label == "AllianceMember"}
    branches = Counter(kind[r.end] for r in jiangyin.relationships if r.type == "BRANCH_OF")
    assert branches["PROPERTY_COMPANY"] == 16
    assert branches["SOCIAL_ORGANIZATION"] == 27
    stars = Counter(
        n.properties.get("star")
        for n in jiangyin.nodes
        if n.label == "PartyOrganization" and n.properties["level"] in ("GRID_BRANCH", "UNIT_BRANCH")
    )
    assert set(stars) == {"DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", None}
    assert all(labels[r.end] == "Building" for r in jiangyin.relationships if r.type == "MANAGES")


@pytest.mark.slow
def test_jiangyin_demography(jiangyin: City) -> None:
    households = [n.properties for n in jiangyin.nodes if n.label == "Household"]
    members = [n.properties for n in jiangyin.nodes if n.label == "PartyMember"]
    residents = sum(h["size"] for h in households)
    assert abs(residents / len(households) - 2.56) < 0.05
    assert abs(len(members) / residents - 0.066) < 0.004
    assert abs(sum(m["gender"] == "F" for m in members) / len(members) - 0.298) < 0.015
    ages = [REFERENCE_DATE.year - m["birth_year"] for m in members]
    assert abs(sum(a <= 35 for a in ages) / len(ages) - 0.235) < 0.02
    assert abs(sum(a >= 61 for a in ages) / len(ages) - 0.325) < 0.02
    tags = Counter(t for h in households for t in h["tags"])
    for tag, (lo, hi) in {
        "FLOATING": (0.08, 0.16),
        "ELDERLY_ALONE": (0.03, 0.09),
        "KEY_GROUP": (0.005, 0.02),
        "LOW_INCOME": (0.01, 0.04),
        "DISABILITY": (0.02, 0.04),
    }.items():
        assert lo <= tags[tag] / len(households) <= hi, tag
    assert Counter(m["kind"] for m in members).keys() == {"RESIDENT", "IN_SERVICE", "RETIRED", "FLOATING"}


@pytest.mark.slow
def test_jiangyin_imperfections(jiangyin: City) -> None:
    s = _stats(jiangyin)
    assert 0.02 <= s["grids_without_branch"] <= 0.05
    assert 0.05 <= s["buildings_without_group"] <= 0.25
    assert s["overloaded"] >= 50
    assert s["idle"] >= 30
    assert 0.10 <= s["lapsed"] <= 0.15
    assert s["small_grids"] >= 10 and s["large_grids"] >= 10


def test_every_label_is_known(demo: City) -> None:
    assert {n.label for n in demo.nodes} == {label.value for label in Label}


# --------------------------------------------------------------------------- appeals and roundtables


def _appeal_index(city: City) -> dict[str, dict[str, str]]:
    """Per relationship type of the appeals, start id → end id (single types)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in city.relationships:
        if r.type in ("CONCERNS", "ASSIGNED_TO", "RAISED_BY", "PART_OF"):
            out[r.type][r.start] = r.end
    return out


def _up_to(node_id: str, label: str, labels: dict[str, str], parent: dict[str, str]) -> str | None:
    while labels.get(node_id) != label and node_id in parent:
        node_id = parent[node_id]
    return node_id if labels.get(node_id) == label else None


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _longest_repeat_chain(dates: list[str], window: int = 90) -> int:
    """The most appeals in a row, each within ``window`` days of the one before."""
    best = run = 0
    previous = None
    for d in sorted(dates):
        run = run + 1 if previous is not None and _days(previous, d) <= window else 1
        best, previous = max(best, run), d
    return best


def _check_planted(city: City) -> None:
    labels = _labels(city)
    idx = _appeal_index(city)
    parent, concerns, handler = idx["PART_OF"], idx["CONCERNS"], idx["ASSIGNED_TO"]
    appeals = [n for n in city.nodes if n.label == "Appeal"]
    # a grid that answers late
    late = city.planted["late_grid"]
    assert labels[late] == "Grid"
    in_late = [a for a in appeals if _up_to(concerns[a.id], "Grid", labels, parent) == late]
    assert len(in_late) >= 12
    answered = [
        _days(a.properties["reported_on"], a.properties.get("accepted_on") or a.properties["rejected_on"])
        for a in in_late
        if a.properties.get("accepted_on") or a.properties.get("rejected_on")
    ]
    assert sum(1 for d in answered if d > 1) / len(answered) >= 0.4
    # an alliance unit that is assigned appeals and never resolves them
    idle = city.planted["idle_unit"]
    assert labels[idle] == "AllianceMember"
    assigned = [a for a in appeals if handler.get(a.id) == idle]
    assert len(assigned) >= 8
    assert {a.properties["status"] for a in assigned} == {"ASSIGNED"}
    assert all("resolved_on" not in a.properties for a in assigned)
    # a building with a recurring leak: the longest run of one category within 90 days
    leaky = city.planted["leaky_building"]
    assert labels[leaky] == "Building"
    runs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in appeals:
        building = _up_to(concerns[a.id], "Building", labels, parent)
        if building is not None:
            runs[(building, a.properties["category"])].append(a.properties["reported_on"])
    chains = {key: _longest_repeat_chain(dates) for key, dates in runs.items()}
    best = max(chains.values())
    assert chains[(leaky, "HOUSING_SAFETY")] == best >= 6
    assert [key for key, n in chains.items() if n == best] == [(leaky, "HOUSING_SAFETY")]


def test_demo_appeals_cover_every_status_and_the_planted_problems(demo: City) -> None:
    statuses = Counter(n.properties["status"] for n in demo.nodes if n.label == "Appeal")
    assert set(statuses) == {"REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED", "CLOSED", "REJECTED"}
    _check_planted(demo)
    for n in demo.nodes:
        if n.label == "Appeal":
            assert n.properties["history"][0].split("|")[1:3] == ["-", "REPORTED"]
            assert n.properties["history"][-1].split("|")[2] == n.properties["status"]
            assert n.properties["reported_on"] <= REFERENCE_DATE.isoformat()
        if n.label == "Activity":
            assert n.properties["on"] <= REFERENCE_DATE.isoformat()


@pytest.mark.slow
def test_jiangyin_appeals_match_the_seed(jiangyin: City) -> None:
    """The calibration of loaders/synthetic/appeals.py: the seed's counts, read as one year."""
    labels = _labels(jiangyin)
    props = {n.id: n.properties for n in jiangyin.nodes if n.label in ("Appeal", "PartyMember")}
    handler = _appeal_index(jiangyin)["ASSIGNED_TO"]
    appeals = [n for n in jiangyin.nodes if n.label == "Appeal"]
    households = sum(1 for n in jiangyin.nodes if n.label == "Household")
    assert 0.05 <= len(appeals) / households <= 0.07
    first = min(a.properties["reported_on"] for a in appeals)
    assert _days(first, REFERENCE_DATE.isoformat()) == 364  # twelve months
    resolved = [a for a in appeals if a.properties["status"] in ("RESOLVED", "CLOSED")]
    difficult = [a for a in resolved if a.properties.get("difficult")]
    with_vanguard = [a for a in difficult if props.get(handler[a.id], {}).get("vanguard")]
    by_alliances = [a for a in difficult if labels[handler[a.id]] in ("Alliance", "AllianceMember")]
    assert 1_372 * 0.85 <= len(with_vanguard) <= 1_372 * 1.15
    assert 585 * 0.85 <= len(by_alliances) <= 585 * 1.15
    discussed = {r.end for r in jiangyin.relationships if r.type == "DISCUSSED"}
    assert sum(1 for a in resolved if a.id in discussed) >= 1_000
    on_time = sum(1 for a in resolved if a.properties["resolved_on"] <= a.properties["due"]) / len(resolved)
    assert 0.75 <= on_time <= 0.9
    reviewed = [a for a in appeals if a.properties.get("satisfaction")]
    satisfied = sum(1 for a in reviewed if a.properties["satisfaction"] != "UNSATISFIED") / len(reviewed)
    assert 0.88 <= satisfied <= 0.98
    roundtables = sum(1 for n in jiangyin.nodes if n.label == "Activity")
    assert roundtables >= 83 * 12
    _check_planted(jiangyin)
