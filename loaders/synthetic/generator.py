"""A deterministic synthetic city calibrated on the seed's figures (``shared/seed/README.md``).

:func:`generate` builds the whole governance graph of a preset, every node and relationship
valid against :mod:`graph_schema`: streets and towns of Jiangyin, communities, grids of about
300 households, buildings and courtyards, households (with plausible, checksum-valid but
invented personal data), the party organization tree, party members, vanguard stations and
their 1+10+N links and visits, alliances and their member units.

The same ``(preset, seed)`` always gives the same records in the same order: every random
draw comes from :class:`random.Random` instances seeded from the seed and a stage name, no
set or hash ordering is ever iterated, and dates are relative to the fixed
:data:`REFERENCE_DATE`, never to today.

Presets
-------
``demo``
    One street, three communities, six small grids: a few hundred nodes, readable by eye.
``jiangyin``
    The article's 83 communities in the 16 streets and towns, 1,000 grids (~290,000
    households), exactly 3,115 vanguard members linking 27,200 party members and 39,200
    households, 24 property companies (16 with party branches), 253 social organizations
    (27 with branches).
``jiangyin-city``
    The whole city: the article's 83 communities (社区, 1,000 grids) plus 200 villages (村,
    Community of kind VILLAGE, 1,100 grids) in 18 township-level units (16 plus two
    development zones), ~640,000 households.  The article's counts are city-wide totals and
    are not scaled again: 3,115 vanguards linking 27,200 members and 39,200 households, 253
    social organizations (27 with branches), 16 property companies with branches.

The four-level grid system (社区党组织—网格党支部—楼栋党小组—党员中心户): a grid has a branch
(GRID_BRANCH) or, for a few, only a grid-level party group (GRID_GROUP); buildings have
building groups (BUILDING_GROUP); vanguard stations are set by the party groups
(根据党小组划分): one per group with vanguards, ATTACHED_TO it and run by its vanguards.

Deliberate imperfections for analysts to find: grids without a grid branch (half of them
with only a grid-level party group), buildings without a party group (the stations of their
vanguards are attached to no group), grids far from their
target size, overloaded vanguards (25+ households) and idle ones (no links), vanguards whose
visits lapsed in the last month, in-service members who have not reported to their
community, and households that no alliance unit reaches with some resource kinds.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from graph_schema.checksums import credit_code_check_char, resident_id_check_digit
from graph_schema.contract import (
    GRID_HOUSEHOLDS_NORM,
    BuildingKind,
    CommunityKind,
    GridKind,
    HouseholdTag,
    Label,
    MemberKind,
    OrgLevel,
    RelType,
    ResourceKind,
    Star,
    UnitKind,
)
from graph_schema.records import Node, Relationship
from loaders.progress import Progress
from loaders.synthetic import names as V
from loaders.synthetic.activities import REGISTERED_RATE, monthly_work, workplace_branches
from loaders.synthetic.appeals import appeals_and_roundtables
from loaders.synthetic.assessments import assessments
from loaders.synthetic.workers import workers_and_stations

__all__ = ["PRESETS", "REFERENCE_DATE", "VISIT_MONTHS", "City", "Progress", "city_digest", "generate"]

REFERENCE_DATE: Final = dt.date(2026, 10, 31)
"""The "today" of every synthetic city: visits fall in the :data:`VISIT_MONTHS` calendar months
up to and including this date, and every other date lies before it."""

VISIT_MONTHS: Final = 3
PRESETS: Final = ("demo", "jiangyin", "jiangyin-city")


# Plain-string labels and types: Node.label and Relationship.type are str.
_ST, _CO, _GR, _BU, _HH = (
    Label.STREET.value,
    Label.COMMUNITY.value,
    Label.GRID.value,
    Label.BUILDING.value,
    Label.HOUSEHOLD.value,
)
_PO, _PM, _VS, _AL, _AM = (
    Label.PARTY_ORGANIZATION.value,
    Label.PARTY_MEMBER.value,
    Label.VANGUARD_STATION.value,
    Label.ALLIANCE.value,
    Label.ALLIANCE_MEMBER.value,
)
_AP, _AC, _SP = Label.APPEAL.value, Label.ACTIVITY.value, Label.SECRETARY_PROJECT.value
_GS, _WK = Label.GUIDANCE_STATION.value, Label.WORKER.value
_AS = Label.ASSESSMENT.value
_NODE_ORDER: Final = (_ST, _CO, _GR, _BU, _HH, _PO, _PM, _VS, _AL, _AM, _AP, _AC, _SP, _GS, _WK, _AS)

_F, _EA, _KG, _LI, _DI = (
    HouseholdTag.FLOATING.value,
    HouseholdTag.ELDERLY_ALONE.value,
    HouseholdTag.KEY_GROUP.value,
    HouseholdTag.LOW_INCOME.value,
    HouseholdTag.DISABILITY.value,
)
_RESIDENT, _IN_SERVICE, _RETIRED, _FLOATING = (
    MemberKind.RESIDENT.value,
    MemberKind.IN_SERVICE.value,
    MemberKind.RETIRED.value,
    MemberKind.FLOATING.value,
)
_REF_YEAR: Final = REFERENCE_DATE.year
_MEMBER_RATE: Final = 0.066
"""Party members per resident (Jiangyin, estimated in the seed)."""
_FEMALE_SHARE: Final = 0.298
_OVERLOAD_MIN: Final = 26
"""Overloaded vanguards link at least this many households (the analysts' flag is 25+)."""
_NORMAL_MAX_HH: Final = 20
_NORMAL_MAX_MEMBERS: Final = 15


@dataclass(frozen=True, slots=True)
class _Preset:
    townships: tuple[tuple[str, str, str, int], ...]
    communities: int
    grids: int
    min_grids: int
    target_households: int
    size_factor: float
    """Mean grid size as a share of the target."""
    vanguards: int
    linked_members: int
    linked_households: int
    units: Mapping[UnitKind, int]
    branches: Mapping[UnitKind, int]
    unit_branch_members: tuple[int, int]
    street_alliances: float
    """Share of streets whose committee leads a 融联共建 alliance."""
    community_alliances: float
    """Share of communities whose committee leads an alliance of its own."""
    small_grids: float = 0.03
    large_grids: float = 0.03
    branchless_grids: float = 0.03
    groupless_buildings: float = 0.12
    idle_vanguards: float = 0.025
    overloaded_vanguards: float = 0.04
    lapsed_vanguards: float = 0.12
    appeals_per_household: float = 0.06
    """Appeals (诉求) a household raises in the twelve months (an estimate: see loaders.synthetic.appeals)."""
    gongyi_activities: int = 126
    """Activities of the 公益同心 alliance in the twelve months (the article's 120多场次)."""
    gongyi_residents: int = 15_000
    """Residents (household sizes) its activities serve in the twelve months (1.5万余人次)."""
    villages: int = 0
    """Villages (村, Community of kind VILLAGE) besides the ``communities``, spread over the townships
    by :data:`loaders.synthetic.names.VILLAGES`."""
    community_minimum: int = 1
    """Communities every township gets at least (0: a township may have villages only)."""
    village_grids: int = 0
    """Of the ``grids``, those in villages; the communities share the rest."""


_U = UnitKind
_PRESETS: Final[dict[str, _Preset]] = {
    "demo": _Preset(
        townships=V.TOWNSHIPS[:1],
        communities=2,
        villages=1,
        village_grids=2,
        grids=6,
        min_grids=2,
        target_households=50,
        size_factor=0.95,
        vanguards=5,
        linked_members=20,
        linked_households=56,
        units={
            _U.ENTERPRISE: 1,
            _U.FINANCIAL_INSTITUTION: 1,
            _U.CHAMBER_OR_ASSOCIATION: 1,
            _U.SOCIAL_ORGANIZATION: 2,
            _U.PROPERTY_COMPANY: 2,
            _U.GOVERNMENT_UNIT: 1,
        },
        branches={_U.ENTERPRISE: 1, _U.SOCIAL_ORGANIZATION: 1, _U.PROPERTY_COMPANY: 1},
        unit_branch_members=(1, 3),
        street_alliances=1.0,
        community_alliances=0.34,
        small_grids=0.1,
        large_grids=0.1,
        branchless_grids=0.1,
        idle_vanguards=0.2,
        overloaded_vanguards=0.2,
        lapsed_vanguards=0.2,
        appeals_per_household=0.2,
        gongyi_activities=24,
        gongyi_residents=1_200,
    ),
    "jiangyin": _Preset(
        townships=V.TOWNSHIPS,
        communities=83,
        grids=1000,
        min_grids=4,
        target_households=GRID_HOUSEHOLDS_NORM,
        size_factor=0.965,
        vanguards=3115,
        linked_members=27_200,
        linked_households=39_200,
        units={
            _U.ENTERPRISE: 160,
            _U.FINANCIAL_INSTITUTION: 36,
            _U.CHAMBER_OR_ASSOCIATION: 30,
            _U.SOCIAL_ORGANIZATION: 253,
            _U.PROPERTY_COMPANY: 24,
            _U.GOVERNMENT_UNIT: 64,
        },
        branches={
            _U.ENTERPRISE: 48,
            _U.FINANCIAL_INSTITUTION: 12,
            _U.CHAMBER_OR_ASSOCIATION: 6,
            _U.SOCIAL_ORGANIZATION: 27,
            _U.PROPERTY_COMPANY: 16,
        },
        unit_branch_members=(3, 8),
        street_alliances=0.5,
        community_alliances=0.8,
    ),
    # The whole city: the article's 83 communities plus the city's 200 villages (村; 2017 Jiangyin
    # yearbook).  The article's counts (3,115 vanguards linking 27,000+ members and 39,000+
    # households, 253 social organizations with 27 branches, 16 property branches) are city-wide
    # totals: this preset has exactly those, not those scaled up once more by households.
    "jiangyin-city": _Preset(
        townships=V.TOWNSHIPS + V.PARKS,
        communities=83,
        villages=200,
        community_minimum=0,
        grids=2100,
        village_grids=1100,
        min_grids=4,
        target_households=GRID_HOUSEHOLDS_NORM,
        size_factor=1.01,
        vanguards=3115,
        linked_members=27_200,
        linked_households=39_200,
        units={
            _U.ENTERPRISE: 340,
            _U.FINANCIAL_INSTITUTION: 60,
            _U.CHAMBER_OR_ASSOCIATION: 50,
            _U.SOCIAL_ORGANIZATION: 253,
            _U.PROPERTY_COMPANY: 40,
            _U.GOVERNMENT_UNIT: 72,
        },
        branches={
            _U.ENTERPRISE: 100,
            _U.FINANCIAL_INSTITUTION: 20,
            _U.CHAMBER_OR_ASSOCIATION: 10,
            _U.SOCIAL_ORGANIZATION: 27,
            _U.PROPERTY_COMPANY: 16,
        },
        unit_branch_members=(3, 8),
        street_alliances=0.5,
        community_alliances=0.8,
    ),
}


@dataclass(slots=True)
class City:
    """A generated graph: nodes with parents before children, then all relationships.

    Attributes
    ----------
    nodes
        Streets, communities, grids, buildings, households, party organizations, party
        members, vanguard stations, alliances, alliance member units, appeals,
        activities and assessments, in that order.
    relationships
        Grouped by type in :class:`graph_schema.RelType` order, each group in generation order.
    preset, seed
        What the city was generated from.
    """

    nodes: list[Node]
    relationships: list[Relationship]
    preset: str = ""
    seed: int = 0
    planted: dict[str, str] = field(default_factory=dict)
    """Ids of the planted problems of the appeals (see :mod:`loaders.synthetic.appeals`):
    ``late_grid`` (a Grid that answers late), ``idle_unit`` (an AllianceMember assigned
    appeals it never resolves), ``leaky_building`` (a Building with a recurring leak); of the
    workers (see :mod:`loaders.synthetic.workers`): ``workerless_grid``, ``overloaded_instructor``,
    ``unguided_property_company``; of the assessments (:mod:`loaders.synthetic.assessments`):
    ``disputed_branch``, ``overdue_branch``."""

    def label_counts(self) -> dict[str, int]:
        """Nodes per label, in node order."""
        out: dict[str, int] = {}
        for n in self.nodes:
            out[n.label] = out.get(n.label, 0) + 1
        return out


# --------------------------------------------------------------------------- small helpers


def _largest_remainder(weights: Sequence[float], total: int, minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights``, each at least ``minimum``."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n
    rest = total - minimum * n
    if rest <= 0:
        return base
    s = sum(weights)
    quotas = [w / s * rest for w in weights]
    floors = [int(q) for q in quotas]
    left = rest - sum(floors)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [b + f for b, f in zip(base, floors, strict=True)]


def _pick_count(share: float, n: int) -> int:
    """How many of ``n`` things get an imperfection of this share: at least one when n > 0."""
    return 0 if n == 0 else min(n, max(1, round(share * n)))


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


_ORD_2019: Final = dt.date(2019, 3, 1).toordinal()
_ORD_2021: Final = dt.date(2021, 6, 1).toordinal()
_ORD_2022: Final = dt.date(2022, 1, 1).toordinal()
_ORD_2025_END: Final = dt.date(2025, 12, 31).toordinal()
_ORD_LINK_END: Final = dt.date(REFERENCE_DATE.year, REFERENCE_DATE.month, 1).toordinal() - 62
_ORD_REF: Final = REFERENCE_DATE.toordinal()


def _binomial_cdf(n: int, p: float) -> list[float]:
    """Cumulative P(X <= k) for k = 0..n-1 of a binomial(n, p)."""
    out, acc = [], 0.0
    for k in range(n):
        acc += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        out.append(acc)
    return out


_RID_MAP: Final = "10X98765432"
"""GB 11643: weighted sum mod 11 → check character (docs/design.md, "Code checks")."""


def _rid_partial(part: str, offset: int) -> int:
    """The weighted sum mod 11 that ``part``, at ``offset`` in the first 17 digits, contributes.

    The check is linear, so the sum of a body is the sum of its parts' sums; each part's sum is
    read off :func:`graph_schema.checksums.resident_id_check_digit` of the part padded with zeros.
    """
    body = "0" * offset + part + "0" * (17 - offset - len(part))
    return _RID_MAP.index(resident_id_check_digit(body))


class _Codes:
    """Unique mobile numbers and resident IDs, fast enough for a million people.

    Check digits come from precomputed partial sums of the region, the year, the month-day and
    the sequence number (see :func:`_rid_partial`).
    """

    def __init__(self, rng: random.Random) -> None:
        self.rand = rng.random
        self.phones: set[str] = set()
        self.rids: set[str] = set()
        self.regions: dict[str, int] = {}
        self.years = {y: (f"{y:04d}", _rid_partial(f"{y:04d}", 6)) for y in range(1900, _REF_YEAR + 1)}
        self.days: dict[bool, list[tuple[str, int]]] = {}
        for leap, year in ((False, 2023), (True, 2024)):
            days = []
            for m in range(1, 13):
                for d in range(1, _days_in_month(year, m) + 1):
                    md = f"{m:02d}{d:02d}"
                    days.append((md, _rid_partial(md, 10)))
            self.days[leap] = days
        self.seqs = [(f"{q:03d}", _rid_partial(f"{q:03d}", 14)) for q in range(1000)]

    def phone(self) -> str:
        """A new mobile number ``1[3-9]\\d{9}`` with a real operator prefix."""
        rand, prefixes = self.rand, V.MOBILE_PREFIXES
        while True:
            number = f"{prefixes[int(rand() * len(prefixes))]}{int(rand() * 100_000_000):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def rid(self, region: str, year: int, male: bool) -> str:
        """A new valid resident ID of someone born in ``year`` (odd 17th digit for men)."""
        rand = self.rand
        rsum = self.regions.get(region)
        if rsum is None:
            rsum = self.regions[region] = _rid_partial(region, 0)
        ystr, ysum = self.years[year]
        days = self.days[_days_in_month(year, 2) == 29]
        while True:
            md, dsum = days[int(rand() * len(days))]
            sstr, ssum = self.seqs[int(rand() * 500) * 2 + male]
            rid = f"{region}{ystr}{md}{sstr}{_RID_MAP[(rsum + ysum + dsum + ssum) % 11]}"
            if rid not in self.rids:
                self.rids.add(rid)
                return rid


_ORG_CODE_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organization code body."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


_RESOURCE_ORDER: Final = {r.value: i for i, r in enumerate(ResourceKind)}
_SOCIAL_RESOURCES: Final[dict[str, tuple[str, ...]]] = {
    "社工": ("VOLUNTEERS",),
    "养老": ("ELDERLY_CARE", "HEALTH"),
    "助残": ("VOLUNTEERS", "HEALTH"),
    "青少年": ("EDUCATION",),
    "家庭": ("VOLUNTEERS", "EDUCATION"),
    "心理": ("HEALTH",),
    "法律": ("LEGAL_AID",),
    "健康": ("HEALTH", "ELDERLY_CARE"),
    "文体": ("VENUE", "VOLUNTEERS"),
    "环保": ("VOLUNTEERS",),
    "助学": ("EDUCATION", "FUNDING"),
    "调解": ("LEGAL_AID",),
}
_GOVERNMENT_RESOURCES: Final[tuple[tuple[str, ...], ...]] = (
    ("LEGAL_AID",),
    ("LEGAL_AID", "PROPERTY_SERVICE"),
    ("LEGAL_AID",),
    ("HEALTH", "ELDERLY_CARE"),
    ("LEGAL_AID",),
    ("EMPLOYMENT",),
    ("EMPLOYMENT", "VOLUNTEERS"),
    ("VENUE", "EDUCATION"),
)
_THEME_AFFINITY: Final[dict[UnitKind, dict[str, int]]] = {
    _U.ENTERPRISE: {"融联共建": 2, "银企同行": 2},
    _U.FINANCIAL_INSTITUTION: {"银企同行": 5, "融联共建": 2},
    _U.CHAMBER_OR_ASSOCIATION: {"融联共建": 3, "银企同行": 2},
    _U.SOCIAL_ORGANIZATION: {"公益同心": 5, "乐龄守护": 3, "同心共治": 2},
    _U.PROPERTY_COMPANY: {"红色物业": 6, "六方联动": 3},
    _U.GOVERNMENT_UNIT: {"平安联防": 4, "六方联动": 4, "法润万家": 4},
}


# --------------------------------------------------------------------------- area records


@dataclass(slots=True, eq=False)
class _Street:
    index: int
    id: str
    name: str
    short: str
    code: str
    org: str = ""
    communities: list[_Community] = field(default_factory=list)
    lane_numbers: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class _Community:
    index: int
    id: str
    name: str
    code: str
    street: _Street
    org: str = ""
    village: bool = False
    roads: list[str] = field(default_factory=list)
    grids: list[_Grid] = field(default_factory=list)
    estate_names: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class _Grid:
    id: str
    code: str
    number: int
    community: _Community
    size: int
    org: str | None = None
    branch: bool = False
    buildings: list[_Building] = field(default_factory=list)
    households: int = 0


@dataclass(slots=True, eq=False)
class _Estate:
    name: str
    kind: str
    grid: _Grid
    buildings: list[_Building] = field(default_factory=list)
    manager: int = -1


@dataclass(slots=True, eq=False)
class _Building:
    id: str
    name: str
    index: int
    grid: _Grid
    estate: _Estate
    households: list[str] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    group: str | None = None


@dataclass(slots=True, eq=False)
class _Unit:
    id: str
    name: str
    kind: UnitKind
    street: _Street
    community: _Community
    credit_code: str
    resources: list[str]
    branch: str | None = None
    members: list[int] = field(default_factory=list)
    estates: list[_Estate] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Alliance:
    id: str
    name: str
    theme: str
    led_by: str
    street: _Street
    serves: list[str] = field(default_factory=list)
    communities: list[_Community] = field(default_factory=list)
    members: int = 0


# --------------------------------------------------------------------------- the generator


class _Generator:
    """One generation run: accumulates nodes per label and relationships per type."""

    def __init__(self, preset: _Preset, seed: int, progress: Progress | None) -> None:
        self.p = preset
        self.seed = seed
        self.progress = progress
        self._stage = ""
        self._done = 0
        self.nodes: dict[str, list[Node]] = {label: [] for label in _NODE_ORDER}
        self.rels: dict[str, list[Relationship]] = {t.value: [] for t in RelType}
        self.streets: list[_Street] = []
        self.communities: list[_Community] = []
        self.grids: list[_Grid] = []
        self.estates: list[_Estate] = []
        self.units: list[_Unit] = []
        self.alliances: list[_Alliance] = []
        # party members, as parallel arrays (Nodes are built once vanguards are known)
        self.m_id: list[str] = []
        self.m_props: list[dict[str, Any]] = []
        self.m_building: list[_Building] = []
        self.m_household: list[str] = []
        self.m_unit: list[int] = []
        self.codes = _Codes(self._rng("codes"))
        self.credit_codes: set[str] = set()
        self.org_star_rng = self._rng("stars")
        self.vanguards: list[int] = []
        """Member indices of the vanguards."""
        self.hh_vanguard: dict[str, int] = {}
        """Household id → member index of the (first) vanguard who LINKS it."""
        self.unit_alliances: list[list[int]] = []
        """Per unit, the indices of the alliances it JOINED."""
        self.planted: dict[str, str] = {}

    # ---- infrastructure

    def _rng(self, stage: str) -> random.Random:
        return random.Random(f"civicmesh:{self.seed}:{stage}")

    def _tick(self, stage: str, done: int, total: int) -> None:
        """``done`` of ``total`` steps of ``stage`` are done: reported as the stage ``generating STAGE``."""
        if self.progress is None:
            return
        if stage != self._stage:
            self.progress.stage(f"generating {stage}", total)
            self._stage, self._done = stage, 0
        self.progress.advance(max(done - self._done, 0))
        self._done = done

    def _node(self, label: str, node_id: str, props: dict[str, Any]) -> None:
        self.nodes[label].append(Node(label, node_id, props))

    def _rel(self, rtype: str, start: str, end: str, props: dict[str, Any] | None = None) -> None:
        self.rels[rtype].append(Relationship(rtype, start, end, {} if props is None else props))

    def _star(self) -> str | None:
        r = self.org_star_rng.random()
        if r < 0.03:
            return None
        if r < 0.13:
            return Star.DEMONSTRATION.value
        if r < 0.47:
            return Star.EXCELLENT.value
        if r < 0.95:
            return Star.QUALIFIED.value
        return Star.UNQUALIFIED.value

    def _org(self, org_id: str, name: str, level: OrgLevel, rated: bool) -> None:
        props: dict[str, Any] = {"name": name, "level": level.value}
        if rated:
            star = self._star()
            if star is not None:
                props["star"] = star
        self._node(_PO, org_id, props)

    # ---- run

    def run(self) -> City:
        self._areas()
        self._housing()
        self._organizations()
        self._units()
        self._membership()
        self._vanguards()
        self._alliances()
        self.planted.update(appeals_and_roundtables(self))
        self.planted.update(monthly_work(self, REFERENCE_DATE))
        self.planted.update(workers_and_stations(self))
        self.planted.update(assessments(self))
        if self.progress is not None and self._stage:
            self.progress.done()
        nodes = [n for label in _NODE_ORDER for n in self.nodes[label]]
        rels = [r for t in RelType for r in self.rels[t.value]]
        return City(nodes, rels, planted=dict(self.planted))

    # ---- streets, communities, grid sizes

    def _areas(self) -> None:
        rng = self._rng("areas")
        p = self.p
        per_street = _largest_remainder([t[3] for t in p.townships], p.communities, p.community_minimum)
        per_street_v = _largest_remainder([V.VILLAGES.get(t[1], 0) for t in p.townships], p.villages)
        roots = list(V.COMMUNITY_ROOTS)
        rng.shuffle(roots)
        names: list[str] = []
        for d in ("", *V.DIRECTIONS):
            names += [f"{r}{d}" for r in roots]
        name_iter = iter(names)
        townships = zip(p.townships, per_street, per_street_v, strict=True)
        for si, ((name, short, code, _w), n_comm, n_vil) in enumerate(townships):
            st = _Street(si, f"st-{si + 1:02d}", name, short, V.COUNTY_CODE + code)
            self.streets.append(st)
            self._node(_ST, st.id, {"name": name, "code": st.code})
            for ci in range(n_comm + n_vil):
                village = ci >= n_comm
                # division codes: communities 001.., villages 201.. (as the statistical codes number them)
                number = 200 + ci - n_comm + 1 if village else ci + 1
                cname = f"{next(name_iter)}{'村' if village else '社区'}"
                cid = f"c-{si + 1:02d}{ci + 1:02d}"
                co = _Community(len(self.communities), cid, cname, f"{st.code}{number:03d}", st, village=village)
                n_roads = 2 + int(rng.random() * 3)
                co.roads = [
                    f"{rng.choice(V.ROAD_ROOTS)}{rng.choice(('', '', *V.DIRECTIONS[:5]))}{rng.choice(V.ROAD_SUFFIXES)}"
                    for _ in range(n_roads)
                ]
                st.communities.append(co)
                self.communities.append(co)
                kind = CommunityKind.VILLAGE if village else CommunityKind.COMMUNITY
                self._node(_CO, cid, {"name": cname, "code": co.code, "kind": kind.value})
                self._rel("PART_OF", cid, st.id)
        # the communities share their grids as in the article's preset, the villages theirs
        weights = [rng.lognormvariate(0.0, 0.35) for _ in self.communities]
        per_comm = [0] * len(self.communities)
        for village, n_grids in ((False, p.grids - p.village_grids), (True, p.village_grids)):
            which = [i for i, c in enumerate(self.communities) if c.village is village]
            for i, n in zip(which, _largest_remainder([weights[i] for i in which], n_grids, p.min_grids), strict=True):
                per_comm[i] = n
        n_grids = sum(per_comm)
        small = set(rng.sample(range(n_grids), _pick_count(p.small_grids, n_grids)))
        large_pool = [i for i in range(n_grids) if i not in small]
        large = set(rng.sample(large_pool, _pick_count(p.large_grids, n_grids)))
        t = p.target_households
        all_kinds = [k.value for k in GridKind]
        gi = 0
        for co, n in zip(self.communities, per_comm, strict=True):
            for k in range(n):
                if gi in small:
                    size = round(t * rng.uniform(0.33, 0.55))
                elif gi in large:
                    size = round(t * rng.uniform(1.5, 1.8))
                else:
                    size = round(t * min(1.3, max(0.68, rng.gauss(p.size_factor, 0.11))))
                code = f"{co.id[2:]}-{k + 1:02d}"
                grid = _Grid(f"g-{code}", code, k + 1, co, max(1, size))
                co.grids.append(grid)
                self.grids.append(grid)
                if rng.random() < 0.85:
                    kinds = all_kinds
                else:
                    chosen = set(rng.sample(all_kinds, 3 + int(rng.random() * 2)))
                    kinds = [k2 for k2 in all_kinds if k2 in chosen]
                self._node(
                    _GR, grid.id, {"name": f"{co.name}第{k + 1}网格", "kinds": list(kinds), "target_households": t}
                )
                self._rel("PART_OF", grid.id, co.id)
                gi += 1

    # ---- buildings, households, party members

    def _housing(self) -> None:
        rng = self._rng("housing")
        rand = rng.random
        # household size 1..6, mean 2.56
        size_table = [1] * 25 + [2] * 30 + [3] * 22 + [4] * 13 + [5] * 7 + [6] * 3
        surnames = [s for s, w in V.SURNAMES for _ in range(w)]
        n_sur = len(surnames)
        male_given, female_given = V.GIVEN_MALE, V.GIVEN_FEMALE
        n_mg, n_fg = len(male_given), len(female_given)
        origins = V.ORIGIN_REGIONS
        county = V.COUNTY_CODE
        tiny = self.p.target_households < 100
        bkind_b, bkind_c = BuildingKind.BUILDING.value, BuildingKind.COURTYARD.value
        # (floors, units, flats per floor) of apartment blocks
        block_types = ((6, 2, 2), (6, 3, 2), (5, 2, 2), (7, 2, 2), (11, 2, 2), (18, 2, 2), (26, 1, 4))
        small_blocks = ((4, 1, 2), (5, 1, 2), (6, 1, 2), (3, 2, 2))
        hh_nodes, b_nodes, part_of = self.nodes[_HH], self.nodes[_BU], self.rels["PART_OF"]
        m_id, m_props, m_building, m_household = self.m_id, self.m_props, self.m_building, self.m_household
        base, number = "", 0
        blocks: tuple[tuple[int, int, int], ...] = block_types
        phone, rid = self.codes.phone, self.codes.rid
        member_cdf = {size: _binomial_cdf(size, _MEMBER_RATE) for size in range(1, 7)}

        def person_name(male: bool, surname: str | None = None) -> str:
            s = surname or surnames[int(rand() * n_sur)]
            if male:
                g = male_given[int(rand() * n_mg)]
                if rand() < 0.75:
                    g += male_given[int(rand() * n_mg)]
            else:
                g = female_given[int(rand() * n_fg)]
                if rand() < 0.75:
                    g += female_given[int(rand() * n_fg)]
            return s + g

        total = len(self.communities)
        for ci, co in enumerate(self.communities):
            self._tick("households", ci, total)
            street = co.street.name
            # village houses are courtyards (院落) mostly; urban communities are mostly blocks
            courtyard_share = rng.choice(
                (0.55, 0.65, 0.7, 0.75, 0.8, 0.9) if co.village else (0.0, 0.05, 0.1, 0.2, 0.35, 0.5)
            )
            for grid in co.grids:
                left = grid.size
                b_index = 0
                while left > 0:
                    courtyard = rand() < courtyard_share
                    if courtyard:
                        est_name = rng.choice(V.LANES)
                        estate = _Estate(est_name, bkind_c, grid)
                        n_b = 3 + int(rand() * 8)
                        # house numbers run on along a lane, even if it crosses grids
                        number = co.street.lane_numbers.get(est_name, 0) or 1 + 2 * int(rand() * 10)
                    else:
                        est_name = self._estate_name(co, f"{rng.choice(V.ESTATE_ROOTS)}{rng.choice(V.ESTATE_SUFFIXES)}")
                        estate = _Estate(est_name, bkind_b, grid)
                        n_b = 2 + int(rand() * 7)
                        road = rng.choice(co.roads)
                        base = f"江阴市{street}{road}{1 + int(rand() * 300)}号{est_name}"
                        blocks = small_blocks if tiny else block_types
                    self.estates.append(estate)
                    for k in range(n_b):
                        if left <= 0:
                            break
                        b_index += 1
                        bid = f"b-{grid.code}-{b_index:02d}"
                        if courtyard:
                            cap = 4 + int(rand() * 13)
                            number += 2
                            co.street.lane_numbers[est_name] = number
                            bname = f"{est_name}{number - 2}号院"
                            address = f"江阴市{street}{est_name}{number - 2}号"
                            floors = units = per = 0
                        else:
                            floors, units, per = blocks[int(rand() * len(blocks))]
                            cap = floors * units * per
                            bname = f"{est_name}{k + 1}栋"
                            address = f"{base}{k + 1}栋"
                        n_hh = min(cap, left)
                        left -= n_hh
                        b = _Building(bid, bname, b_index - 1, grid, estate)
                        estate.buildings.append(b)
                        grid.buildings.append(b)
                        b_nodes.append(Node(_BU, bid, {"name": bname, "kind": estate.kind, "address": address}))
                        part_of.append(Relationship("PART_OF", bid, grid.id, {}))
                        hh_list = b.households
                        for h in range(n_hh):
                            hid = f"{bid.replace('b-', 'h-', 1)}-{h + 1:03d}"
                            if courtyard:
                                hname = f"{est_name}{number - 2}-{h + 1}号"
                                haddr = f"江阴市{street}{hname}"
                            else:
                                flats = floors * per
                                unit, j = divmod(h, flats)
                                floor, flat = divmod(j, per)
                                hname = f"{bname}{unit + 1}单元{floor + 1}{flat + 1:02d}室"
                                haddr = f"{address}{unit + 1}单元{floor + 1}{flat + 1:02d}室"
                            size = size_table[int(rand() * 100)]
                            floating = rand() < 0.12
                            region = origins[int(rand() * len(origins))] if floating else county
                            # party members living here: binomial(size, 6.6%), each (female, birth year)
                            r = rand()
                            n_m = 0
                            for c in member_cdf[size]:
                                if r < c:
                                    break
                                n_m += 1
                            people: list[tuple[bool, int]] = []
                            for _ in range(n_m):
                                female = rand() < _FEMALE_SHARE
                                r = rand()
                                if r < 0.235:
                                    people.append((female, _REF_YEAR - 18 - int(rand() * 18)))
                                elif r < 0.675:
                                    people.append((female, _REF_YEAR - 36 - int(rand() * 25)))
                                else:
                                    people.append((female, _REF_YEAR - 61 - int(rand() ** 1.6 * 32)))
                            # a member living alone, and some others, head the household themselves
                            head_member = n_m > 0 and (size == 1 or rand() < 0.35)
                            tags: list[str] = [_F] if floating else []
                            if head_member:
                                male, year = not people[0][0], people[0][1]
                                if size == 1 and year <= _REF_YEAR - 65 and not floating:
                                    tags.append(_EA)
                            elif floating:
                                year = 1966 + int(rand() * 38)
                                male = rand() < 0.7
                            elif size == 1 and rand() < 0.25:
                                year = 1931 + int(rand() * 31)
                                tags.append(_EA)
                                male = rand() < 0.4
                            else:
                                year = (1962 + int(rand() * 42)) if size == 1 else (1945 + int(rand() * 56))
                                male = rand() < 0.7
                            if rand() < 0.012:
                                tags.append(_KG)
                            if rand() < (0.06 if _EA in tags else 0.02):
                                tags.append(_LI)
                            if rand() < 0.03:
                                tags.append(_DI)
                            head_surname = surnames[int(rand() * n_sur)]
                            head_name = person_name(male, head_surname)
                            head_phone = phone()
                            head_rid = rid(region, year, male)
                            hh_nodes.append(
                                Node(
                                    _HH,
                                    hid,
                                    {
                                        "name": hname,
                                        "address": haddr,
                                        "size": size,
                                        "tags": tags,
                                        "head_name": head_name,
                                        "phone": head_phone,
                                        "head_id_number": head_rid,
                                    },
                                )
                            )
                            part_of.append(Relationship("PART_OF", hid, bid, {}))
                            hh_list.append(hid)
                            for mk, (female, byear) in enumerate(people):
                                age = _REF_YEAR - byear
                                if floating:
                                    kind = _FLOATING if rand() < 0.7 else _IN_SERVICE
                                elif age >= 61:
                                    kind = _RETIRED if rand() < 0.85 else _RESIDENT
                                elif age <= 22:
                                    kind = _RESIDENT
                                else:
                                    kind = _IN_SERVICE if rand() < 0.6 else _RESIDENT
                                if mk == 0 and head_member:
                                    name, mphone, mrid = head_name, head_phone, head_rid
                                else:
                                    same = mk == 0 and rand() < 0.6
                                    name = person_name(not female, head_surname if same else None)
                                    mphone, mrid = phone(), rid(region if floating else county, byear, not female)
                                m_id.append(f"pm-{hid[2:]}-{mk + 1}")
                                m_props.append(
                                    {
                                        "name": name,
                                        "kind": kind,
                                        "vanguard": False,
                                        "gender": "F" if female else "M",
                                        "birth_year": byear,
                                        "phone": mphone,
                                        "id_number": mrid,
                                    }
                                )
                                b.members.append(len(m_building))
                                m_building.append(b)
                                m_household.append(hid)
                    grid.households = grid.size - left
        self._tick("households", total, total)

    def _estate_name(self, co: _Community, name: str) -> str:
        n = co.estate_names.get(name, 0)
        co.estate_names[name] = n + 1
        if n == 0:
            return name
        return f"{name}{'东西南北中'[n - 1]}区" if n <= 5 else f"{name}{n + 1}区"

    # ---- party organization tree

    def _organizations(self) -> None:
        rng = self._rng("organizations")
        p = self.p
        self._tick("organizations", 0, 1)
        for st in self.streets:
            st.org = f"po-{st.id[3:]}"
            kind = "工作委员会" if st.name.endswith(("街道", "开发区")) else "委员会"
            prefix = "中共" if st.name.startswith("江阴") else "中共江阴市"
            self._org(st.org, f"{prefix}{st.name}{kind}", OrgLevel.STREET_COMMITTEE, False)
            self._rel("GOVERNS", st.org, st.id)
        for co in self.communities:
            co.org = f"po-{co.id[2:]}"
            self._org(co.org, f"中共{co.name}委员会", OrgLevel.COMMUNITY_COMMITTEE, False)
            self._rel("GOVERNS", co.org, co.id)
            self._rel("REPORTS_TO", co.org, co.street.org)
        branchless = set(rng.sample(range(len(self.grids)), _pick_count(p.branchless_grids, len(self.grids))))
        grid_group_only = set(sorted(branchless)[::2])
        buildings = [b for g in self.grids for b in g.buildings]
        groupless = set(rng.sample(range(len(buildings)), _pick_count(p.groupless_buildings, len(buildings))))
        for gi, grid in enumerate(self.grids):
            co = grid.community
            if gi not in branchless:
                grid.org, grid.branch = f"po-{grid.code}", True
                self._org(grid.org, f"{co.name}第{grid.number}网格党支部", OrgLevel.GRID_BRANCH, True)
            elif gi in grid_group_only:
                grid.org = f"po-{grid.code}"
                self._org(grid.org, f"{co.name}第{grid.number}网格党小组", OrgLevel.GRID_GROUP, False)
            if grid.org is not None:
                self._rel("GOVERNS", grid.org, grid.id)
                self._rel("REPORTS_TO", grid.org, co.org)
        bi = 0
        for grid in self.grids:
            for b in grid.buildings:
                # a grid run by a single party group has no building groups under it
                if bi not in groupless and (grid.org is None or grid.branch):
                    b.group = f"po-{b.id[2:]}"
                    self._org(b.group, f"{b.name}党小组", OrgLevel.BUILDING_GROUP, False)
                    self._rel("GOVERNS", b.group, b.id)
                    self._rel("REPORTS_TO", b.group, grid.org if grid.branch and grid.org else grid.community.org)
                bi += 1
        self._tick("organizations", 1, 1)

    # ---- alliance member units, property management, unit branches

    def _units(self) -> None:
        rng = self._rng("units")
        p = self.p
        self._tick("units", 0, 1)
        st_weights = [float(len(st.communities)) for st in self.streets]
        used_names: set[str] = set()
        counter = 0

        def unique(*parts: Sequence[str]) -> str:
            """A new unit name: one choice from each part, concatenated."""
            for _ in range(200):
                name = "".join(rng.choice(part) for part in parts)
                if name not in used_names:
                    used_names.add(name)
                    return name
            n = 2
            while f"{name}（{n}）" in used_names:
                n += 1
            used_names.add(f"{name}（{n}）")
            return f"{name}（{n}）"

        def credit_code(category: str, enterprise: bool) -> str:
            while True:
                if enterprise:
                    body = "MA" + "".join(rng.choice(_ORG_CODE_CHARS) for _ in range(6))
                else:
                    body = "".join(rng.choice("0123456789") for _ in range(8))
                first17 = f"{category}{V.COUNTY_CODE}{body}{_org_code_check(body)}"
                code = first17 + credit_code_check_char(first17)
                if code not in self.credit_codes:
                    self.credit_codes.add(code)
                    return code

        def add(kind: UnitKind, name: str, street: _Street, category: str, resources: Sequence[str]) -> _Unit:
            nonlocal counter
            counter += 1
            co = rng.choice(street.communities)
            res = sorted(set(resources), key=_RESOURCE_ORDER.__getitem__)
            unit = _Unit(f"u-{counter:04d}", name, kind, street, co, credit_code(category, category == "91"), res)
            self.units.append(unit)
            return unit

        def some(pool: Sequence[str], k_max: int) -> list[str]:
            return rng.sample(list(pool), int(rng.random() * (k_max + 1)))

        for kind in UnitKind:
            n = p.units.get(kind, 0)
            if kind is _U.GOVERNMENT_UNIT:
                per_street = _largest_remainder([1.0] * len(self.streets), n)
                for st, k in zip(self.streets, per_street, strict=True):
                    for ti in rng.sample(range(len(V.GOVERNMENT_UNITS)), min(k, len(V.GOVERNMENT_UNITS))):
                        template, cat = V.GOVERNMENT_UNITS[ti]
                        name = unique((template.format(street=st.name, short=st.short),))
                        add(kind, name, st, cat, _GOVERNMENT_RESOURCES[ti])
                continue
            for _ in range(n):
                st = rng.choices(self.streets, weights=st_weights)[0]
                if kind is _U.ENTERPRISE:
                    name = unique(("江阴市",), V.ENTERPRISE_CHARS, V.ENTERPRISE_CHARS, V.INDUSTRIES, ("有限公司",))
                    add(kind, name, st, "91", ["FUNDING", *some(("EMPLOYMENT", "VOLUNTEERS", "VENUE"), 2)])
                elif kind is _U.FINANCIAL_INSTITUTION:
                    name = unique(V.BANKS, (f"江阴{st.short}支行",))
                    add(kind, name, st, "91", ["FUNDING", *some(("EDUCATION", "VOLUNTEERS", "LEGAL_AID"), 1)])
                elif kind is _U.CHAMBER_OR_ASSOCIATION:
                    r = rng.random()
                    if r < 0.4:
                        name = unique((f"江阴市{st.short}商会",))
                    elif r < 0.75:
                        name = unique(("江阴市",), V.INDUSTRIES, ("行业协会",))
                    else:
                        name = unique(V.ASSOCIATIONS)
                    add(kind, name, st, "51", ["FUNDING", *some(("EMPLOYMENT", "VENUE", "VOLUNTEERS"), 2)])
                elif kind is _U.SOCIAL_ORGANIZATION:
                    if rng.random() < 0.4:
                        st = self.streets[0]  # the 澄江公益坊 incubator
                    service = rng.choice(list(_SOCIAL_RESOURCES))
                    name = unique(("江阴市",), V.SOCIAL_ROOTS, (service,), V.SOCIAL_TYPES)
                    add(kind, name, st, "52", [*_SOCIAL_RESOURCES[service], *some(("VOLUNTEERS",), 1)])
                else:  # property company
                    name = unique(V.PROPERTY_PREFIXES, V.ENTERPRISE_CHARS, V.ENTERPRISE_CHARS, V.PROPERTY_SUFFIXES)
                    add(kind, name, st, "91", ["PROPERTY_SERVICE", *some(("VENUE", "VOLUNTEERS"), 1)])
        self._manage_estates(rng)
        # unit branches
        member_pool: dict[int, list[int]] = {}
        for mi, props in enumerate(self.m_props):
            if props["kind"] == _IN_SERVICE:
                member_pool.setdefault(self.m_building[mi].grid.community.index, []).append(mi)
        self.m_unit = [-1] * len(self.m_id)
        lo, hi = p.unit_branch_members
        for kind in UnitKind:
            of_kind = [ui for ui, u in enumerate(self.units) if u.kind is kind]
            for ui in rng.sample(of_kind, min(len(of_kind), p.branches.get(kind, 0))):
                u = self.units[ui]
                u.branch = f"po-{u.id}"
                pool = member_pool.get(u.community.index, [])
                free = [mi for mi in pool if self.m_unit[mi] < 0]
                for mi in rng.sample(free, min(len(free), rng.randint(lo, hi))):
                    self.m_unit[mi] = ui
                    u.members.append(mi)
        for u in self.units:
            self._node(
                _AM,
                u.id,
                {"name": u.name, "kind": u.kind.value, "credit_code": u.credit_code, "resources": u.resources},
            )
        for u in self.units:
            if u.branch is not None:
                self._org(u.branch, f"{u.name}党支部", OrgLevel.UNIT_BRANCH, True)
                self._rel("BRANCH_OF", u.branch, u.id)
                self._rel("REPORTS_TO", u.branch, u.community.org)
        self._tick("units", 1, 1)

    def _manage_estates(self, rng: random.Random) -> None:
        companies = [i for i, u in enumerate(self.units) if u.kind is _U.PROPERTY_COMPANY]
        if not companies:
            return
        estates = [e for e in self.estates if e.kind == BuildingKind.BUILDING.value]
        # home streets of companies follow where the estates are
        per_street = [0.0] * len(self.streets)
        for e in estates:
            per_street[e.grid.community.street.index] += 1
        for ui in companies:
            u = self.units[ui]
            u.street = rng.choices(self.streets, weights=per_street)[0]
            u.community = rng.choice(u.street.communities)
        by_street: dict[int, list[int]] = {}
        for ui in companies:
            by_street.setdefault(self.units[ui].street.index, []).append(ui)
        for e in estates:
            if rng.random() < 0.2:
                continue  # an old estate without a property company
            si = e.grid.community.street.index
            near = min(by_street, key=lambda s: (abs(s - si), s))
            e.manager = rng.choice(by_street[near])
        for ui in companies:
            self.units[ui].estates = []
        for e in estates:
            if e.manager >= 0:
                self.units[e.manager].estates.append(e)
        for ui in companies:
            u = self.units[ui]
            if u.estates:
                continue
            free = [e for e in estates if e.manager < 0]
            if not free:
                donor = max(companies, key=lambda c: (len(self.units[c].estates), -c))
                if len(self.units[donor].estates) < 2:
                    continue
                free = [self.units[donor].estates.pop()]
            si = u.street.index
            e = min(free, key=lambda x: abs(x.grid.community.street.index - si))
            e.manager = ui
            u.estates.append(e)
        for ui in companies:
            u = self.units[ui]
            if u.estates:
                u.community = u.estates[0].grid.community
                u.street = u.community.street
            for e in u.estates:
                for b in e.buildings:
                    self._rel("MANAGES", u.id, b.id)

    # ---- MEMBER_OF, SITS_ON, REPORTED_TO

    def _membership(self) -> None:
        rng = self._rng("membership")
        self._tick("membership", 0, 1)
        # in-service members belong to their workplace's branch, never to their building's group
        external, unregistered = workplace_branches(self)
        if unregistered >= 0:
            self.planted["unregistered_unit"] = self.units[unregistered].id
        for mi, mid in enumerate(self.m_id):
            ui = self.m_unit[mi]
            b = self.m_building[mi]
            if ui >= 0:
                org = self.units[ui].branch
            elif mi in external:
                org = external[mi]
            elif b.group is not None:
                org = b.group
            elif b.grid.org is not None:
                org = b.grid.org
            else:
                org = b.grid.community.org
            assert org is not None
            self._rel("MEMBER_OF", mid, org)
            self._rel("LIVES_IN", mid, self.m_household[mi])
            if self.m_props[mi]["kind"] != _IN_SERVICE:
                continue
            registered = rng.random() < REGISTERED_RATE
            if ui >= 0 and ui == unregistered:
                registered = self.units[ui].members[0] == mi  # the planted unit: only its first member
            if registered:
                since = _iso(rng.randint(_ORD_2019, _ORD_REF - 30))
                self._rel("REPORTED_TO", mid, b.grid.community.id, {"since": since})
        # part-time committee members (兼职委员) of the big party committees
        seats: dict[str, list[int]] = {}
        for u in self.units:
            if u.branch is None or not u.members:
                continue
            secretary = u.members[0]
            if u.kind is _U.PROPERTY_COMPANY:
                for co in dict.fromkeys(e.grid.community for e in u.estates):
                    seats.setdefault(co.org, []).append(secretary)
            elif rng.random() < 0.5:
                seats.setdefault(u.community.org, []).append(secretary)
            if u.kind in (_U.ENTERPRISE, _U.FINANCIAL_INSTITUTION) and rng.random() < 0.3:
                seats.setdefault(u.street.org, []).append(secretary)
        for co in self.communities:
            residents = [
                mi
                for g in co.grids
                for b in g.buildings
                for mi in b.members
                if self.m_props[mi]["kind"] in (_RETIRED, _RESIDENT) and self.m_unit[mi] < 0
            ]
            for mi in rng.sample(residents, min(len(residents), int(rng.random() * 3))):
                seats.setdefault(co.org, []).append(mi)
        order = [st.org for st in self.streets] + [co.org for co in self.communities]
        for org in order:
            for mi in list(dict.fromkeys(seats.get(org, [])))[:8]:
                self._rel("SITS_ON", self.m_id[mi], org)
        self._tick("membership", 1, 1)

    # ---- vanguards, stations, links, visits

    def _vanguards(self) -> None:
        rng = self._rng("vanguards")
        p = self.p
        self._tick("vanguards", 0, 3)
        grids = self.grids
        eligible: list[list[int]] = []
        for g in grids:
            eligible.append([mi for b in g.buildings for mi in b.members if self.m_unit[mi] < 0])
        total_hh = sum(g.households for g in grids) or 1
        quota = _largest_remainder([g.households / total_hh for g in grids], p.vanguards)
        cap = [max(0, len(e) // 3) if len(e) >= 3 else min(len(e), 1) for e in eligible]
        quota = [min(q, c) for q, c in zip(quota, cap, strict=True)]
        short = p.vanguards - sum(quota)
        by_size = sorted(range(len(grids)), key=lambda i: (-grids[i].households, i))
        while short > 0:
            moved = False
            for gi in by_size:
                if short == 0:
                    break
                if quota[gi] < len(eligible[gi]) // 2:
                    quota[gi] += 1
                    short -= 1
                    moved = True
            if not moved:
                break
        pref = {_RETIRED: 0, _RESIDENT: 0, _IN_SERVICE: 1, _FLOATING: 2}
        # choose vanguards, one per building first
        vg: list[int] = []
        vg_grid: list[int] = []
        for gi in range(len(grids)):
            q = quota[gi]
            if q == 0:
                continue
            cands = sorted(
                eligible[gi],
                key=lambda mi: (
                    pref[self.m_props[mi]["kind"]],
                    0 if 30 <= _REF_YEAR - self.m_props[mi]["birth_year"] <= 75 else 1,
                    rng.random(),
                ),
            )
            chosen: list[int] = []
            seen_b: set[int] = set()
            for mi in cands:
                if len(chosen) == q:
                    break
                bidx = self.m_building[mi].index
                if bidx not in seen_b:
                    seen_b.add(bidx)
                    chosen.append(mi)
            for mi in cands:
                if len(chosen) == q:
                    break
                if mi not in chosen:
                    chosen.append(mi)
            chosen.sort(key=lambda mi: (self.m_building[mi].index, mi))
            for mi in chosen:
                vg.append(mi)
                vg_grid.append(gi)
        n_v = len(vg)
        # per-vanguard targets
        idle = set(rng.sample(range(n_v), _pick_count(p.idle_vanguards, n_v)))
        active = [v for v in range(n_v) if v not in idle]
        big = sorted(active, key=lambda v: (-grids[vg_grid[v]].households, v))
        big = big[: max(_pick_count(p.overloaded_vanguards, n_v), len(big) * 3 // 10)]
        over = set(rng.sample(big, min(len(big), _pick_count(p.overloaded_vanguards, n_v))))
        th = [0] * n_v
        tm = [0] * n_v
        for v in sorted(over):
            th[v] = rng.randint(_OVERLOAD_MIN, _OVERLOAD_MIN + 10)
            tm[v] = rng.randint(9, 14)
        normal = [v for v in active if v not in over]
        if normal:
            mu_h = (p.linked_households - sum(th)) / len(normal)
            mu_m = (p.linked_members - sum(tm)) / len(normal)
            for v in normal:
                th[v] = min(_NORMAL_MAX_HH, max(3, round(rng.gauss(mu_h, 3.0))))
                tm[v] = min(_NORMAL_MAX_MEMBERS, max(1, round(rng.gauss(mu_m, 2.0))))
        # respect what each grid has, then steer the totals to the preset's figures
        vg_households = {self.m_household[mi] for mi in vg}
        avail_h = [g.households for g in grids]
        avail_m = [len(e) for e in eligible]
        for gi in vg_grid:
            avail_m[gi] -= 1
        for gi, g in enumerate(grids):
            avail_h[gi] -= sum(1 for b in g.buildings for h in b.households if h in vg_households)
        by_grid: dict[int, list[int]] = {}
        for v, gi in enumerate(vg_grid):
            by_grid.setdefault(gi, []).append(v)
        for targets, avail, lo, hi, goal in (
            (th, avail_h, 3, _NORMAL_MAX_HH, p.linked_households),
            (tm, avail_m, 1, _NORMAL_MAX_MEMBERS, p.linked_members),
        ):
            spare = [0] * len(grids)
            for gi, vs in by_grid.items():
                excess = sum(targets[v] for v in vs) - avail[gi]
                while excess > 0:
                    v = max(vs, key=lambda x: (targets[x] if x not in over else targets[x] - 20, -x))
                    if targets[v] == 0:
                        break
                    targets[v] -= 1
                    excess -= 1
                spare[gi] = avail[gi] - sum(targets[v] for v in vs)
            gap = goal - sum(targets)
            order = list(normal)
            rng.shuffle(order)
            while gap != 0:
                moved = False
                for v in order:
                    gi = vg_grid[v]
                    if gap > 0 and targets[v] < hi and spare[gi] > 0:
                        targets[v] += 1
                        spare[gi] -= 1
                        gap -= 1
                        moved = True
                    elif gap < 0 and targets[v] > lo:
                        targets[v] -= 1
                        spare[gi] += 1
                        gap += 1
                        moved = True
                    if gap == 0:
                        break
                if not moved:
                    break
        self._tick("vanguards", 1, 3)
        self._stations(vg)
        for mi, props in enumerate(self.m_props):
            self._node(_PM, self.m_id[mi], props)
        # links, nearest buildings first; normal vanguards choose before overloaded ones
        links_m: list[tuple[int, list[int]]] = []
        links_h: list[tuple[int, list[str]]] = []
        for gi, vs in sorted(by_grid.items()):
            g = grids[gi]
            taken_h: set[str] = set(h for b in g.buildings for h in b.households if h in vg_households)
            taken_m: set[int] = {vg[v] for v in vs}
            for v in sorted(vs, key=lambda x: (x in over, x)):
                vb = self.m_building[vg[v]].index
                near = sorted(range(len(g.buildings)), key=lambda j: (abs(j - vb), j))
                hs: list[str] = []
                ms: list[int] = []
                for j in near:
                    b = g.buildings[j]
                    if len(hs) < th[v]:
                        for h in b.households:
                            if h not in taken_h:
                                taken_h.add(h)
                                hs.append(h)
                                if len(hs) == th[v]:
                                    break
                    if len(ms) < tm[v]:
                        for mi in b.members:
                            if mi not in taken_m and self.m_unit[mi] < 0:
                                taken_m.add(mi)
                                ms.append(mi)
                                if len(ms) == tm[v]:
                                    break
                    if len(hs) >= th[v] and len(ms) >= tm[v]:
                        break
                links_m.append((v, ms))
                links_h.append((v, hs))
        links_m.sort(key=lambda x: x[0])
        links_h.sort(key=lambda x: x[0])
        self._tick("vanguards", 2, 3)
        # a vanguard's links date from their appointment (2022-2025) or a few months later
        for (v, ms), (_, hs) in zip(links_m, links_h, strict=True):
            vid = self.m_id[vg[v]]
            appointed = rng.randint(_ORD_2022, _ORD_2025_END)
            for end in [self.m_id[mi] for mi in ms] + hs:
                since = _iso(min(_ORD_LINK_END, appointed + int(rng.random() * 200)))
                self._rel("LINKS", vid, end, {"since": since})
        self._visits(rng, vg, links_h, len(active))
        self.vanguards = list(vg)
        for v, hs in links_h:
            for h in hs:
                self.hh_vanguard.setdefault(h, vg[v])
        self._tick("vanguards", 3, 3)

    def _stations(self, vg: list[int]) -> None:
        """Vanguard stations set by the party groups (根据社区党小组划分情况): one per party group with vanguards.

        The vanguards living in a building group's building run its one station there
        (ATTACHED_TO the group); those of a grid run by a grid-level party group share the
        group's station, in the first one's building.  A vanguard in a building without a group
        (in a grid with a branch) runs a station of that building attached to no group: a gap
        the structure analysis lists.
        """
        stations: dict[str, str] = {}
        for mi in vg:
            self.m_props[mi]["vanguard"] = True
            b = self.m_building[mi]
            grid = b.grid
            group: str | None = b.group
            if group is not None:
                key, sid, name = group, f"vs-{b.id[2:]}", f"{b.name}先锋驿站"
            elif grid.org is not None and not grid.branch:
                group = grid.org
                key, sid, name = group, f"vs-{grid.code}", f"{grid.community.name}第{grid.number}网格先锋驿站"
            else:
                key, sid, name = b.id, f"vs-{b.id[2:]}", f"{b.name}先锋驿站"
            if key not in stations:
                stations[key] = sid
                self._node(_VS, sid, {"name": name})
                self._rel("LOCATED_IN", sid, b.id)
                if group is not None:
                    self._rel("ATTACHED_TO", sid, group)
            self._rel("RUNS", self.m_id[mi], stations[key])

    def _visits(self, rng: random.Random, vg: list[int], links_h: list[tuple[int, list[str]]], n_active: int) -> None:
        """Monthly visits (月联月访) of linked households over the months up to REFERENCE_DATE."""
        rand = rng.random
        months: list[list[str]] = []
        y, m = REFERENCE_DATE.year, REFERENCE_DATE.month
        for _ in range(VISIT_MONTHS):
            last = REFERENCE_DATE.day if (y, m) == (REFERENCE_DATE.year, REFERENCE_DATE.month) else _days_in_month(y, m)
            months.insert(0, [dt.date(y, m, d).isoformat() for d in range(1, last + 1)])
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        cutoff = (REFERENCE_DATE - dt.timedelta(days=32)).isoformat()
        lapsed_months = [[d for d in days if d <= cutoff] for days in months]
        with_links = [v for v, hs in links_h if hs]
        lapsed = set(rng.sample(with_links, min(len(with_links), _pick_count(self.p.lapsed_vanguards, n_active))))
        hh_tags = self._household_tags({h for _, hs in links_h for h in hs})
        visited = self.rels["VISITED"]
        for v, hs in links_h:
            if not hs:
                continue
            vid = self.m_id[vg[v]]
            plan = lapsed_months if v in lapsed else months
            for h in hs:
                frequent = bool(hh_tags.get(h))
                for days in plan:
                    if not days or rand() >= 0.94:
                        continue
                    i = int(rand() * len(days))
                    dates = [days[i]]
                    if frequent and rand() < 0.5 and len(days) > 1:
                        j = int(rand() * (len(days) - 1))
                        dates.append(days[j if j < i else j + 1])
                        dates.sort()
                    for d in dates:
                        visited.append(Relationship("VISITED", vid, h, {"on": d}))

    def _household_tags(self, wanted: set[str]) -> dict[str, bool]:
        """Whether each wanted household is ELDERLY_ALONE or KEY_GROUP (visited twice a month)."""
        out: dict[str, bool] = {}
        for n in self.nodes[_HH]:
            if n.id in wanted:
                tags = n.properties["tags"]
                out[n.id] = _EA in tags or _KG in tags
        return out

    # ---- alliances

    def _alliances(self) -> None:
        rng = self._rng("alliances")
        p = self.p
        self._tick("alliances", 0, 1)
        bag: list[str] = []

        def next_theme() -> str:
            # draws from a shuffled bag (weights as multiplicities): varied yet weighted
            if not bag:
                bag.extend(t for t, w in V.ALLIANCE_THEMES for _ in range(max(1, round(w / 5))))
                rng.shuffle(bag)
            return bag.pop()

        counters: dict[str, int] = {}

        def new(area_id: str, area_name: str, theme: str, led_by: str, street: _Street) -> _Alliance:
            k = counters.get(area_id, 0) + 1
            counters[area_id] = k
            code = area_id.split("-", 1)[1]
            a = _Alliance(f"al-{code}-{k}", f"{area_name}{theme}党建联盟", theme, led_by, street)
            self.alliances.append(a)
            return a

        def serve(a: _Alliance, co: _Community) -> None:
            if co.id not in a.serves:
                a.serves.append(co.id)
                a.communities.append(co)

        # 公益同心: the first street's public-welfare alliance (澄江公益坊)
        first = self.streets[0]
        a = new(first.id, first.name, "公益同心", first.org, first)
        for co in rng.sample(first.communities, min(len(first.communities), max(2, len(first.communities) // 3))):
            serve(a, co)
        # street-level integrated co-building alliances
        n_sa = _pick_count(p.street_alliances, len(self.streets))
        sa_streets = sorted(rng.sample(range(len(self.streets)), n_sa))
        serving_street = set(rng.sample(sa_streets, _pick_count(0.5, len(sa_streets))))
        street_alliance: dict[int, _Alliance] = {}
        for si in sa_streets:
            st = self.streets[si]
            a = new(st.id, st.name, "融联共建", st.org, st)
            street_alliance[si] = a
            if si in serving_street:
                a.serves.append(st.id)
            k = min(len(st.communities), 2 + int(rng.random() * 3))
            for co in rng.sample(st.communities, k):
                serve(a, co)
        # community-led alliances
        n_ca = _pick_count(p.community_alliances, len(self.communities))
        managed = {e.grid.community.index for e in self.estates if e.manager >= 0}
        red_property = False
        for ci in sorted(rng.sample(range(len(self.communities)), n_ca)):
            co = self.communities[ci]
            # 先锋驿站+红色物业: the first community with managed estates leads a red-property alliance
            if not red_property and ci in managed:
                theme, red_property = "红色物业", True
            else:
                theme = next_theme()
            a = new(co.id, co.name, theme, co.org, co.street)
            serve(a, co)
            others = [c for c in co.street.communities if c is not co]
            if others and rng.random() < 0.25:
                serve(a, rng.choice(others))
        # every community served by at least one alliance (the article's 100%)
        served = {c for a in self.alliances for c in a.serves}
        for co in self.communities:
            if co.id in served:
                continue
            si = co.street.index
            if si in street_alliance:
                serve(street_alliance[si], co)
            else:
                own = [a for a in self.alliances if a.street is co.street and a.led_by != co.street.org]
                if own:
                    serve(rng.choice(own), co)
                else:
                    serve(new(co.id, co.name, "融联共建", co.org, co.street), co)
        # units join alliances around their home community (and the estates they manage)
        serving: dict[str, list[int]] = {}
        for ai, al in enumerate(self.alliances):
            for area in al.serves:
                serving.setdefault(area, []).append(ai)
        led_in_street: dict[int, list[int]] = {}
        for ai, al in enumerate(self.alliances):
            led_in_street.setdefault(al.street.index, []).append(ai)
        joined: list[list[int]] = []
        for u in self.units:
            cands = list(
                dict.fromkeys(
                    serving.get(u.community.id, [])
                    + [ai for e in u.estates for ai in serving.get(e.grid.community.id, [])]
                    + led_in_street.get(u.street.index, [])
                )
            )
            affinity = _THEME_AFFINITY[u.kind]
            weights = [float(affinity.get(self.alliances[ai].theme, 1)) for ai in cands]
            r = rng.random()
            k = min(len(cands), 1 if r < 0.55 else 2 if r < 0.85 else 3)
            mine: list[int] = []
            for _ in range(k):
                ai = rng.choices(cands, weights=weights)[0]
                idx = cands.index(ai)
                del cands[idx], weights[idx]
                mine.append(ai)
            joined.append(sorted(mine))
            for ai in mine:
                self.alliances[ai].members += 1
        for ai, al in enumerate(self.alliances):
            need = 2 - al.members
            if need <= 0:
                continue
            pool = [ui for ui, u in enumerate(self.units) if u.street is al.street and ai not in joined[ui]]
            if len(pool) < need:
                pool += [ui for ui in range(len(self.units)) if ui not in pool and ai not in joined[ui]]
            for ui in rng.sample(pool, min(need, len(pool))):
                joined[ui] = sorted([*joined[ui], ai])
                al.members += 1
        for al in self.alliances:
            self._node(_AL, al.id, {"name": al.name, "theme": al.theme})
            self._rel("LED_BY", al.id, al.led_by)
            for area in al.serves:
                self._rel("SERVES", al.id, area)
        self.unit_alliances = joined
        for ui, u in enumerate(self.units):
            for ai in joined[ui]:
                self._rel("JOINED", u.id, self.alliances[ai].id, {"since": _iso(rng.randint(_ORD_2021, _ORD_REF - 31))})
        self._tick("alliances", 1, 1)


# --------------------------------------------------------------------------- public API


def generate(preset: str, seed: int = 0, *, progress: Progress | None = None) -> City:
    """Generate the synthetic city of a preset.

    Parameters
    ----------
    preset
        One of :data:`PRESETS`: ``"demo"`` (a few hundred nodes), ``"jiangyin"`` (the
        article's 83 communities, ~290,000 households) or ``"jiangyin-city"`` (the whole
        city, ~640,000 households).
    seed
        Seeds every random draw.  The same ``(preset, seed)`` gives exactly the same records
        in the same order, on any machine and in any process; other seeds give other cities.
    progress
        Optional :class:`loaders.progress.Progress`: a stage ``generating households``,
        ``generating organizations``... at a time, advanced a few dozen to a few hundred
        times in all (per community while households are made), and ``done`` at the end.

    Returns
    -------
    City
        Nodes (parents before children), then relationships.  Every record passes
        :func:`graph_schema.validate_batch` against an empty store.

    Raises
    ------
    ValueError
        When ``preset`` is not one of :data:`PRESETS`.

    Examples
    --------
    >>> city = generate("demo", seed=1)
    >>> city.nodes[0].label, city.nodes[0].properties["name"]
    ('Street', '澄江街道')
    """
    spec = _PRESETS.get(preset)
    if spec is None:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    # A million small objects and no garbage cycles worth finding: the cyclic collector would
    # only rescan them again and again (a third of the run time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        city = _Generator(spec, seed, progress).run()
    finally:
        if was_enabled:
            gc.enable()
    city.preset, city.seed = preset, seed
    return city


def city_digest(city: City) -> str:
    """The SHA-256 of a canonical JSON dump of a city's records, in order.

    Two cities have the same digest exactly when they hold the same records in the same
    order; the digest does not depend on the Python process, its hash seed or the platform.

    Parameters
    ----------
    city
        A generated city.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    h = hashlib.sha256()
    dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    for n in city.nodes:
        h.update(dump(["N", n.label, n.id, dict(n.properties)]).encode())
        h.update(b"\n")
    for r in city.relationships:
        h.update(dump(["R", r.type, r.start, r.end, dict(r.properties)]).encode())
        h.update(b"\n")
    return h.hexdigest()
