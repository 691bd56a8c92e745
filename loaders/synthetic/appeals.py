"""Twelve months of residents' appeals (诉求) and roundtable meetings (圆桌会议) of a synthetic city.

Called by the generator once the city's areas, people, organizations and alliances exist;
draws from its own seeded random generators (stages ``appeals`` and ``roundtables``), so the
rest of the city is the same with or without it.

Calibration (estimates)
-----------------------
The seed article reports results, not flows: 1,000+ livelihood issues resolved through
roundtable meetings, 1,372 difficult problems solved with vanguards' help and 585
livelihood problems solved.  Read as one year of the article's 83 communities (~290,000
households; an estimate: the article gives no period), the generator aims at:

- appeals: 0.06 per household a year (~17,400 on ``jiangyin``; an estimate, about one
  appeal a year for every 17 households reaching the community's grid network rather than
  the city's 12345 hotline), the ``demo`` preset 0.2 so that its few households show
  every status;
- difficult (疑难): ~12% of appeals (by category, 5% of OTHER to 20% of HOUSING_SAFETY and
  NEIGHBOUR_DISPUTE); 70% of the difficult ones are handled by a vanguard, 30% by an
  alliance or one of its units, so that ~1,370 difficult appeals are resolved with a
  vanguard's help and ~585 by the alliances in the year;
- roundtables: one community roundtable a month in every community (30% held by an
  alliance that serves it), a grid or building meeting in a quarter of the months, and a
  street roundtable a quarter; more than half of the accepted difficult appeals and 4% of
  the others are discussed at their community's next roundtable, and 5% of household
  appeals are raised at one, so that 1,000+ discussed appeals are resolved in the year;
- category mix (estimates from the kinds of problems the article names, housing safety,
  sanitation and property service first): property service 20%, sanitation 18%, housing
  safety 12%, parking 12%, facilities 12%, neighbour disputes 10%, elderly care 8%, public
  safety 5%, other 3%;
- rates (estimates in the range 接诉即办 platforms publish): 94% answered (accepted or
  rejected) within a day, 4% rejected, about three quarters of the resolved ones resolved by
  ``due`` (a per-category time limit, doubled for difficult appeals: :data:`DUE_DAYS`; 76% on
  ``jiangyin``), 75% of the resolved reviewed, 94% of final reviews satisfied or basically
  satisfied (most unsatisfied reviews reopen the appeal to its handler, who resolves it
  again), 4% escalated;
  ``jiangyin-city`` keeps the same rates per household.

Every appeal's status, dates, history and ``ASSIGNED_TO`` follow the rules of
:mod:`graph_schema.appeals`: history entries ``<time>|<from>|<to>|<actor>`` (times in
+08:00, non-decreasing) walk the workflow from ``-`` to ``REPORTED`` to the status; actors
are the ids of the organizations, members, units and households that acted.

Planted problems (ids in ``City.planted``)
------------------------------------------
``late_grid``
    A grid whose appeals are mostly answered (accepted or rejected) two to six days after
    they are reported, well beyond ``respond_within_days=1``; it gets at least 12 appeals.
``idle_unit``
    A property company (an AllianceMember) that is assigned appeals in the estates it
    manages, at least 8 of them, and never resolves one: all stay ASSIGNED, most overdue.
``leaky_building``
    A building with six HOUSING_SAFETY and FACILITIES appeals about the same leak, one about
    every 50 days over the year (each within 90 days of the one before), each resolved and
    back again.  No other building has as many appeals of one category.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from graph_schema.appeals import history_entry
from graph_schema.contract import AppealCategory, AppealSource, Label, UnitKind
from loaders.synthetic import names as V

if TYPE_CHECKING:
    from loaders.synthetic.generator import _Building, _Community, _Generator, _Grid

__all__ = ["DUE_DAYS", "appeals_and_roundtables"]

C = AppealCategory
DUE_DAYS: Final[dict[str, int]] = {
    C.HOUSING_SAFETY: 7,
    C.SANITATION: 3,
    C.PROPERTY_SERVICE: 7,
    C.ELDERLY_CARE: 10,
    C.PARKING: 15,
    C.NEIGHBOUR_DISPUTE: 15,
    C.PUBLIC_SAFETY: 3,
    C.FACILITIES: 10,
    C.OTHER: 15,
}
"""Days from ``reported_on`` to ``due`` by category (doubled for a difficult appeal); an estimate."""

_CATEGORY_MIX: Final[tuple[tuple[str, float, float], ...]] = (
    # (category, share, share of difficult ones)
    (C.PROPERTY_SERVICE, 0.20, 0.13),
    (C.SANITATION, 0.18, 0.065),
    (C.HOUSING_SAFETY, 0.12, 0.21),
    (C.PARKING, 0.12, 0.15),
    (C.FACILITIES, 0.12, 0.11),
    (C.NEIGHBOUR_DISPUTE, 0.10, 0.21),
    (C.ELDERLY_CARE, 0.08, 0.13),
    (C.PUBLIC_SAFETY, 0.05, 0.085),
    (C.OTHER, 0.03, 0.05),
)
_S = AppealSource
_HOUSEHOLD_SOURCES: Final = (
    (_S.VANGUARD_VISIT, 0.30),
    (_S.ONLINE, 0.20),
    (_S.HOTLINE, 0.20),
    (_S.WALK_IN, 0.15),
    (_S.GRID_PATROL, 0.10),
    (_S.ROUNDTABLE, 0.05),
)
_AREA_SOURCES: Final = (
    (_S.GRID_PATROL, 0.5),
    (_S.HOTLINE, 0.15),
    (_S.ONLINE, 0.15),
    (_S.WALK_IN, 0.1),
    (_S.VANGUARD_VISIT, 0.1),
)
_PROPERTY_CATEGORIES: Final = frozenset({C.PROPERTY_SERVICE, C.FACILITIES, C.HOUSING_SAFETY})
_AP, _AC = Label.APPEAL.value, Label.ACTIVITY.value
_PO, _PM, _AM, _AL = (
    Label.PARTY_ORGANIZATION.value,
    Label.PARTY_MEMBER.value,
    Label.ALLIANCE_MEMBER.value,
    Label.ALLIANCE.value,
)
_MONTHS: Final = 12
_LATE_GRID_APPEALS: Final = 12
_IDLE_UNIT_APPEALS: Final = 8
_LEAKS: Final = 10


@dataclass(slots=True, eq=False)
class _Meeting:
    id: str
    on: int
    """Date ordinal."""
    area: str
    level: str
    community: _Community | None
    """The community whose people attend (for a street roundtable, one of the street's)."""
    held_by: str
    discussed: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Appeal:
    id: str
    building: _Building
    concerns: str
    reported: int
    until: int | None
    """Ordinal of the final resolution or of the rejection, None while it is open at the reference date."""


class _Clock:
    """Non-decreasing history times: office hours, later on the same day for each next step."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.day = -1
        self.minute = 0
        self.date = ""

    def at(self, ordinal: int) -> str:
        if ordinal != self.day:
            self.day, self.minute, self.date = ordinal, 8 * 60 + 30 + int(self.rng.random() * 8 * 60), _iso(ordinal)
        else:
            self.minute = min(23 * 60 + 59, self.minute + 5 + int(self.rng.random() * 90))
        h, m = divmod(self.minute, 60)
        return f"{self.date}T{h:02d}:{m:02d}:00+08:00"


@functools.cache
def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _weighted(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    r = rng.random() * sum(w for _, w in table)
    for value, w in table:
        r -= w
        if r < 0:
            return value
    return table[-1][0]


def appeals_and_roundtables(gen: _Generator) -> dict[str, str]:
    """Add the appeals and activities of a generated city to ``gen``; return the planted problems' ids."""
    return _Appeals(gen).run()


class _Appeals:
    def __init__(self, gen: _Generator) -> None:
        from loaders.synthetic.generator import REFERENCE_DATE

        self.g = gen
        self.ref = REFERENCE_DATE.toordinal()
        self.start = self.ref - 364
        self.rng = gen._rng("appeals")
        self.clock = _Clock(gen._rng("appeal-times"))
        self.appeals: list[_Appeal] = []
        self.meetings: list[_Meeting] = []
        self.by_community: dict[int, list[_Meeting]] = {}
        self.heads: dict[str, str] = {n.id: str(n.properties.get("head_name", "")) for n in gen.nodes["Household"]}
        self.cover_concerns = ["Household", "Building", "Grid", "Community"]
        self.cover_handlers = [_PM, _AM, _PO, _AL]
        self.counter: dict[str, int] = {}
        grid_vanguards: dict[str, list[int]] = {}
        comm_members: dict[int, list[int]] = {}
        for mi in gen.vanguards:
            grid_vanguards.setdefault(gen.m_building[mi].grid.id, []).append(mi)
        for g in gen.grids:
            for b in g.buildings:
                comm_members.setdefault(g.community.index, []).extend(b.members)
        self.grid_vanguards = grid_vanguards
        self.comm_members = comm_members
        self.comm_vanguards: dict[int, list[int]] = {}
        for mi in gen.vanguards:
            self.comm_vanguards.setdefault(gen.m_building[mi].grid.community.index, []).append(mi)
        self.comm_alliances: dict[int, list[int]] = {}
        for ai, al in enumerate(gen.alliances):
            for co in al.communities:
                self.comm_alliances.setdefault(co.index, []).append(ai)
        self.comm_units: dict[int, list[int]] = {}
        for ui, mine in enumerate(gen.unit_alliances):
            for ai in mine:
                for co in gen.alliances[ai].communities:
                    units = self.comm_units.setdefault(co.index, [])
                    if ui not in units:
                        units.append(ui)

    # ---- planted problems

    def _plant(self) -> tuple[_Grid, int, _Building]:
        rng = self.g._rng("appeals-planted")
        grids = [g for g in self.g.grids if g.org is not None and g.buildings and g.households > 0]
        late = rng.choice(grids or self.g.grids)
        companies = [
            ui
            for ui, u in enumerate(self.g.units)
            if u.kind is UnitKind.PROPERTY_COMPANY
            and any(b.households and b.grid is not late for e in u.estates for b in e.buildings)
        ]
        idle = rng.choice(companies) if companies else 0
        idle_buildings = {id(b) for e in self.g.units[idle].estates for b in e.buildings}
        candidates = [
            b
            for g in self.g.grids
            if g is not late
            for b in g.buildings
            if b.households and id(b) not in idle_buildings
        ]
        leaky = rng.choice(candidates)
        return late, idle, leaky

    # ---- run

    def run(self) -> dict[str, str]:
        gen = self.g
        gen._tick("appeals", 0, 3)
        late, idle, leaky = self._plant()
        self.late, self.idle, self.leaky = late, idle, leaky
        self._schedule()
        gen._tick("appeals", 1, 3)
        rng = self.rng
        places = [(b, h) for g in gen.grids for b in g.buildings for h in b.households]
        total = sum(g.households for g in gen.grids)
        n = round(total * gen.p.appeals_per_household)
        for _ in range(n):
            b, h = places[int(rng.random() * len(places))]
            self._appeal(b, h)
        late_places = [(b, h) for b in late.buildings for h in b.households]
        while (
            sum(1 for a in self.appeals if a.building.grid is late and a.concerns != late.community.id)
            < _LATE_GRID_APPEALS
        ):
            b, h = late_places[int(rng.random() * len(late_places))]
            self._appeal(b, h)
        idle_buildings = [
            b for e in gen.units[idle].estates for b in e.buildings if b.households and b.grid is not late
        ]
        if not idle_buildings:  # a small city whose idle unit manages only the late grid's estates
            idle_buildings = [b for g in gen.grids if g is not late for b in g.buildings if b.households]
        for k in range(_IDLE_UNIT_APPEALS):
            b = idle_buildings[k % len(idle_buildings)]
            category = C.PROPERTY_SERVICE if k % 2 == 0 else C.FACILITIES
            reported = self.start + 20 + (k * 300) // _IDLE_UNIT_APPEALS + int(rng.random() * 10)
            self._appeal(b, b.households[0], category=category, reported=reported, handler=gen.units[idle].id)
        for k in range(_LEAKS):
            category = C.HOUSING_SAFETY
            reported = self.start + 10 + 30 * k + int(rng.random() * 8)
            h = leaky.households[k % len(leaky.households)]
            title = V.LEAK_TITLES[k % len(V.LEAK_TITLES)]
            self._appeal(leaky, h, category=category, reported=reported, title=title, leak=True)
        for status in ("REPORTED", "ACCEPTED"):  # the live queue: today's appeals, not yet answered or assigned
            b, h = places[int(rng.random() * len(places))]
            self._appeal(b, h, reported=self.ref, fresh=status)
        gen._tick("appeals", 2, 3)
        self._meetings_of_areas()
        self._write_meetings()
        gen._tick("appeals", 3, 3)
        return {"late_grid": late.id, "idle_unit": gen.units[idle].id, "leaky_building": leaky.id}

    # ---- roundtables

    def _next_id(self, prefix: str, code: str) -> str:
        k = self.counter.get(prefix + code, 0) + 1
        self.counter[prefix + code] = k
        return f"{prefix}-{code}-{k:04d}"

    def _schedule(self) -> None:
        """Community roundtables, one a month (the first ones held by an alliance where one serves)."""
        gen, rng = self.g, self.g._rng("roundtables")
        self.meeting_rng = rng
        months: list[tuple[int, int]] = []
        ref = dt.date.fromordinal(self.ref)
        y, m = ref.year, ref.month
        for _ in range(_MONTHS):
            first = dt.date(y, m, 1).toordinal()
            last = (
                self.ref if (y, m) == (ref.year, ref.month) else (dt.date(y + m // 12, m % 12 + 1, 1).toordinal() - 1)
            )
            months.insert(0, (first, last))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        self.months = months
        held_by_alliance = True  # the first community roundtable is an alliance's
        for co in gen.communities:
            alliances = self.comm_alliances.get(co.index, [])
            for first, last in months:
                on = first + int(rng.random() * (last - first + 1))
                by = co.org
                if alliances and (held_by_alliance or rng.random() < 0.3):
                    by = gen.alliances[alliances[int(rng.random() * len(alliances))]].id
                    held_by_alliance = False
                meeting = _Meeting(self._next_id("act", co.id[2:]), on, co.id, "Community", co, by)
                self.meetings.append(meeting)
                self.by_community.setdefault(co.index, []).append(meeting)

    def _meeting_after(self, co: _Community, day: int) -> _Meeting | None:
        for meeting in self.by_community.get(co.index, []):
            if meeting.on >= day:
                return meeting
        return None

    def _meetings_of_areas(self) -> None:
        """Grid and building meetings in a quarter of the months, a street roundtable a quarter;
        each discusses the open appeals of its area on its day (up to two)."""
        gen, rng = self.g, self.meeting_rng
        open_in: dict[str, list[_Appeal]] = {}
        for a in self.appeals:
            for key in (a.building.grid.id, a.building.id, a.building.grid.community.street.id):
                open_in.setdefault(key, []).append(a)
        levels = ["Grid", "Building"]
        for co in gen.communities:
            for first, last in self.months:
                if rng.random() >= 0.25 or not co.grids:
                    continue
                level = levels.pop(0) if levels else ("Grid" if rng.random() < 0.5 else "Building")
                grid = co.grids[int(rng.random() * len(co.grids))]
                on = first + int(rng.random() * (last - first + 1))
                if level == "Building" and grid.buildings:
                    b = grid.buildings[int(rng.random() * len(grid.buildings))]
                    area, by = b.id, b.group or grid.org or co.org
                else:
                    level, area, by = "Grid", grid.id, grid.org or co.org
                meeting = _Meeting(self._next_id("act", co.id[2:]), on, area, level, co, by)
                meeting.discussed = self._open_on(open_in.get(area, []), on, 2)
                self.meetings.append(meeting)
        for st in gen.streets:
            by = next((al.id for al in gen.alliances if st.id in al.serves), st.org)
            for q in range(0, _MONTHS, 3):
                first, last = self.months[q][0], self.months[q + 2][1]
                on = first + int(rng.random() * (last - first + 1))
                pool = st.communities[int(rng.random() * len(st.communities))] if st.communities else None
                meeting = _Meeting(self._next_id("act", st.id[3:]), on, st.id, "Street", pool, by)
                meeting.discussed = self._open_on(open_in.get(st.id, []), on, 2)
                self.meetings.append(meeting)

    def _open_on(self, appeals: list[_Appeal], day: int, k: int) -> list[str]:
        open_ones = [a.id for a in appeals if a.reported <= day and (a.until is None or a.until > day)]
        return open_ones[:k]

    def _write_meetings(self) -> None:
        gen, rng = self.g, self.meeting_rng
        for meeting in sorted(self.meetings, key=lambda mt: mt.id):
            co = meeting.community
            topic = V.ROUNDTABLE_TOPICS[int(rng.random() * len(V.ROUNDTABLE_TOPICS))]
            gen._node(_AC, meeting.id, {"title": topic, "kind": "ROUNDTABLE", "on": _iso(meeting.on)})
            gen._rel("HELD_BY", meeting.id, meeting.held_by)
            gen._rel("HELD_IN", meeting.id, meeting.area)
            for appeal_id in meeting.discussed:
                gen._rel("DISCUSSED", meeting.id, appeal_id)
            attendees = list(meeting.attendees)
            if co is not None:
                vanguards = self.comm_vanguards.get(co.index, [])
                members = self.comm_members.get(co.index, [])
                units = self.comm_units.get(co.index, [])
                for pool, k in ((vanguards, 3), (members, 2 + int(rng.random() * 3))):
                    for _ in range(min(k, len(pool))):
                        attendees.append(gen.m_id[pool[int(rng.random() * len(pool))]])
                for _ in range(min(len(units), 1 + int(rng.random() * 2))):
                    attendees.append(gen.units[units[int(rng.random() * len(units))]].id)
            for person in dict.fromkeys(attendees):
                gen._rel("ATTENDED", person, meeting.id)

    # ---- one appeal

    def _appeal(
        self,
        b: _Building,
        household: str,
        *,
        category: str | None = None,
        reported: int | None = None,
        handler: str | None = None,
        title: str | None = None,
        leak: bool = False,
        fresh: str = "",
    ) -> None:
        gen, rng = self.g, self.rng
        rand = rng.random
        grid, co = b.grid, b.grid.community
        if category is None:
            r = rand()
            category, difficult_share = _CATEGORY_MIX[-1][0], _CATEGORY_MIX[-1][2]
            for cat, share, hard in _CATEGORY_MIX:
                r -= share
                if r < 0:
                    category, difficult_share = cat, hard
                    break
            difficult = rand() < difficult_share
        else:
            difficult = False
        # what it concerns
        if leak or handler is not None:
            kind = "Building"
        elif self.cover_concerns:
            kind = self.cover_concerns.pop(0)
        else:
            r = rand()
            kind = "Household" if r < 0.55 else "Building" if r < 0.85 else "Grid" if r < 0.95 else "Community"
        concerns = {"Household": household, "Building": b.id, "Grid": grid.id, "Community": co.id}[kind]
        source = _weighted(rng, _HOUSEHOLD_SOURCES if kind == "Household" else _AREA_SOURCES)
        if leak or handler is not None:
            source = _S.HOTLINE if leak else _S.WALK_IN
        vanguard = gen.hh_vanguard.get(household)
        if vanguard is None:
            near = self.grid_vanguards.get(grid.id) or self.comm_vanguards.get(co.index) or []
            vanguard = near[int(rand() * len(near))] if near else None
        if source is _S.VANGUARD_VISIT and vanguard is None:
            source = _S.GRID_PATROL
        meeting: _Meeting | None = None
        if reported is None:
            reported = self.start + int(rand() * 365)
            if source is _S.ROUNDTABLE:
                meetings = self.by_community.get(co.index, [])
                if meetings:
                    meeting = meetings[int(rand() * len(meetings))]
                    reported = meeting.on
                else:
                    source = _S.WALK_IN
        raised_by: str | None = None
        if source is _S.VANGUARD_VISIT and vanguard is not None:
            raised_by = gen.m_id[vanguard]
        elif source is not _S.GRID_PATROL:
            raised_by = household
        appeal_id = self._next_id("ap", co.id[2:])
        base = title or V.APPEAL_TITLES[category][int(rand() * len(V.APPEAL_TITLES[category]))]
        props: dict[str, Any] = {"title": base, "category": str(category), "source": str(source), "status": ""}
        if difficult:
            props["difficult"] = True
        head = self.heads.get(household, "") if raised_by == household else ""
        if head:
            props["description"] = f"{head}反映：{base}，希望尽快解决。"
        props["reported_on"] = _iso(reported)
        due_days = DUE_DAYS[category] * (2 if difficult else 1)
        due = reported + due_days
        props["due"] = _iso(due)
        accepter = grid.org or co.org
        clock = self.clock
        history = [history_entry(clock.at(reported), None, "REPORTED", raised_by or accepter)]
        status = "REPORTED"
        until: int | None = None
        # answer: accept or reject
        if grid is self.late and not leak and handler is None:
            delay = 2 + int(rand() * 5) if rand() < 0.75 else int(rand() * 2)
        else:
            r = rand()
            delay = 0 if r < 0.70 else 1 if r < 0.94 else 2 + int(rand() * 2)
        if meeting is not None or fresh:
            delay = 0 if fresh != "REPORTED" else 1
        answered = reported + delay
        rejected = not (leak or fresh) and handler is None and meeting is None and rand() < 0.04
        assigned_by_handler: str | None = None
        since = 0
        if answered > self.ref:
            pass
        elif rejected and rand() < 0.7:
            status = "REJECTED"
            props["rejected_on"] = _iso(answered)
            props["rejection_reason"] = V.REJECTION_REASONS[int(rand() * len(V.REJECTION_REASONS))]
            history.append(history_entry(clock.at(answered), "REPORTED", "REJECTED", accepter))
            until = answered
        else:
            status = "ACCEPTED"
            props["accepted_on"] = _iso(answered)
            history.append(history_entry(clock.at(answered), "REPORTED", "ACCEPTED", accepter))
            if rejected:
                day = answered + 1 + int(rand() * 3)
                if day <= self.ref:
                    status = "REJECTED"
                    props["rejected_on"] = _iso(day)
                    props["rejection_reason"] = V.REJECTION_REASONS[int(rand() * len(V.REJECTION_REASONS))]
                    history.append(history_entry(clock.at(day), "ACCEPTED", "REJECTED", accepter))
                    until = day
            if status == "ACCEPTED":
                r = rand()
                day = answered + (0 if r < 0.7 else 1 if r < 0.95 else 2) + (1 if fresh == "ACCEPTED" else 0)
                if day <= self.ref:
                    who = handler or self._handler(category, difficult, b, vanguard)
                    status, since, assigned_by_handler = "ASSIGNED", day, who
                    history.append(history_entry(clock.at(day), "ACCEPTED", "ASSIGNED", accepter))
                    if meeting is None and rand() < (0.55 if difficult else 0.04):
                        meeting = self._meeting_after(co, day)
                        if meeting is not None and meeting.on > self.ref:
                            meeting = None
                    if rand() < 0.04 and handler is None:
                        up = day + 2 + int(rand() * 6)
                        higher = co.org if who != co.org else co.street.org
                        if up <= self.ref and higher != who:
                            history.append(history_entry(clock.at(up), "ASSIGNED", "ASSIGNED", accepter))
                            who, since, day = higher, up, up
                    assigned_by_handler = who
                    if gen.units[self.idle].id != who:
                        status, until = self._work(
                            props,
                            history,
                            category,
                            difficult,
                            due,
                            day,
                            who,
                            meeting,
                            raised_by or household,
                            accepter,
                        )
        if meeting is not None and status != "REPORTED":
            meeting.discussed.append(appeal_id)
            if assigned_by_handler is not None and assigned_by_handler.startswith(("pm-", "u-")):
                meeting.attendees.append(assigned_by_handler)
        props["status"] = status
        props["history"] = history
        gen._node(_AP, appeal_id, props)
        if raised_by is not None:
            gen._rel("RAISED_BY", appeal_id, raised_by)
        gen._rel("CONCERNS", appeal_id, concerns)
        if assigned_by_handler is not None:
            gen._rel("ASSIGNED_TO", appeal_id, assigned_by_handler, {"since": _iso(since)})
        self.appeals.append(_Appeal(appeal_id, b, concerns, reported, until))

    def _handler(self, category: str, difficult: bool, b: _Building, vanguard: int | None) -> str:
        gen, rand = self.g, self.rng.random
        grid, co = b.grid, b.grid.community
        alliances = self.comm_alliances.get(co.index, [])
        units = self.comm_units.get(co.index, [])
        manager = b.estate.manager if b.estate.manager >= 0 and b.estate.manager != self.idle else -1
        options: dict[str, str] = {_PO: grid.org or co.org}
        if vanguard is not None:
            options[_PM] = gen.m_id[vanguard]
        if manager >= 0:
            options[_AM] = gen.units[manager].id
        elif units:
            ui = units[int(rand() * len(units))]
            if ui != self.idle:
                options[_AM] = gen.units[ui].id
        if alliances:
            options[_AL] = gen.alliances[alliances[int(rand() * len(alliances))]].id
        for kind in self.cover_handlers:
            if kind in options:
                self.cover_handlers.remove(kind)
                return options[kind]
        r = rand()
        if difficult:
            if r < 0.7 and _PM in options:
                return options[_PM]
            if r < 0.85 and _AL in options:
                return options[_AL]
            return options.get(_AM) or options.get(_AL) or options[_PO]
        if category in _PROPERTY_CATEGORIES and manager >= 0 and r < 0.6:
            return options[_AM]
        if category == C.ELDERLY_CARE and _AM in options and r < 0.4:
            return options[_AM]
        if category in (C.NEIGHBOUR_DISPUTE, C.OTHER) and _PM in options and r < 0.5:
            return options[_PM]
        if r < 0.12 and _PM in options:
            return options[_PM]
        return options[_PO] if r < 0.95 or _AL not in options else options[_AL]

    def _work(
        self,
        props: dict[str, Any],
        history: list[str],
        category: str,
        difficult: bool,
        due: int,
        start: int,
        handler: str,
        meeting: _Meeting | None,
        resident: str,
        office: str,
    ) -> tuple[str, int | None]:
        """Resolve, review (an unsatisfied review reopens it once), close: as far as the reference date."""
        rand, clock = self.rng.random, self.clock
        days = DUE_DAYS[category] * (2 if difficult else 1)
        if meeting is not None:  # settled at the roundtable, done within days of it
            resolved = max(meeting.on, start) + 1 + int(rand() * 5)
        elif difficult:
            resolved = start + 7 + int(rand() * days * 2)
        elif rand() < 0.88:
            resolved = max(start, due - days + int(rand() * (days + 1)))
        else:
            resolved = max(start, due + 1 + int(rand() * days))
        status = "ASSIGNED"
        for attempt in range(2):
            if resolved > self.ref:
                props.pop("resolved_on", None)
                return status, None
            status = "RESOLVED"
            props["resolved_on"] = _iso(resolved)
            history.append(history_entry(clock.at(resolved), "ASSIGNED", "RESOLVED", handler))
            last = resolved
            if rand() < (0.75 if attempt == 0 else 1.0):
                reviewed = resolved + int(rand() * 5)
                if reviewed > self.ref:
                    return status, resolved
                r = rand()
                verdict = "SATISFIED" if r < 0.70 else "BASICALLY_SATISFIED" if r < 0.88 else "UNSATISFIED"
                props["satisfaction"] = verdict
                history.append(history_entry(clock.at(reviewed), "RESOLVED", "RESOLVED", resident))
                last = reviewed
                if verdict == "UNSATISFIED" and attempt == 0 and rand() < 0.6:
                    history.append(history_entry(clock.at(reviewed), "RESOLVED", "ASSIGNED", resident))
                    status = "ASSIGNED"
                    del props["resolved_on"]
                    resolved = reviewed + 3 + int(rand() * 12)
                    continue
            if rand() < 0.85:
                closed = last + 3 + int(rand() * 18)
                if closed <= self.ref:
                    props["closed_on"] = _iso(closed)
                    history.append(history_entry(clock.at(closed), "RESOLVED", "CLOSED", office))
                    return "CLOSED", resolved
            return status, resolved
        return status, None if status == "ASSIGNED" else resolved
