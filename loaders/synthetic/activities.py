"""Twelve months of the monthly work of a synthetic city: contact, meetings, service, projects, points.

Called by the generator after the appeals (:mod:`loaders.synthetic.appeals`); draws from its
own seeded random generators (stages ``work-*``), so the rest of the city is the same with or
without it.  The in-service members' workplace branches (:func:`workplace_branches`) are drawn
earlier, when the generator writes memberships.

Calibration
-----------
- Monthly contact (月联): each month a vanguard with linked members meets them (one
  ``MONTHLY_CONTACT`` activity HELD_BY the vanguard, HELD_IN their building) with probability
  0.92; each linked member whose link dates from before the month's end comes with
  probability 0.75 (an estimate; the seed asks for "at least one meeting or activity a month").
- Branch meetings (三会一课): every grid branch and in-city unit branch meets every month, 6 to 15
  of its members attending (a committee meeting or a party lesson, not the whole branch).
- Volunteer service (志愿服务): every community committee holds one or two a month, HELD_IN
  the community or one of its grids, serving 5 to 30 of its households.  The in-service
  members registered in the community (三报到) serve there: :data:`SERVING_RATE` of them take
  part in one to four volunteer activities of the year.
- Alliance activities: the 公益同心 alliance holds :attr:`_Preset.gongyi_activities` activities
  in the twelve months (126 on ``jiangyin`` and ``jiangyin-city``: the article's "120多场次",
  a city-wide total not scaled a second time), serving households whose sizes add up to at
  least :attr:`_Preset.gongyi_residents` (15,000: "服务居民群众1.5万余人次", counted as
  residents of the households served); every other alliance holds one in 60% of the months.
- Secretary projects (书记项目): two to four a year per community committee, proposed over the
  fourteen months up to the reference date, led (党员领办) 1 to 6 weeks later by one or two
  members, started (群众参与) 10 to 45 days after that, reviewed (居民评议, a score of 60 to 98)
  two to six months later; the stage is the last of those dates reached by
  ``REFERENCE_DATE``.  A started project has a ``SECRETARY_PROJECT_EVENT`` in 70% of its months.
- Points (积分): every party member who ATTENDED an activity (roundtables included) EARNED
  :data:`graph_schema.contract.POINTS_TABLE` points for it on its day; a project's leaders on
  its ``led_on``; a member handling an appeal on the day it was resolved.
- In-service members (在职党员): MEMBER_OF their workplace's unit branch, or (when the city's
  unit branches have no place for them) a branch outside the city (``external``: one per 12
  such members); :data:`REGISTERED_RATE` of them REPORTED_TO their residence community.

Planted problems (ids in ``City.planted``, several joined by ``,``)
-------------------------------------------------------------------
``lapsed_vanguards``
    Vanguards (2% of those with linked households, at least one) with neither a monthly
    contact meeting nor a household visit in the last two months (September and October 2026).
``unregistered_unit``
    A unit (AllianceMember) with a branch of at least three in-service members of whom only the
    first reported home.
``stalled_project``
    A secretary project stuck at ``LED``: led 150 to 200 days before the reference date, never
    started, no events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from graph_schema.contract import (
    ENUM_ZH,
    POINTS_TABLE,
    ActivityKind,
    Label,
    MemberKind,
    OrgLevel,
    ProjectCategory,
    ProjectStage,
)
from graph_schema.records import Relationship
from loaders.synthetic import names as V

if TYPE_CHECKING:
    from loaders.synthetic.generator import _Generator

__all__ = ["REGISTERED_RATE", "SERVING_RATE", "monthly_work", "workplace_branches"]

REGISTERED_RATE: Final = 0.8
"""Share of in-service members REPORTED_TO their residence community (an estimate: the
三报到 campaigns report near-complete registration on paper; we assume four in five)."""

SERVING_RATE: Final = 0.7
"""Share of the registered in-service members who serve in their community in the year."""

MONTHS: Final = 12
_CONTACT_RATE: Final = 0.92
_COME_RATE: Final = 0.75
_EXTERNAL_PER_BRANCH: Final = 12

_AC, _SP, _PO = Label.ACTIVITY.value, Label.SECRETARY_PROJECT.value, Label.PARTY_ORGANIZATION.value
_K = ActivityKind
_ZH = ENUM_ZH["ActivityKind"]
_IN_SERVICE = MemberKind.IN_SERVICE.value
_ALLIANCE_TOPICS: Final = ("志愿服务", "文明创建", "普法宣传", "疫情防控", "助老服务", "社区义诊", "便民服务")
"""What an alliance's activities are about (the article: 疫情防控、文明创建、普法宣传等各类志愿活动)."""


