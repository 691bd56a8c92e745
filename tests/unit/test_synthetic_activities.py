"""The generator's monthly work (loaders.synthetic.activities): calibration to the seed and planted problems."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest

from graph_schema import POINTS_TABLE
from loaders.synthetic import REFERENCE_DATE, City, generate
from loaders.synthetic.activities import REGISTERED_RATE


@pytest.fixture(scope="module")
def demo() -> City:
    return generate("demo")


@pytest.fixture(scope="module")
def jiangyin() -> Iterator[City]:
    yield generate("jiangyin")


def _props(city: City, label: str) -> dict[str, dict[str, object]]:
    return {n.id: n.properties for n in city.nodes if n.label == label}


def _rels(city: City, rtype: str) -> list[tuple[str, str, dict[str, object]]]:
    return [(r.start, r.end, r.properties) for r in city.relationships if r.type == rtype]


def _gongyi(city: City) -> tuple[int, int]:
    """Volunteer activities of the 公益同心 alliance, and the residents (household sizes) they served."""
    alliance = next(n.id for n in city.nodes if n.label == "Alliance" and n.properties["theme"] == "公益同心")
    acts = _props(city, "Activity")
    held = {a for a, by, _ in _rels(city, "HELD_BY") if by == alliance and acts[a]["kind"] == "ALLIANCE_ACTIVITY"}
    sizes = {h: int(str(p.get("size") or 1)) for h, p in _props(city, "Household").items()}
    served = sum(sizes[h] for a, h, _ in _rels(city, "SERVED") if a in held)
    return len(held), served


def _in_service(city: City) -> tuple[set[str], dict[str, str], set[str]]:
    members = _props(city, "PartyMember")
    in_service = {m for m, p in members.items() if p["kind"] == "IN_SERVICE"}
    member_of = {m: o for m, o, _ in _rels(city, "MEMBER_OF")}
    reported = {m for m, _, _ in _rels(city, "REPORTED_TO")}
    return in_service, member_of, reported


def _check_work(city: City) -> None:
    acts = _props(city, "Activity")
    orgs = _props(city, "PartyOrganization")
    members = _props(city, "PartyMember")
    first = dt.date(REFERENCE_DATE.year - 1, REFERENCE_DATE.month % 12 + 1, 1).isoformat()
    assert {p["kind"] for p in acts.values()} == {
        "ROUNDTABLE",
        "MONTHLY_CONTACT",
        "BRANCH_MEETING",
        "VOLUNTEER_SERVICE",
        "ALLIANCE_ACTIVITY",
        "SECRETARY_PROJECT_EVENT",
    }
    assert all(first <= str(p["on"]) <= REFERENCE_DATE.isoformat() for p in acts.values())
    held_by = {a: b for a, b, _ in _rels(city, "HELD_BY")}
    # a monthly contact is held by a vanguard who attends it, in every one of the twelve months
    attended = defaultdict(set)
    for who, a, _ in _rels(city, "ATTENDED"):
        attended[a].add(who)
    contacts = [a for a, p in acts.items() if p["kind"] == "MONTHLY_CONTACT"]
    assert all(members[held_by[a]].get("vanguard") and held_by[a] in attended[a] for a in contacts)
    assert len({str(acts[a]["on"])[:7] for a in contacts}) == 12
    # in-service members: never in a building group; a workplace unit branch or an external one
    in_service, member_of, reported = _in_service(city)
    for m in in_service:
        org = orgs[member_of[m]]
        assert org["level"] == "UNIT_BRANCH", m
    branch_of = {o for o, _, _ in _rels(city, "BRANCH_OF")}
    assert all(o in branch_of or orgs[o].get("external") for o in {member_of[m] for m in in_service})
    assert reported <= in_service
    # points: every party member's attendance earns its kind's points on the day
    earned = {(m, a): p for m, a, p in _rels(city, "EARNED")}
    for a, whos in attended.items():
        for who in whos:
            if who.startswith("pm-"):
                assert earned[(who, a)]["points"] == POINTS_TABLE[str(acts[a]["kind"])]
                assert earned[(who, a)]["on"] == acts[a]["on"]
    # secretary projects: dates in stage order, a score only once reviewed
    for pid, p in _props(city, "SecretaryProject").items():
        dates = [p.get(k) for k in ("proposed_on", "led_on", "started_on", "reviewed_on")]
        reached = [d for d in dates if d is not None]
        assert reached == sorted(reached) and dates[: len(reached)] == reached, pid
        stage = ("PROPOSED", "LED", "IN_PROGRESS", "REVIEWED")[len(reached) - 1]
        assert p["stage"] == stage and ("review_score" in p) == (stage == "REVIEWED"), pid


def _check_planted(city: City) -> None:
    acts = _props(city, "Activity")
    held_by = {a: b for a, b, _ in _rels(city, "HELD_BY")}
    last_two = {(REFERENCE_DATE.replace(day=1) - dt.timedelta(days=1)).isoformat()[:7], REFERENCE_DATE.isoformat()[:7]}
    lapsed = city.planted["lapsed_vanguards"].split(",")
    assert lapsed
    for v in lapsed:
        assert not any(held_by[a] == v and str(p["on"])[:7] in last_two for a, p in acts.items())
        assert not any(m == v and str(p["on"])[:7] in last_two for m, _, p in _rels(city, "VISITED"))
        assert any(m == v for m, _, _ in _rels(city, "LINKS"))
    # the unregistered unit: its branch's in-service members mostly did not report home
    unit = city.planted["unregistered_unit"]
    branch = next(o for o, u, _ in _rels(city, "BRANCH_OF") if u == unit)
    in_service, member_of, reported = _in_service(city)
    staff = [m for m in in_service if member_of[m] == branch]
    assert len(staff) >= 2 and sum(m in reported for m in staff) <= len(staff) / 2
    project = _props(city, "SecretaryProject")[city.planted["stalled_project"]]
    assert project["stage"] == "LED" and "started_on" not in project
    assert (REFERENCE_DATE - dt.date.fromisoformat(str(project["led_on"]))).days >= 150
    assert not any(p == city.planted["stalled_project"] for _, p, _ in _rels(city, "ADVANCES"))


def test_demo_monthly_work(demo: City) -> None:
    _check_work(demo)
    _check_planted(demo)
    held, served = _gongyi(demo)
    assert held == 24 and served >= 1_200  # the demo preset's scaled-down 公益同心


@pytest.mark.slow
def test_jiangyin_monthly_work_matches_the_seed(jiangyin: City) -> None:
    _check_work(jiangyin)
    _check_planted(jiangyin)
    held, served = _gongyi(jiangyin)
    assert held >= 120 and served >= 15_000  # 120多场次, 服务居民群众1.5万余人次
    in_service, _member_of, reported = _in_service(jiangyin)
    assert abs(len(reported) / len(in_service) - REGISTERED_RATE) < 0.02
    vanguards = Counter(p.get("vanguard") for p in _props(jiangyin, "PartyMember").values())
    assert vanguards[True] == 3115
    stages = Counter(p["stage"] for p in _props(jiangyin, "SecretaryProject").values())
    assert set(stages) == {"PROPOSED", "LED", "IN_PROGRESS", "REVIEWED"}
    categories = Counter(p["category"] for p in _props(jiangyin, "SecretaryProject").values())
    assert len(categories) == 10
    # a registered in-service member who serves attends a volunteer activity in their community
    acts = _props(jiangyin, "Activity")
    volunteers = {m for m, a, _ in _rels(jiangyin, "ATTENDED") if acts[a]["kind"] == "VOLUNTEER_SERVICE"}
    assert 0.6 <= len(volunteers & reported) / len(reported) <= 0.85
