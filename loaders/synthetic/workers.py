"""The people who work the grid (工作人员) of a synthetic city, and its guidance stations.

Called by the generator once the city's areas, organizations, members and units exist (after
the appeals); draws from its own seeded random generators (stages ``workers``, ``worker-codes``),
so the rest of the city is the same with or without it.

Calibration
-----------
From the seed article (city-wide figures, used whole on ``jiangyin`` and ``jiangyin-city`` and
scaled by communities over the article's 83 on a smaller preset, as the generator does with the
other city-wide figures):

- 19 guidance stations (基层党建工作指导站), each serving one street or town (the largest get a
  second station); 63 full-time and 610 part-time (600+) party-building instructors (党建指导员)
  stationed at them in proportion to the branches of the streets they serve;
- the branches (community committees, grid branches, unit branches other than property
  companies') of a station's streets are dealt to its instructors, a full-time one taking two
  for a part-time one's one, so that no instructor guides more than twice the norm
  (:data:`graph_schema.contract.INSTRUCTOR_NORM`);
- 32 party instructors sent to property companies: two for every property company with a party
  branch (16 branches, 32 instructors), each guiding a company and its branch; every property
  company gets one while instructors last.

Estimates (Chinese grid platforms' usual staffing; the article gives no figures):

- one full-time grid worker (网格员) per grid, 30% of them party members (``IS_MEMBER``, a
  member living in the grid);
- one part-time building head (楼栋长) for 85% of the buildings with households, half of them a
  party member of the building;
- full-time community workers (社区工作者): one per two grids, at least two per community.

Planted problems (ids in ``City.planted``)
------------------------------------------
``workerless_grid``
    A grid with households and no grid worker; 1% of the grids (at least one) have none, this
    is the first of them.
``overloaded_instructor``
    A full-time instructor who guides three times the norm (18 organizations: branches, then
    party groups of the streets its station serves); no other instructor guides more than
    twice the norm.
``unguided_property_company``
    A property company (an AllianceMember) that no instructor guides (one without a party
    branch when there is one).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any, Final

from graph_schema.contract import INSTRUCTOR_NORM, OVERLOAD_FACTOR, Label, UnitKind, WorkerRole
from loaders.synthetic import names as V

if TYPE_CHECKING:
    from loaders.synthetic.generator import _Generator, _Street

__all__ = ["SEED_FIGURES", "workers_and_stations"]

SEED_FIGURES: Final[dict[str, int]] = {
    "communities": 83,
    "stations": 19,
    "full_time_instructors": 63,
    "part_time_instructors": 610,
    "property_instructors_per_branch": 2,
}
"""The article's city-wide figures the generator is calibrated with (600+ part-time read as 610)."""

_WK, _GS = Label.WORKER.value, Label.GUIDANCE_STATION.value
_GRID_WORKER_MEMBERS: Final = 0.30
_BUILDING_HEADS: Final = 0.85
_BUILDING_HEAD_MEMBERS: Final = 0.5
_WORKERLESS_GRIDS: Final = 0.01
_OVERLOAD: Final = int(OVERLOAD_FACTOR * INSTRUCTOR_NORM) + INSTRUCTOR_NORM


def workers_and_stations(gen: _Generator) -> dict[str, str]:
    """Add the workers and guidance stations of a generated city to ``gen``; return the planted problems' ids."""
    return _Workers(gen).run()