def _months(reference: dt.date) -> list[tuple[int, int]]:
    """(first, last) ordinals of the twelve calendar months up to and including ``reference``."""
    out: list[tuple[int, int]] = []
    y, m = reference.year, reference.month
    for _ in range(MONTHS):
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        last = min(nxt - dt.timedelta(days=1), reference)
        out.insert(0, (first.toordinal(), last.toordinal()))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


# ---------------------------------------------------------------------------- in-service members


def workplace_branches(gen: _Generator) -> tuple[dict[int, str], int]:
    """The branch of each in-service member outside the city's unit branches (member index →
    organization id), writing those external branches; and the index of the planted
    ``unregistered_unit`` (-1 when no unit's branch has two in-service members)."""
    rng = gen._rng("work-external")
    loose = [mi for mi, props in enumerate(gen.m_props) if props["kind"] == _IN_SERVICE and gen.m_unit[mi] < 0]
    n = max(1, -(-len(loose) // _EXTERNAL_PER_BRANCH)) if loose else 0
    branches: list[str] = []
    used: set[str] = set()
    for k in range(n):
        while True:
            city = rng.choice(("无锡", "苏州", "常州", "南京", "上海", "江阴"))
            name = f"{city}{rng.choice(V.ENTERPRISE_CHARS)}{rng.choice(V.ENTERPRISE_CHARS)}"
            name += rng.choice(("有限公司党支部", "集团党委第二支部", "机关党支部", "研究院党支部", "医院党支部"))
            if name not in used:
                used.add(name)
                break
        org_id = f"po-ext-{k + 1:04d}"
        gen._node(_PO, org_id, {"name": name, "level": OrgLevel.UNIT_BRANCH.value, "external": True})
        branches.append(org_id)
    out = {mi: branches[int(rng.random() * n)] for mi in loose}
    candidates = [ui for ui, u in enumerate(gen.units) if u.branch is not None and len(u.members) >= 3]
    candidates = candidates or [ui for ui, u in enumerate(gen.units) if u.branch is not None and len(u.members) >= 2]
    planted = rng.choice(candidates) if candidates else -1
    return out, planted


# ---------------------------------------------------------------------------- the monthly work


class _Work:
    def __init__(self, gen: _Generator, reference: dt.date) -> None:
        self.g = gen
        self.months = _months(reference)
        self.points = dict(POINTS_TABLE)
        self.counter: dict[str, int] = {}
        self.attended: list[tuple[str, str, str, str]] = []
        """(member id, activity id, day, kind) of each party member's attendance, for EARNED."""
        self.sizes: dict[str, int] = {n.id: int(n.properties.get("size") or 1) for n in gen.nodes["Household"]}

    def _id(self, code: str) -> str:
        k = self.counter.get(code, 0) + 1
        self.counter[code] = k
        return f"act-{code}-{k:06d}"

    def activity(
        self,
        code: str,
        kind: ActivityKind,
        title: str,
        on: int,
        held_by: str,
        held_in: str,
        attendees: list[str],
        served: Sequence[str] = (),
    ) -> str:
        g = self.g
        aid = self._id(code)
        g._node(_AC, aid, {"title": title, "kind": kind.value, "on": _iso(on)})
        g._rel("HELD_BY", aid, held_by)
        g._rel("HELD_IN", aid, held_in)
        day = _iso(on)
        for who in dict.fromkeys(attendees):
            g._rel("ATTENDED", who, aid)
            if who.startswith("pm-"):
                self.attended.append((who, aid, day, kind.value))
        for h in dict.fromkeys(served):
            g._rel("SERVED", aid, h)
        return aid

    def run(self) -> dict[str, str]:
        lapsed = self._monthly_contact()
        self._branch_meetings()
        self._volunteers()
        self._alliances()
        stalled = self._projects()
        self._earned()
        out = {"lapsed_vanguards": ",".join(lapsed)} if lapsed else {}
        if stalled:
            out["stalled_project"] = stalled
        return out

    # ---- 月联

    def _monthly_contact(self) -> list[str]:
        g, rng = self.g, self.g._rng("work-contact")
        rand = rng.random
        linked: dict[str, list[tuple[str, int]]] = {}
        with_households: set[str] = set()
        for r in g.rels["LINKS"]:
            if r.end.startswith("pm-"):
                since = dt.date.fromisoformat(r.properties["since"]).toordinal()
                linked.setdefault(r.start, []).append((r.end, since))
            else:
                with_households.add(r.start)
        # planted: vanguards who already visit nobody in the last month (the generator's lapsed
        # ones) lose their visits of the month before and hold no meetings in either
        stop = self.months[-2][0]
        last_month = _iso(self.months[-1][0])
        visited_late = {r.start for r in g.rels["VISITED"] if r.properties["on"] >= last_month}
        candidates = sorted(
            v for v in (g.m_id[mi] for mi in g.vanguards) if v in with_households and v not in visited_late
        )
        k = max(1, len(with_households) // 50) if candidates else 0
        lapsed = sorted(rng.sample(candidates, min(k, len(candidates))))
        if lapsed:
            gone, cut = set(lapsed), _iso(stop)
            g.rels["VISITED"] = [r for r in g.rels["VISITED"] if not (r.start in gone and r.properties["on"] >= cut)]
        lapsed_set = set(lapsed)
        for mi in g.vanguards:
            vid = g.m_id[mi]
            members = linked.get(vid, [])
            if not members:
                continue
            b = g.m_building[mi]
            for first, last in self.months:
                if rand() >= _CONTACT_RATE or (vid in lapsed_set and first >= stop):
                    continue
                came = [m for m, since in members if since <= last and rand() < _COME_RATE]
                if not came:
                    continue
                on = first + int(rand() * (last - first + 1))
                month = dt.date.fromordinal(first).month
                self.activity("mc", _K.MONTHLY_CONTACT, f"{b.name}{month}月党员联系活动", on, vid, b.id, [vid, *came])
        return lapsed

    # ---- 三会一课

    def _branch_meetings(self) -> None:
        g, rng = self.g, self.g._rng("work-meetings")
        rand = rng.random
        members: dict[str, list[str]] = {}
        for r in g.rels["MEMBER_OF"]:
            members.setdefault(r.end, []).append(r.start)
        branches: list[tuple[str, str, list[str]]] = []
        for grid in g.grids:
            if grid.org is None or not grid.branch:
                continue
            own = list(members.get(grid.org, []))
            for b in grid.buildings:
                if b.group is not None:
                    own += members.get(b.group, [])
            branches.append((grid.org, grid.id, own))
        for u in g.units:
            if u.branch is not None:
                branches.append((u.branch, u.community.id, members.get(u.branch, [])))
        topics = ("支部党员大会", "支委会", "党小组会", "党课")
        for org, area, own in branches:
            if not own:
                continue
            for first, last in self.months:
                on = first + int(rand() * (last - first + 1))
                k = min(len(own), 6 + int(rand() * 10))
                came = rng.sample(own, k)
                topic = topics[int(rand() * len(topics))]
                self.activity(
                    "bm", _K.BRANCH_MEETING, f"{dt.date.fromordinal(first).month}月{topic}", on, org, area, came
                )

    # ---- 志愿服务 and 三报到三服务

    def _volunteers(self) -> None:
        g, rng = self.g, self.g._rng("work-volunteers")
        rand = rng.random
        reported: dict[str, list[str]] = {}
        for r in g.rels["REPORTED_TO"]:
            reported.setdefault(r.end, []).append(r.start)
        themes = ("环境清洁", "敬老助老", "文明交通", "政策宣传", "义诊", "垃圾分类", "反诈宣传", "助学")
        for co in g.communities:
            households = [h for grid in co.grids for b in grid.buildings for h in b.households]
            locals_ = [g.m_id[mi] for grid in co.grids for b in grid.buildings for mi in b.members]
            events: list[tuple[int, str, list[str]]] = []
            for first, last in self.months:
                for _ in range(1 + (rand() < 0.5)):
                    on = first + int(rand() * (last - first + 1))
                    area = co.id if rand() < 0.5 or not co.grids else co.grids[int(rand() * len(co.grids))].id
                    came = rng.sample(locals_, min(len(locals_), 3 + int(rand() * 8)))
                    events.append((on, area, came))
            for vid in reported.get(co.id, []):
                if rand() < SERVING_RATE and events:
                    for _ in range(1 + int(rand() * 4)):
                        events[int(rand() * len(events))][2].append(vid)
            for on, area, came in events:
                served = rng.sample(households, min(len(households), 5 + int(rand() * 26)))
                theme = themes[int(rand() * len(themes))]
                self.activity("vs", _K.VOLUNTEER_SERVICE, f"{theme}志愿服务", on, co.org, area, came, served)

    # ---- alliances (公益同心 calibrated)

    def _alliances(self) -> None:
        g, rng = self.g, self.g._rng("work-alliances")
        rand = rng.random
        p = g.p
        units_of: dict[str, list[str]] = {}
        for r in g.rels["JOINED"]:
            units_of.setdefault(r.end, []).append(r.start)
        for al in g.alliances:
            households = [h for co in al.communities for grid in co.grids for b in grid.buildings for h in b.households]
            locals_ = [
                g.m_id[mi] for co in al.communities for grid in co.grids for b in grid.buildings for mi in b.members
            ]
            places = [co.id for co in al.communities] or [al.street.id]
            units = units_of.get(al.id, [])
            if al.theme == "公益同心":
                n = p.gongyi_activities
                days = sorted(
                    self.months[0][0] + int(rand() * (self.months[-1][1] - self.months[0][0] + 1)) for _ in range(n)
                )
                per = -(-p.gongyi_residents // max(n, 1))
            else:
                days = [f + int(rand() * (la - f + 1)) for f, la in self.months if rand() < 0.6]
                per = 10 + int(rand() * 40)
            for on in days:
                served: list[str] = []
                if households:
                    seen: set[str] = set()
                    residents = 0
                    while residents < per and len(seen) < len(households):
                        h = households[int(rand() * len(households))]
                        if h not in seen:
                            seen.add(h)
                            served.append(h)
                            residents += self.sizes.get(h, 1)
                came = rng.sample(units, min(len(units), 1 + int(rand() * 3)))
                came += rng.sample(locals_, min(len(locals_), int(rand() * 5)))
                topic = _ALLIANCE_TOPICS[int(rand() * len(_ALLIANCE_TOPICS))]
                place = places[int(rand() * len(places))]
                self.activity("aa", _K.ALLIANCE_ACTIVITY, f"{al.theme}{topic}", on, al.id, place, came, served)

    # ---- 书记项目

    def _projects(self) -> str:
        g, rng = self.g, self.g._rng("work-projects")
        rand = rng.random
        ref = self.months[-1][1]
        cats = list(ProjectCategory)
        zh = ENUM_ZH["ProjectCategory"]
        stalled_id = ""
        plant_at = int(rand() * len(g.communities)) if g.communities else -1
        for ci, co in enumerate(g.communities):
            locals_ = [mi for grid in co.grids for b in grid.buildings for mi in b.members]
            if not locals_:
                continue
            households = [h for grid in co.grids for b in grid.buildings for h in b.households]
            n = 2 + int(rand() * 3)
            for k in range(n):
                pid = f"sp-{co.id[2:]}-{k + 1:02d}"
                cat = cats[int(rand() * len(cats))]
                org, owner = co.org, co.name
                r = rand()
                if k == n - 1 and co is co.street.communities[0]:  # the street committee's own project
                    org, owner, area = co.street.org, co.street.name, co.street.id
                elif r < 0.5 or not co.grids:
                    area = co.id
                else:
                    grid = co.grids[int(rand() * len(co.grids))]
                    area = grid.id if r < 0.8 or not grid.buildings else grid.buildings[0].id
                stalled = ci == plant_at and k == 0
                if stalled:
                    led = ref - 150 - int(rand() * 51)
                    proposed = led - 7 - int(rand() * 34)
                    dates = [proposed, led, None, None]
                else:
                    proposed = ref - 20 - int(rand() * 400)
                    led = proposed + 7 + int(rand() * 34)
                    started = led + 10 + int(rand() * 36)
                    reviewed = started + 60 + int(rand() * 121)
                    dates = [proposed, led, started, reviewed]
                reached = [d for d in dates if d is not None and d <= ref]
                stage = list(ProjectStage)[len(reached) - 1]
                props: dict[str, Any] = {
                    "title": f"{owner}{zh[cat.value]}书记项目",
                    "category": cat.value,
                    "stage": stage.value,
                    "proposed_on": _iso(proposed),
                }
                for name, d in zip(("led_on", "started_on", "reviewed_on"), dates[1:], strict=True):
                    if d is not None and d <= ref:
                        props[name] = _iso(d)
                if stage is ProjectStage.REVIEWED:
                    props["review_score"] = 60 + int(rand() * 39)
                g._node(_SP, pid, props)
                g._rel("LED_BY", pid, org)
                g._rel("HELD_IN", pid, area)
                leaders: list[str] = []
                if "led_on" in props:
                    leaders = [g.m_id[mi] for mi in rng.sample(locals_, min(len(locals_), 1 + (rand() < 0.4)))]
                    for m in leaders:
                        g._rel("LEADS", m, pid)
                        g._rel(
                            "EARNED",
                            m,
                            pid,
                            {"points": self.points[_SP], "on": props["led_on"], "reason": "领办书记项目"},
                        )
                if stalled:
                    stalled_id = pid
                    continue
                start = dates[2]
                if start is None or start > ref:
                    continue
                end = min(ref, dates[3] or ref)
                for first, last in self.months:
                    lo, hi = max(first, start), min(last, end)
                    if lo > hi or rand() >= 0.7:
                        continue
                    on = lo + int(rand() * (hi - lo + 1))
                    came = leaders + [g.m_id[mi] for mi in rng.sample(locals_, min(len(locals_), 3 + int(rand() * 6)))]
                    served = rng.sample(households, min(len(households), int(rand() * 11)))
                    aid = self.activity(
                        "sp", _K.SECRETARY_PROJECT_EVENT, f"{props['title']}推进活动", on, org, area, came, served
                    )
                    g._rel("ADVANCES", aid, pid)
        return stalled_id

    # ---- 积分

    def _earned(self) -> None:
        g = self.g
        kinds = {n.id: n.properties["kind"] for n in g.nodes[_AC]}
        days = {n.id: n.properties["on"] for n in g.nodes[_AC]}
        earned = g.rels["EARNED"]
        seen = {(m, a) for m, a, _, _ in self.attended}
        for r in g.rels["ATTENDED"]:  # roundtables of the appeals part
            if r.start.startswith("pm-") and (r.start, r.end) not in seen and r.end in kinds:
                self.attended.append((r.start, r.end, days[r.end], kinds[r.end]))
        for m, a, day, kind in self.attended:
            earned.append(
                Relationship("EARNED", m, a, {"points": self.points[kind], "on": day, "reason": f"参加{_ZH[kind]}"})
            )
        appeals = {n.id: n.properties for n in g.nodes[Label.APPEAL.value]}
        for r in g.rels["ASSIGNED_TO"]:
            props = appeals.get(r.start)
            if props is None or not r.end.startswith("pm-") or not props.get("resolved_on"):
                continue
            earned.append(
                Relationship(
                    "EARNED",
                    r.end,
                    r.start,
                    {"points": self.points["Appeal"], "on": props["resolved_on"], "reason": "办理诉求"},
                )
            )


def monthly_work(gen: _Generator, reference: dt.date) -> dict[str, str]:
    """Add the twelve months of monthly work up to ``reference`` to ``gen``; return the planted
    problems' ids."""
    return _Work(gen, reference).run()
