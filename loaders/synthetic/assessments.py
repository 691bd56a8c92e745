"""The "双强双优" star-rating campaign of a synthetic city: two rounds of assessments of every branch.

Called by the generator once the party organizations exist; draws from its own seeded random
generator (stage ``assessments``), so the rest of the city is the same with or without it.

Calibration
-----------
The seed article: the city's 3,770 branches were screened in two rounds (两轮排查), 1,060 of
them cross-checked (交叉互查) and 178 spot-checked (重点抽查), against 6 categories and 34
requirements (the template, :mod:`graph_schema.assessments`, synthetic beyond the three
categories the article names).  The generator reads this as:

- two rounds, ``2026-1`` (March to May) and ``2026-2`` (August to October); in each, every
  rated branch (the GRID_BRANCH and UNIT_BRANCH organizations that were given a ``star``)
  has a SELF check and a SECOND check by the organization it REPORTS_TO;
- in the second round, a cross-check by a community committee of another street for
  1,060 / 3,770 (28.1%) of the branches and a spot-check for 178 / 3,770 (4.7%) of them, so
  the article's counts on 3,770 branches and the same shares on smaller presets;
- the final result of the second round is the branch's given ``star`` (so the city reads the
  same with or without its assessments); the first round agrees with it for 70% of the
  branches, is one level lower for 18% (they rose) and one higher for 12% (they fell); a SELF
  check rates one level higher than the final result for 20% of the branches; a SECOND check
  overruled by a cross- or spot-check differs from it for 25%;
- scores: requirements met per category, about 97% (示范), 88% (优秀), 72% (合格) and 45%
  (不合格) of each category's requirements;
- who assessed (ASSESSED_BY): a SELF check the branch itself, a SECOND check the organization
  it reports to (for a grid branch its community committee), a CROSS check the community
  committee of another street *and* an instructor (INSTRUCTOR, full-time where there is one)
  of the guidance station serving that street, a SPOT check an instructor of the station
  serving the branch's own street (the organization department's check, carried out by its
  station);
- an UNQUALIFIED result of a concluding check gets a rectification deadline 90 days later;
  a branch without a ``star`` (about 3%, newly set up) has no assessments.

Planted problems (ids in ``City.planted``)
------------------------------------------
``disputed_branch``
    A branch whose second-round SELF check says 示范 (DEMONSTRATION) and whose spot-check
    says 不合格 (UNQUALIFIED): the largest disagreement there can be.
``overdue_branch``
    A branch whose final assessment (second round) is UNQUALIFIED with a rectification
    deadline of 2026-09-30, a month before the reference date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from graph_schema.assessments import CONCLUDING_KINDS, TEMPLATE
from graph_schema.contract import AssessmentKind, Label, OrgLevel, RelType, Star, WorkerRole
from graph_schema.records import Node

if TYPE_CHECKING:
    from loaders.synthetic.generator import _Generator

__all__ = ["CROSS_SHARE", "ROUNDS", "SPOT_SHARE", "assessments"]

ROUNDS: Final = ("2026-1", "2026-2")
CROSS_SHARE: Final = 1060 / 3770
SPOT_SHARE: Final = 178 / 3770
RECTIFY_DAYS: Final = 90

_LADDER: Final = (Star.UNQUALIFIED.value, Star.QUALIFIED.value, Star.EXCELLENT.value, Star.DEMONSTRATION.value)
_MET: Final = {
    Star.DEMONSTRATION.value: 0.97,
    Star.EXCELLENT.value: 0.88,
    Star.QUALIFIED.value: 0.72,
    Star.UNQUALIFIED.value: 0.45,
}
_WINDOWS: Final[dict[tuple[str, AssessmentKind], tuple[dt.date, int]]] = {
    ("2026-1", AssessmentKind.SELF): (dt.date(2026, 3, 2), 25),
    ("2026-1", AssessmentKind.SECOND): (dt.date(2026, 4, 1), 40),
    ("2026-2", AssessmentKind.SELF): (dt.date(2026, 8, 3), 5),
    ("2026-2", AssessmentKind.SECOND): (dt.date(2026, 8, 10), 20),
    ("2026-2", AssessmentKind.CROSS): (dt.date(2026, 9, 1), 25),
    ("2026-2", AssessmentKind.SPOT): (dt.date(2026, 10, 8), 14),
}
"""(round, kind) → (first day, days of the window)."""

_DISPUTED: Final = {AssessmentKind.SELF: Star.DEMONSTRATION.value, AssessmentKind.SPOT: Star.UNQUALIFIED.value}
_RATED: Final = frozenset({OrgLevel.GRID_BRANCH.value, OrgLevel.UNIT_BRANCH.value})
_PO, _AS = Label.PARTY_ORGANIZATION.value, Label.ASSESSMENT.value
_ASSESSES, _ASSESSED_BY = RelType.ASSESSES.value, RelType.ASSESSED_BY.value
_WORKER, _STATIONED_AT, _SERVES_AREA = Label.WORKER.value, RelType.STATIONED_AT.value, RelType.SERVES_AREA.value


def _shift(star: str, by: int) -> str:
    return _LADDER[max(0, min(len(_LADDER) - 1, _LADDER.index(star) + by))]


@dataclass(frozen=True, slots=True)
class _Branch:
    id: str
    star: str
    parent: str
    street: str


def assessments(gen: _Generator) -> dict[str, str]:
    """Add the assessments of a generated city's branches to ``gen``; return the planted problems' ids."""
    rng = gen._rng("assessments")
    parents = {r.start: r.end for r in gen.rels[RelType.REPORTS_TO.value]}
    street_of: dict[str, str] = {}
    committees: dict[str, list[str]] = {}
    for co in gen.communities:
        street_of[co.org] = co.street.id
        committees.setdefault(co.street.id, []).append(co.org)
    branches = [
        _Branch(n.id, str(n.properties["star"]), parents[n.id], street_of.get(parents[n.id], ""))
        for n in gen.nodes[_PO]
        if n.properties.get("level") in _RATED and n.properties.get("star") and n.id in parents
    ]
    if not branches:
        return {}
    n = len(branches)
    crossed = set(rng.sample(range(n), round(n * CROSS_SHARE)))
    spotted = set(rng.sample(range(n), max(1, round(n * SPOT_SHARE))))
    streets = sorted(committees)
    writer = _Writer(gen, rng, _Instructors(gen))
    planted: dict[str, str] = {}
    disputed = min(spotted)
    plain = [i for i in range(n) if i not in crossed and i not in spotted]
    unqualified = [i for i in plain if branches[i].star == Star.UNQUALIFIED.value]
    overdue = unqualified[len(unqualified) // 2] if unqualified else (plain[len(plain) // 2] if plain else None)
    # the planted branches are UNQUALIFIED in the end: their given star says so too
    at = {node.id: k for k, node in enumerate(gen.nodes[_PO])}
    for i in (disputed, overdue):
        if i is not None:
            old = gen.nodes[_PO][at[branches[i].id]]
            gen.nodes[_PO][at[old.id]] = Node(old.label, old.id, {**old.properties, "star": Star.UNQUALIFIED.value})
            branches[i] = _Branch(branches[i].id, Star.UNQUALIFIED.value, branches[i].parent, branches[i].street)
    for i, b in enumerate(branches):
        first = _shift(b.star, rng.choices((0, -1, 1), weights=(70, 18, 12))[0])
        # round 1: SELF and SECOND
        writer.add(b, "2026-1", AssessmentKind.SELF, _shift(first, 1) if rng.random() < 0.2 else first, [b.id])
        writer.add(b, "2026-1", AssessmentKind.SECOND, first, [b.parent])
        # round 2: the most authoritative kind gets the given star
        kinds = [AssessmentKind.SELF, AssessmentKind.SECOND]
        if i in crossed:
            kinds.append(AssessmentKind.CROSS)
        if i in spotted:
            kinds.append(AssessmentKind.SPOT)
        final_kind = kinds[-1]
        for kind in kinds:
            if kind is final_kind:
                result = b.star
            elif kind is AssessmentKind.SELF:
                result = _shift(b.star, 1) if rng.random() < 0.2 else b.star
            else:
                result = _shift(b.star, rng.choice((-1, 1))) if rng.random() < 0.25 else b.star
            by = [b.id if kind is AssessmentKind.SELF else b.parent]
            if kind is AssessmentKind.CROSS:
                others = [s for s in streets if s != b.street] or streets
                by = [rng.choice(committees[rng.choice(others)])]
                by += writer.instructors.of(street_of.get(by[0], ""))
            if kind is AssessmentKind.SPOT:
                by = writer.instructors.of(b.street)
            if i == disputed:
                result = _DISPUTED.get(kind, result)
            rectify_days = 51 if i == overdue and kind is final_kind else RECTIFY_DAYS
            writer.add(b, "2026-2", kind, result, by, rectify_days=rectify_days, on=_planted_on(i == overdue, kind))
    planted["disputed_branch"] = branches[disputed].id
    if overdue is not None:
        planted["overdue_branch"] = branches[overdue].id
    return planted


def _planted_on(overdue: bool, kind: AssessmentKind) -> dt.date | None:
    """The overdue branch's final check falls on 2026-08-10 (its deadline 51 days later: 09-30)."""
    return dt.date(2026, 8, 10) if overdue and kind is AssessmentKind.SECOND else None


