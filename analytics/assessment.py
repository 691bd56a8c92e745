"""The "双强双优" star ratings in rounds: spread, who rose or fell, disagreeing checks, overdue rectifications.

Definitions (docs/design.md 7.13, made exact here):

- A *branch* is a PartyOrganization the campaign rates (``analytics.structure.is_rated_branch``:
  every GRID_BRANCH and UNIT_BRANCH, a rated COMMUNITY_COMMITTEE) or any organization an
  Assessment ASSESSES.  A branch is *in* an area when an area it lies under
  (``analytics.structure.organization_areas``) is within it; its street is that area's street.
- The *final* assessment of a branch in a round: of its assessments of the round, the most
  authoritative kind (SPOT > CROSS > SECOND > SELF; a later ``on`` breaks a tie).  Its final
  result overall is the final one of its latest round (``graph_schema.assessments``).
- **spread**: per street and round, the branches of each final result; ``unassessed`` counts
  the branches of the street with no assessment in the round.
- **rose / fell**: branches whose final result of ``round`` is above / below their final
  result of the round before it (the latest earlier round they were assessed in).
- **disagreements**: CROSS and SPOT checks of ``round`` whose result differs from the
  branch's SELF check of the same round, by how many levels (positive: the check rated
  higher than the branch itself).
- **overdue**: branches whose final result overall is UNQUALIFIED and whose final assessment's
  ``rectify_by`` is before ``as_of`` (default: the latest ``on`` of any assessment).
- **assessors**: per kind of check of ``round``, how many were ASSESSED_BY a party organization,
  by an instructor (a Worker), by neither; and how many instructors made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analytics._common import JsonResult, name_of, node_data, nodes_by_label, parse_date, require_area, succ
from analytics.areas import AreaIndex
from analytics.structure import is_rated_branch, organization_areas
from graph_schema import Label, RelType, Star
from graph_schema.assessments import final_assessment, round_key, round_problem

_AS, _ORG, _WORKER = Label.ASSESSMENT.value, Label.PARTY_ORGANIZATION.value, Label.WORKER.value
_ASSESSES, _ASSESSED_BY = RelType.ASSESSES.value, RelType.ASSESSED_BY.value
LADDER: tuple[str, ...] = (Star.UNQUALIFIED.value, Star.QUALIFIED.value, Star.EXCELLENT.value, Star.DEMONSTRATION.value)
"""The results from lowest to highest."""
UNASSESSED = "unassessed"


def level(result: str) -> int:
    """The rank of a result on :data:`LADDER` (0 for UNQUALIFIED … 3 for DEMONSTRATION).

    >>> level("QUALIFIED"), level("DEMONSTRATION")
    (1, 3)
    """
    return LADDER.index(result)


@dataclass(frozen=True, slots=True)
class RoundSpread(JsonResult):
    street: str | None
    name: str | None
    round: str
    branches: int
    counts: dict[str, int]
    """Per final result of the round, and ``unassessed``."""


@dataclass(frozen=True, slots=True)
class Change(JsonResult):
    branch: str
    name: str | None
    street: str | None
    before_round: str
    before: str
    after: str
    levels: int
    """``level(after) - level(before)``: positive for a branch that rose."""


@dataclass(frozen=True, slots=True)
class Disagreement(JsonResult):
    branch: str
    name: str | None
    assessment: str
    kind: str
    on: str
    self_result: str
    result: str
    levels: int
    """``level(result) - level(self_result)``: negative when the check rated the branch lower."""


@dataclass(frozen=True, slots=True)
class Overdue(JsonResult):
    branch: str
    name: str | None
    street: str | None
    assessment: str
    round: str
    rectify_by: str
    days_overdue: int


@dataclass(frozen=True, slots=True)
class Assessors(JsonResult):
    """Who made the checks of one kind in the round looked at."""

    kind: str
    checks: int
    by_organization: int
    """Checks ASSESSED_BY at least one party organization."""
    by_instructor: int
    """Checks ASSESSED_BY at least one instructor (a Worker)."""
    instructors: int
    """Distinct instructors who made checks of this kind."""
    unrecorded: int
    """Checks with no ASSESSED_BY."""


@dataclass(frozen=True, slots=True)
class AssessmentReport(JsonResult):
    """Star ratings of the branches of an area (None: the city) in ``round``."""

    area: str | None
    name: str | None
    round: str | None
    """The round looked at (default: the latest); None when there are no assessments."""
    rounds: tuple[str, ...]
    as_of: str | None
    branches: int
    assessed: int
    """Branches with an assessment in ``round``."""
    spread: tuple[RoundSpread, ...]
    """Per street and round (every round up to ``round``), streets by id."""
    rose: tuple[Change, ...]
    fell: tuple[Change, ...]
    disagreements: tuple[Disagreement, ...]
    """Largest disagreement first."""
    overdue: tuple[Overdue, ...]
    """Most overdue first."""
    assessors: tuple[Assessors, ...] = ()
    """Per kind of check of ``round`` (SELF, SECOND, CROSS, SPOT, those made), who made them."""


def assessment_report(
    G: Any,
    area: str | None = None,
    *,
    round: str | None = None,
    as_of: dt.date | str | None = None,
    index: AreaIndex | None = None,
) -> AssessmentReport:
    """Spread of results per street and round, changes between rounds, disagreeing checks and
    overdue rectifications of the branches of ``area``.

    Parameters
    ----------
    round : str, optional
        The round to look at (``2026-2``); default the latest with an assessment in the area.
    as_of : date or str, optional
        The day rectifications are overdue against; default the latest assessment's ``on``.

    Examples
    --------
    >>> r = assessment_report(tiny_assessments(), as_of="2026-10-31")
    >>> r.rounds, r.round, r.branches, r.assessed
    (('2026-1', '2026-2'), '2026-2', 3, 3)
    >>> [(c.branch, c.before, c.after) for c in r.rose], [(c.branch, c.before, c.after) for c in r.fell]
    ([('o_u2', 'UNQUALIFIED', 'QUALIFIED')], [('o_g1', 'EXCELLENT', 'QUALIFIED')])
    >>> [(d.branch, d.kind, d.self_result, d.result, d.levels) for d in r.disagreements]
    [('o_c1', 'CROSS', 'EXCELLENT', 'UNQUALIFIED', -2), ('o_g1', 'SPOT', 'DEMONSTRATION', 'QUALIFIED', -2)]
    >>> [(o.branch, o.rectify_by, o.days_overdue) for o in r.overdue]
    [('o_c1', '2026-09-30', 31)]
    >>> r.spread[-1].counts
    {'DEMONSTRATION': 0, 'EXCELLENT': 0, 'QUALIFIED': 2, 'UNQUALIFIED': 1, 'unassessed': 0}
    >>> [(x.kind, x.checks, x.by_organization, x.by_instructor, x.instructors, x.unrecorded) for x in r.assessors]
    [('SELF', 3, 3, 0, 0, 0), ('SECOND', 3, 0, 0, 0, 3), ('CROSS', 1, 0, 0, 0, 1), ('SPOT', 1, 0, 1, 1, 0)]
    >>> assessment_report(tiny_assessments(), round="2026Q1")
    Traceback (most recent call last):
    ...
    ValueError: a round is <year>-<n>, as 2026-1, got '2026Q1'
    """
    if round is not None and round_problem(round) is not None:
        raise ValueError(f"a round is <year>-<n>, as 2026-1, got {round!r}")
    nodes = node_data(G)
    require_area(nodes, area)
    idx = index or AreaIndex.build(G)
    out = succ(G)
    homes = organization_areas(G, idx)
    by_branch: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for a in nodes_by_label(G).get(_AS, []):
        for end, keys in out[a].items():
            if _ASSESSES in keys and nodes[end].get("label") == _ORG:
                by_branch.setdefault(end, []).append((a, nodes[a]))
    branches: dict[str, str | None] = {}
    for o in nodes_by_label(G).get(_ORG, []):
        if o not in by_branch and not is_rated_branch(nodes[o]):
            continue
        inside = [x for x in homes.get(o, ()) if idx.within(x, area)]
        if area is not None and not inside:
            continue
        streets = sorted(s for s in (idx.path(x).street for x in inside) if s is not None)
        branches[o] = streets[0] if streets else None
    found = {b: by_branch.get(b, []) for b in branches}
    rounds = tuple(sorted({str(p.get("round")) for b in found for _, p in found[b]}, key=round_key))
    chosen = round if round is not None else (rounds[-1] if rounds else None)
    dates = [str(p.get("on")) for b in found for _, p in found[b] if p.get("on")]
    as_of_day = parse_date(as_of) if as_of is not None else (parse_date(max(dates)) if dates else None)

    def final_in(b: str, r: str) -> tuple[str, Mapping[str, Any]] | None:
        mine = [(a, p) for a, p in found[b] if p.get("round") == r]
        best = final_assessment([p for _, p in mine])
        return next(((a, p) for a, p in mine if p is best), None)

    def name(b: str) -> str | None:
        return name_of(nodes[b])

    shown = tuple(r for r in rounds if chosen is None or round_key(r) <= round_key(chosen))
    spread: list[RoundSpread] = []
    for street in sorted({s for s in branches.values() if s is not None}) + (
        [None] if None in branches.values() else []
    ):
        mine = [b for b, s in branches.items() if s == street]
        for r in shown:
            counts = {**{v: 0 for v in reversed(LADDER)}, UNASSESSED: 0}
            for b in mine:
                f = final_in(b, r)
                key = UNASSESSED if f is None else str(f[1].get("result"))
                counts[key] = counts.get(key, 0) + 1
            spread.append(RoundSpread(street, idx.name(street) if street else None, r, len(mine), counts))
    rose: list[Change] = []
    fell: list[Change] = []
    disagreements: list[Disagreement] = []
    overdue: list[Overdue] = []
    assessed = 0
    for b, street in sorted(branches.items()):
        now = final_in(b, chosen) if chosen is not None else None
        if now is not None:
            assessed += 1
            earlier = sorted(
                {str(p.get("round")) for _, p in found[b] if round_key(str(p.get("round"))) < round_key(str(chosen))},
                key=round_key,
            )
            before = final_in(b, earlier[-1]) if earlier else None
            if before is not None:
                was, is_ = str(before[1].get("result")), str(now[1].get("result"))
                if was in LADDER and is_ in LADDER and was != is_:
                    change = Change(b, name(b), street, earlier[-1], was, is_, level(is_) - level(was))
                    (rose if change.levels > 0 else fell).append(change)
            selfs = [p for _, p in found[b] if p.get("round") == chosen and p.get("kind") == "SELF"]
            own = str(selfs[-1].get("result")) if selfs else None
            for a, p in found[b]:
                if p.get("round") != chosen or p.get("kind") not in ("CROSS", "SPOT") or own not in LADDER:
                    continue
                result = str(p.get("result"))
                if result != own and result in LADDER:
                    diff = level(result) - level(str(own))
                    disagreements.append(
                        Disagreement(b, name(b), a, str(p.get("kind")), str(p.get("on")), str(own), result, diff)
                    )
        last = final_assessment([p for _, p in found[b]])
        if last is not None and last.get("result") == Star.UNQUALIFIED.value and as_of_day is not None:
            due = last.get("rectify_by")
            if isinstance(due, str) and parse_date(due) < as_of_day:
                a_id = next(a for a, p in found[b] if p is last)
                days = (as_of_day - parse_date(due)).days
                overdue.append(Overdue(b, name(b), street, a_id, str(last.get("round")), due, days))
    return AssessmentReport(
        assessors=_assessors(G, [(a, p) for b in found for a, p in found[b] if p.get("round") == chosen]),
        area=area,
        name=name_of(nodes[area]) if area is not None else None,
        round=chosen,
        rounds=rounds,
        as_of=as_of_day.isoformat() if as_of_day else None,
        branches=len(branches),
        assessed=assessed,
        spread=tuple(spread),
        rose=tuple(sorted(rose, key=lambda c: (-c.levels, c.branch))),
        fell=tuple(sorted(fell, key=lambda c: (c.levels, c.branch))),
        disagreements=tuple(sorted(disagreements, key=lambda d: (-abs(d.levels), d.branch, d.kind))),
        overdue=tuple(sorted(overdue, key=lambda o: (-o.days_overdue, o.branch))),
    )


_KINDS = ("SELF", "SECOND", "CROSS", "SPOT")


def _assessors(G: Any, checks: list[tuple[str, Mapping[str, Any]]]) -> tuple[Assessors, ...]:
    nodes, out = node_data(G), succ(G)
    rows = []
    for kind in _KINDS:
        mine = [a for a, p in checks if p.get("kind") == kind]
        if not mine:
            continue
        by_org = by_worker = none = 0
        who: set[str] = set()
        for a in mine:
            ends = [end for end, keys in out[a].items() if _ASSESSED_BY in keys]
            workers = [e for e in ends if nodes[e].get("label") == _WORKER]
            by_org += any(nodes[e].get("label") == _ORG for e in ends)
            by_worker += bool(workers)
            none += not ends
            who.update(workers)
        rows.append(Assessors(kind, len(mine), by_org, by_worker, len(who), none))
    return tuple(rows)


def tiny_assessments() -> Any:
    """``analytics.projection.tiny_city`` with the assessments of its three branches::

        branch  round   SELF           SECOND                  CROSS / SPOT (by the instructor w_i1)
        o_g1    2026-1  DEMONSTRATION  EXCELLENT
                2026-2  DEMONSTRATION  EXCELLENT               SPOT QUALIFIED  (fell)
        o_u2    2026-1  QUALIFIED      UNQUALIFIED by 06-30
                2026-2  QUALIFIED      QUALIFIED                               (rose)
        o_c1    2026-2  EXCELLENT      UNQUALIFIED by 09-30    CROSS UNQUALIFIED by 09-30 (overdue)

    >>> G = tiny_assessments()
    >>> sum(1 for _, d in G.nodes(data=True) if d["label"] == "Assessment")
    12
    """
    from analytics.projection import ProjectionBuilder, tiny_city

    b = ProjectionBuilder()
    b.graph = tiny_city().copy()
    rows = (
        ("o_g1", "2026-1", "SELF", "2026-03-05", "DEMONSTRATION", None),
        ("o_g1", "2026-1", "SECOND", "2026-04-10", "EXCELLENT", None),
        ("o_g1", "2026-2", "SELF", "2026-08-04", "DEMONSTRATION", None),
        ("o_g1", "2026-2", "SECOND", "2026-08-20", "EXCELLENT", None),
        ("o_g1", "2026-2", "SPOT", "2026-10-12", "QUALIFIED", None),
        ("o_u2", "2026-1", "SELF", "2026-03-06", "QUALIFIED", None),
        ("o_u2", "2026-1", "SECOND", "2026-04-01", "UNQUALIFIED", "2026-06-30"),
        ("o_u2", "2026-2", "SELF", "2026-08-05", "QUALIFIED", None),
        ("o_u2", "2026-2", "SECOND", "2026-08-21", "QUALIFIED", None),
        ("o_c1", "2026-2", "SELF", "2026-08-03", "EXCELLENT", None),
        ("o_c1", "2026-2", "SECOND", "2026-08-12", "UNQUALIFIED", "2026-09-30"),
        ("o_c1", "2026-2", "CROSS", "2026-09-02", "UNQUALIFIED", "2026-09-30"),
    )
    for org, round_, kind, on, result, rectify_by in rows:
        node_id = f"as-{org}-{round_}-{kind.lower()}"
        props: dict[str, Any] = {"round": round_, "kind": kind, "on": on, "result": result}
        if rectify_by:
            props["rectify_by"] = rectify_by
        b.node("Assessment", node_id, **props)
        b.rel("ASSESSES", node_id, org)
        if kind == "SELF":
            b.rel("ASSESSED_BY", node_id, org)
    b.node("Worker", "w_i1", role="INSTRUCTOR", full_time=True)
    b.rel("ASSESSED_BY", "as-o_g1-2026-2-spot", "w_i1")
    return b.graph