class _Workers:
    def __init__(self, gen: _Generator) -> None:
        from loaders.synthetic.generator import REFERENCE_DATE

        self.g = gen
        self.rng = gen._rng("workers")
        self.rand = self.rng.random
        self.ref = REFERENCE_DATE.toordinal()
        self.scale = min(1.0, len(gen.communities) / SEED_FIGURES["communities"])
        self.used_members: set[int] = set()
        self.vanguards = frozenset(gen.vanguards)
        self.street_station: dict[str, str] = {}
        self.planted: dict[str, str] = {}
        surnames = [s for s, _ in V.SURNAMES]
        weights = [w for _, w in V.SURNAMES]
        self.surnames = self.rng.choices(surnames, weights, k=4096)
        self.counter = 0

    # ---- helpers

    def _name(self) -> str:
        rand = self.rand
        male = rand() < 0.5
        pool = V.GIVEN_MALE if male else V.GIVEN_FEMALE
        given = pool[int(rand() * len(pool))]
        if rand() < 0.75:
            given += pool[int(rand() * len(pool))]
        return self.surnames[int(rand() * len(self.surnames))] + given

    def _since(self) -> str:
        return dt.date.fromordinal(self.ref - 30 - int(self.rand() * 365 * 8)).isoformat()

    def _worker(self, wid: str, role: WorkerRole, full_time: bool, area: str, member: int | None = None) -> str:
        g = self.g
        props: dict[str, Any] = {"role": role.value, "full_time": full_time}
        if member is not None:
            mp = g.m_props[member]
            props["name"] = mp["name"]
            if mp.get("phone"):
                props["phone"] = mp["phone"]
            self.used_members.add(member)
        else:
            props["name"] = self._name()
            props["phone"] = g.codes.phone()
        g._node(_WK, wid, props)
        g._rel("WORKS_IN", wid, area, {"since": self._since()})
        if member is not None:
            g._rel("IS_MEMBER", wid, g.m_id[member])
        return wid

    def _member(self, candidates: list[int]) -> int | None:
        free = [mi for mi in candidates if mi not in self.used_members and mi not in self.vanguards]
        return self.rng.choice(free) if free else None

    # ---- run

    def run(self) -> dict[str, str]:
        g = self.g
        g._tick("workers", 0, 1)
        self._grid_workers()
        self._building_heads()
        self._social_workers()
        self._instructors()
        self._property_instructors()
        g._tick("workers", 1, 1)
        return self.planted

    def _grid_workers(self) -> None:
        grids = [gr for gr in self.g.grids if gr.households > 0] or list(self.g.grids)
        count = max(1, round(_WORKERLESS_GRIDS * len(grids)))
        rng = random.Random(self.rng.random())
        without = rng.sample(range(len(grids)), count)
        self.planted["workerless_grid"] = grids[without[0]].id
        skip = {grids[i].id for i in without}
        for gr in self.g.grids:
            if gr.id in skip:
                continue
            member = None
            if self.rand() < _GRID_WORKER_MEMBERS:
                member = self._member([mi for b in gr.buildings for mi in b.members])
            self._worker(f"w-{gr.id}", WorkerRole.GRID_WORKER, True, gr.id, member)

    def _building_heads(self) -> None:
        for gr in self.g.grids:
            for b in gr.buildings:
                if not b.households or self.rand() >= _BUILDING_HEADS:
                    continue
                member = self._member(b.members) if self.rand() < _BUILDING_HEAD_MEMBERS else None
                self._worker(f"w-{b.id}", WorkerRole.BUILDING_HEAD, False, b.id, member)

    def _social_workers(self) -> None:
        for co in self.g.communities:
            for n in range(max(2, round(len(co.grids) / 2))):
                self._worker(f"w-{co.id}-{n + 1:02d}", WorkerRole.SOCIAL_WORKER, True, co.id)

    # ---- guidance stations and instructors

    def _branches(self, street: _Street) -> list[str]:
        """The branches a station's instructors guide in ``street`` (property branches excepted)."""
        g = self.g
        out = [co.org for co in street.communities if co.org]
        out += [gr.org for co in street.communities for gr in co.grids if gr.branch and gr.org]
        out += [
            u.branch for u in g.units if u.street is street and u.branch and u.kind is not UnitKind.PROPERTY_COMPANY
        ]
        return out

    def _instructors(self) -> None:
        from loaders.synthetic.generator import _largest_remainder

        g = self.g
        streets = g.streets
        n_stations = max(1, round(SEED_FIGURES["stations"] * self.scale))
        weights = [max(1, len(st.communities)) for st in streets]
        if n_stations >= len(streets):
            per_street = _largest_remainder(weights, n_stations, minimum=1)
        else:
            per_street = [1 if i < n_stations else 0 for i in range(len(streets))]
        stations: list[tuple[str, list[_Street]]] = []
        street_stations: dict[int, list[int]] = {}
        for si, st in enumerate(streets):
            for k in range(per_street[si]):
                sid = f"gs-{len(stations) + 1:02d}"
                suffix = "" if per_street[si] == 1 else f"第{k + 1}"
                g._node(_GS, sid, {"name": f"{st.name}{suffix}基层党建工作指导站"})
                stations.append((sid, [st]))
                street_stations.setdefault(si, []).append(len(stations) - 1)
        # fewer stations than streets: the stations also serve the streets left over
        for si, st in enumerate(streets):
            if si not in street_stations:
                k = si % len(stations)
                stations[k][1].append(st)
                street_stations[si] = [k]
        for sid, served in stations:
            for st in served:
                g._rel("SERVES_AREA", sid, st.id)
        self.street_station = {st.id: stations[street_stations[si][0]][0] for si, st in enumerate(streets)}
        # the branches of each station
        work: list[list[str]] = [[] for _ in stations]
        for si, st in enumerate(streets):
            mine = street_stations[si]
            branches = self._branches(st)
            for j, org in enumerate(branches):
                work[mine[j % len(mine)]].append(org)
        full = _largest_remainder(
            [len(w) + 1 for w in work], max(1, round(SEED_FIGURES["full_time_instructors"] * self.scale)), minimum=1
        )
        part = _largest_remainder(
            [len(w) + 1 for w in work], max(1, round(SEED_FIGURES["part_time_instructors"] * self.scale))
        )
        planted = ""
        for k, (sid, served) in enumerate(stations):
            home = served[0].id
            staff = [
                self._worker(f"w-i-{sid[3:]}-{n + 1:03d}", WorkerRole.INSTRUCTOR, n < full[k], home)
                for n in range(full[k] + part[k])
            ]
            for wid in staff:
                g._rel("STATIONED_AT", wid, sid)
            # a full-time instructor takes two turns for a part-time one's one
            turns = [wid for n, wid in enumerate(staff) for _ in range(2 if n < full[k] else 1)]
            guided: dict[str, list[str]] = {wid: [] for wid in staff}
            for j, org in enumerate(work[k]):
                guided[turns[j % len(turns)]].append(org)
            if not planted and staff:
                planted = staff[0]
                groups = [
                    b.group
                    for st in served
                    for co in st.communities
                    for gr in co.grids
                    for b in gr.buildings
                    if b.group
                ]
                extra = [o for o in work[k] + groups if o not in guided[planted]]
                guided[planted].extend(extra[: max(0, _OVERLOAD - len(guided[planted]))])
            for wid, orgs in guided.items():
                for org in orgs:
                    g._rel("GUIDES", wid, org)
        self.planted["overloaded_instructor"] = planted

    def _property_instructors(self) -> None:
        g = self.g
        companies = [u for u in g.units if u.kind is UnitKind.PROPERTY_COMPANY]
        if not companies:
            return
        count = SEED_FIGURES["property_instructors_per_branch"] * sum(1 for u in companies if u.branch)
        unbranched = [u for u in companies if not u.branch]
        left_out = self.rng.choice(unbranched or companies)
        self.planted["unguided_property_company"] = left_out.id
        served = [u for u in companies if u.branch] + [u for u in unbranched if u is not left_out]
        order = served + [u for u in served if u.branch] * SEED_FIGURES["property_instructors_per_branch"]
        for n, unit in enumerate(order[:count]):
            wid = f"w-p-{n + 1:03d}"
            self._worker(wid, WorkerRole.INSTRUCTOR, False, unit.community.id)
            station = self.street_station.get(unit.street.id)
            if station is not None:
                g._rel("STATIONED_AT", wid, station)
            g._rel("GUIDES", wid, unit.id)
            if unit.branch:
                g._rel("GUIDES", wid, unit.branch)