class _Instructors:
    """The instructors who carry out a street's checks: those STATIONED_AT the guidance station
    that SERVES_AREA the street, full-time ones first (the part-time ones when it has none),
    drawn from their own random stream (stage ``assessors``) so that the results of the
    campaign are the same with or without them."""

    def __init__(self, gen: _Generator) -> None:
        self.rng = gen._rng("assessors")
        roles = {n.id: n.properties for n in gen.nodes.get(_WORKER, [])}
        staff: dict[str, list[str]] = {}
        for r in gen.rels.get(_STATIONED_AT, []):
            props = roles.get(r.start, {})
            if props.get("role") == WorkerRole.INSTRUCTOR.value:
                staff.setdefault(r.end, []).append(r.start)
        self.by_street: dict[str, list[str]] = {}
        for r in gen.rels.get(_SERVES_AREA, []):
            everyone = staff.get(r.start, [])
            full = [w for w in everyone if roles[w].get("full_time")]
            self.by_street.setdefault(r.end, []).extend(full or everyone)

    def of(self, street: str) -> list[str]:
        """One instructor of ``street``'s station (none when it has no station or no instructor)."""
        found = self.by_street.get(street)
        return [self.rng.choice(found)] if found else []


class _Writer:
    def __init__(self, gen: _Generator, rng: random.Random, instructors: _Instructors) -> None:
        self.gen, self.rng, self.instructors = gen, rng, instructors

    def add(
        self,
        branch: _Branch,
        round_: str,
        kind: AssessmentKind,
        result: str,
        by: list[str],
        *,
        rectify_days: int = RECTIFY_DAYS,
        on: dt.date | None = None,
    ) -> None:
        first, days = _WINDOWS[(round_, kind)]
        day = on or first + dt.timedelta(days=self.rng.randrange(days))
        props: dict[str, Any] = {
            "round": round_,
            "kind": kind.value,
            "on": day.isoformat(),
            "result": result,
            "scores": self._scores(result),
        }
        if result == Star.UNQUALIFIED.value and kind in CONCLUDING_KINDS:
            props["rectify_by"] = (day + dt.timedelta(days=rectify_days)).isoformat()
        node_id = f"as-{branch.id.removeprefix('po-')}-{round_}-{kind.value.lower()}"
        self.gen._node(_AS, node_id, props)
        self.gen._rel(_ASSESSES, node_id, branch.id)
        for assessor in by:
            self.gen._rel(_ASSESSED_BY, node_id, assessor)

    def _scores(self, result: str) -> list[str]:
        share = _MET[result]
        out = []
        for c in TEMPLATE:
            total = len(c.requirements)
            met = sum(1 for _ in range(total) if self.rng.random() < share)
            out.append(f"{c.code}:{met}")
        return out
