"""The generator's star-rating campaign (loaders/synthetic/assessments.py): two rounds of SELF and
SECOND checks of every rated branch, cross- and spot-checks at the seed's shares, the final result
equal to the given star, and the planted problems the analysis finds."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from analytics.assessment import assessment_report
from analytics.projection import ProjectionBuilder
from graph_schema import Existing, WriteBatch, validate_batch
from graph_schema.assessments import final_star
from graph_schema.privacy import without_pii
from loaders.assessment_stars import apply_final_stars
from loaders.synthetic.assessments import CROSS_SHARE, ROUNDS, SPOT_SHARE
from loaders.synthetic.generator import REFERENCE_DATE, City, generate


def _graph(city: City) -> Any:
    b = ProjectionBuilder()
    for n in city.nodes:
        b.node(n.label, n.id, **without_pii(n.label, n.properties))
    for r in city.relationships:
        b.rel(r.type, r.start, r.end, **r.properties)
    apply_final_stars(b.graph)
    return b.graph


def _campaign(city: City) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    orgs = {n.id: dict(n.properties) for n in city.nodes if n.label == "PartyOrganization"}
    props = {n.id: dict(n.properties) for n in city.nodes if n.label == "Assessment"}
    by_branch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in city.relationships:
        if r.type == "ASSESSES":
            by_branch[r.end].append(props[r.start])
    return orgs, by_branch


@pytest.fixture(scope="module")
def demo() -> City:
    return generate("demo")


@pytest.fixture(scope="module")
def jiangyin() -> City:
    return generate("jiangyin")


def _check(city: City) -> dict[str, float]:
    orgs, by_branch = _campaign(city)
    # the city's branches: a member's external workplace branch is rated where it belongs
    rated = [o for o, p in orgs.items() if p["level"] in ("GRID_BRANCH", "UNIT_BRANCH") and not p.get("external")]
    assert set(by_branch) <= set(rated)  # never a party group, a committee or a street committee
    assessed = [o for o in rated if o in by_branch]
    for o in rated:
        kinds = Counter((a["round"], a["kind"]) for a in by_branch.get(o, []))
        if orgs[o].get("star") is None:
            assert not kinds  # an unrated branch has no assessments
            continue
        for round_ in ROUNDS:
            assert kinds[(round_, "SELF")] == 1 and kinds[(round_, "SECOND")] == 1
        assert kinds[(ROUNDS[0], "CROSS")] == kinds[(ROUNDS[0], "SPOT")] == 0
        assert final_star(by_branch[o]) == orgs[o]["star"]  # the city reads the same with or without them
    crossed = sum(1 for o in assessed if any(a["kind"] == "CROSS" for a in by_branch[o]))
    spotted = sum(1 for o in assessed if any(a["kind"] == "SPOT" for a in by_branch[o]))
    return {
        "branches": len(rated),
        "assessed": len(assessed),
        "unrated": 1 - len(assessed) / len(rated),
        "crossed": crossed,
        "spotted": spotted,
    }


def test_demo_campaign(demo: City) -> None:
    assert validate_batch(WriteBatch(demo.nodes, demo.relationships), Existing()) == []
    s = _check(demo)
    assert s["crossed"] == round(s["assessed"] * CROSS_SHARE) and s["spotted"] >= 1


def test_demo_planted_problems_are_found(demo: City) -> None:
    report = assessment_report(_graph(demo), as_of=REFERENCE_DATE)
    disputed, overdue = demo.planted["disputed_branch"], demo.planted["overdue_branch"]
    worst = report.disagreements[0]
    assert (worst.branch, worst.self_result, worst.result, worst.levels) == (
        disputed,
        "DEMONSTRATION",
        "UNQUALIFIED",
        -3,
    )
    assert [(o.branch, o.rectify_by) for o in report.overdue] == [(overdue, "2026-09-30")]


def test_jiangyin_campaign_matches_the_seed(jiangyin: City) -> None:
    """3,770 branches city-wide, 1,060 cross-checked, 178 spot-checked: the same shares here."""
    assert validate_batch(WriteBatch(jiangyin.nodes, jiangyin.relationships), Existing()) == []
    s = _check(jiangyin)
    assert 1000 <= s["branches"] <= 1200  # about a branch per grid, and the unit branches
    assert 0.02 <= s["unrated"] <= 0.05
    assert s["crossed"] == round(s["assessed"] * 1060 / 3770)
    assert s["spotted"] == round(s["assessed"] * 178 / 3770)
    assert pytest.approx(0.0472, abs=1e-4) == SPOT_SHARE


def test_jiangyin_analysis(jiangyin: City) -> None:
    G = _graph(jiangyin)
    report = assessment_report(G, as_of=REFERENCE_DATE)
    assert report.rounds == ROUNDS and report.round == ROUNDS[1]
    assert report.disagreements[0].branch == jiangyin.planted["disputed_branch"]
    assert jiangyin.planted["overdue_branch"] in {o.branch for o in report.overdue}
    # about 18% rose and 12% fell from the first round (the generator's shares, clipped at the ends)
    assert 0.12 <= len(report.rose) / report.assessed <= 0.22
    assert 0.05 <= len(report.fell) / report.assessed <= 0.14
    spread = Counter[str]()
    for s in report.spread:
        if s.round == ROUNDS[1]:
            spread.update(s.counts)
    assert spread["unassessed"] == report.branches - report.assessed


def _assessors(city: City) -> dict[str, Any]:
    """Per kind of check, who assessed: the kinds of assessors, and whether each instructor
    is stationed at a guidance station serving the expected street."""
    labels = {n.id: n.label for n in city.nodes}
    kind = {n.id: n.properties["kind"] for n in city.nodes if n.label == "Assessment"}
    role = {n.id: n.properties["role"] for n in city.nodes if n.label == "Worker"}
    station = {r.start: r.end for r in city.relationships if r.type == "STATIONED_AT"}
    serves: dict[str, set[str]] = defaultdict(set)
    for r in city.relationships:
        if r.type == "SERVES_AREA":
            serves[r.start].add(r.end)
    parent = {r.start: r.end for r in city.relationships if r.type in ("PART_OF", "REPORTS_TO")}
    governs = {r.start: r.end for r in city.relationships if r.type == "GOVERNS"}

    def street(org: str) -> str | None:
        place = governs.get(org)
        while place is not None and labels[place] != "Street":
            place = parent.get(place)
        return place

    branch = {r.start: r.end for r in city.relationships if r.type == "ASSESSES"}
    by: dict[str, list[str]] = defaultdict(list)
    for r in city.relationships:
        if r.type == "ASSESSED_BY":
            by[r.start].append(r.end)
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for a, k in kind.items():
        who = sorted(labels[x] for x in by[a])
        out[k]["+".join(who) or "nobody"] += 1
        committees = [x for x in by[a] if labels[x] == "PartyOrganization"]
        for w in (x for x in by[a] if labels[x] == "Worker"):
            assert role[w] == "INSTRUCTOR"
            # SPOT: the station of the branch's own street; CROSS: that of the cross-checking committee's
            expected = street(committees[0]) if k == "CROSS" else street(branch[a])
            if expected is not None:
                assert expected in serves[station[w]], (a, w)
        if k == "SELF":
            assert by[a] == [branch[a]]
        if k == "SECOND":
            assert by[a] == [parent[branch[a]]]  # the organization it reports to
        if k == "CROSS":
            assert street(committees[0]) != street(branch[a]) or street(branch[a]) is None
    return out


def test_jiangyin_assessors(jiangyin: City) -> None:
    """SELF by the branch, SECOND by the organization it reports to, CROSS by another street's
    committee and an instructor of that street's station, SPOT by an instructor of the branch's
    own street's station."""
    out = _assessors(jiangyin)
    assert set(out["SELF"]) == {"PartyOrganization"} and set(out["SECOND"]) == {"PartyOrganization"}
    assert set(out["CROSS"]) == {"PartyOrganization+Worker"}
    assert set(out["SPOT"]) == {"Worker"}
    assert sum(out["SPOT"].values()) == _check(jiangyin)["spotted"]
