"""The monthly work in both stores (the ``store`` fixture): secretary projects, the new activity
kinds with what they served and advanced, points (EARNED, one a day), in-service members'
external branches; refused writes name record, field and reason and write nothing; the
projection; the XLSX workbook with Chinese headers and values, its template's drop-downs."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from loaders.formats.exporting import collect
from loaders.formats.importing import import_path
from loaders.formats.xlsxformat import write_template
from loaders.store import Direction, GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


async def _seed(store: GraphStore) -> None:
    await store.upsert(list(CITY.nodes), list(CITY.relationships))


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str, str]]:
    return [(p.record, p.field, p.code) for p in exc.value.problems]


async def test_the_monthly_work_reads_back_whole(store: GraphStore) -> None:
    await _seed(store)
    (project,) = await store.get_nodes(["s2-sp1"])
    assert project is not None and project.label == "SecretaryProject"
    assert dict(project.properties) == {
        "title": "观西停车治理书记项目",
        "category": "PARKING",
        "stage": "IN_PROGRESS",
        "proposed_on": "2026-06-01",
        "led_on": "2026-06-15",
        "started_on": "2026-07-01",
    }
    (leaders,) = await store.neighbours(["s2-sp1"], "LEADS", Direction.IN)
    assert [e.node.id for e in leaders] == ["s2c1g1b2-m"]
    (events,) = await store.neighbours(["s2-sp1"], "ADVANCES", Direction.IN)
    assert [e.node.id for e in events] == ["s2-spe1"]
    (served,) = await store.neighbours(["s2-vs1"], "SERVED", Direction.OUT)
    assert sorted(e.node.id for e in served) == ["s2c1g2b1-h", "s2c1g2b2-h"]
    (held,) = await store.neighbours(["s2c1g1b1-m"], "HELD_BY", Direction.IN)
    assert sorted(e.node.id for e in held) == ["s2-mc1", "s2-mc2"]  # a vanguard's monthly contacts
    (earned,) = await store.neighbours(["s2c1g1b2-m"], "EARNED", Direction.OUT)
    assert sorted(
        (e.node.id, e.relationship.properties["points"], e.relationship.properties["on"]) for e in earned
    ) == [
        ("s2-mc1", 2, "2026-09-08"),
        ("s2-sp1", 20, "2026-06-15"),
        ("s2-spe1", 4, "2026-09-15"),
    ]
    (outside,) = await store.get_nodes(["s2-ext-po"])
    assert outside is not None and outside.properties["external"] is True
    (within,) = await store.neighbours(["s2c1"], "HELD_IN", Direction.IN, labels=["SecretaryProject"])
    assert [e.node.id for e in within] == ["s2-sp1"]


async def test_points_are_one_a_day_per_member_and_source(store: GraphStore) -> None:
    await _seed(store)
    again = Relationship("EARNED", "s2c1g1b2-m", "s2-sp1", {"points": 5, "on": "2026-07-01", "reason": "项目推进"})
    await store.write(WriteBatch(relationships=[again]))
    (earned,) = await store.neighbours(["s2c1g1b2-m"], "EARNED", Direction.OUT, labels=["SecretaryProject"])
    assert sorted(e.relationship.properties["on"] for e in earned) == ["2026-06-15", "2026-07-01"]


async def test_bad_work_records_are_refused_whole(store: GraphStore) -> None:
    await _seed(store)
    project = Node(
        "SecretaryProject",
        "sp9",
        {
            "title": "楼道整治",
            "category": "CLEANUP",
            "stage": "REVIEWED",
            "proposed_on": "2026-05-01",
            "review_score": 101,
        },
    )
    with pytest.raises(ValidationError) as exc:
        await store.write(WriteBatch(nodes=[project], relationships=[Relationship("HELD_IN", "sp9", "s2c2")]))
    assert sorted(_problems(exc)) == [
        ("SecretaryProject sp9", "category", "ENUM"),
        ("SecretaryProject sp9", "review_score", "RANGE"),
    ]
    assert "at most 100" in next(p.message for p in exc.value.problems if p.field == "review_score")
    with pytest.raises(ValidationError) as exc:
        await store.write(
            WriteBatch(
                relationships=[
                    Relationship("EARNED", "s2c2g1b1-m", "s2-vs1", {"on": "2026-09-20"}),
                    Relationship("ADVANCES", "s2-mc1", "s2-sp1"),
                ]
            )
        )
    codes = {(p.field, p.code) for p in exc.value.problems}
    assert ("points", "REQUIRED") in codes
    assert await store.get_nodes(["sp9"]) == [None]
    (advanced,) = await store.neighbours(["s2-mc1"], "ADVANCES", Direction.OUT)
    (earned,) = await store.neighbours(["s2c2g1b1-m"], "EARNED", Direction.OUT)
    assert advanced == [] and earned == []


async def test_the_projection_has_projects_and_points(store: GraphStore) -> None:
    await _seed(store)
    G = await store.project()
    assert G.nodes["s2-sp1"]["label"] == "SecretaryProject" and G.nodes["s2-sp1"]["stage"] == "IN_PROGRESS"
    assert G.edges["s2c1g1b1-m", "s2-mc1", "EARNED|2026-09-08"] == {
        "type": "EARNED",
        "points": 2,
        "on": "2026-09-08",
        "reason": "参加月联",
    }
    assert G.has_edge("s2-spe1", "s2-sp1", "ADVANCES") and G.has_edge("s2-vs1", "s2c1g2b1-h", "SERVED")
    assert G.nodes["s2-ext-po"]["external"] is True


async def test_an_area_export_holds_its_projects(store: GraphStore) -> None:
    await _seed(store)
    data = await collect(store, area="s2c1")
    ids = {n.id for n in data.nodes}
    assert {"s2-sp1", "s2-spe1", "s2-vs1", "s2-mc1", "s2-mc2"} <= ids
    assert Relationship("ADVANCES", "s2-spe1", "s2-sp1", {}) in data.relationships


async def test_an_xlsx_workbook_of_projects_and_points_in_chinese_imports(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_template(tmp_path / "book.xlsx", lang="zh")
    wb = load_workbook(path)
    project_sheet = wb["SecretaryProject"]
    headers = [c.value for c in project_sheet[1]]
    assert headers == [
        "编号",
        "项目名称",
        "类别",
        "阶段",
        "发起日期",
        "领办日期",
        "实施日期",
        "评议日期",
        "居民评议得分",
    ]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in project_sheet.data_validations.dataValidation}
    assert "物业管理" in lists["C2"] and "群众参与" in lists["D2"]  # category and stage drop-downs in Chinese
    kinds = next(dv.formula1 for dv in wb["Activity"].data_validations.dataValidation)
    assert "月联" in kinds and "三会一课" in kinds
    assert [c.value for c in wb["EARNED"][1]] == ["起点", "终点", "积分", "日期", "事由"]
    wb["Community"].append(["c1", "东门社区", "320281001001"])
    wb["PartyOrganization"].append(["o1", "东门社区党委", "社区党委"])
    wb["PartyOrganization"].append(["o2", "无锡某公司党支部", "单位党支部", None, "是"])
    wb["PartyMember"].append(["m1", "张三丰", "在职党员"])
    wb["SecretaryProject"].append(["p1", "东门停车治理", "停车治理", "党员领办", "2026-05-01", "2026-05-20"])
    wb["Activity"].append(["a1", "东门志愿服务", "志愿服务", "2026-06-02"])
    for sheet, row in (
        ("LED_BY", ["p1", "o1"]),
        ("HELD_IN", ["p1", "c1"]),
        ("HELD_IN", ["a1", "c1"]),
        ("HELD_BY", ["a1", "o1"]),
        ("LEADS", ["m1", "p1"]),
        ("MEMBER_OF", ["m1", "o2"]),
        ("ATTENDED", ["m1", "a1"]),
        ("EARNED", ["m1", "p1", 20, "2026-05-20", "领办书记项目"]),
        ("EARNED", ["m1", "a1", 5, "2026-06-02", "参加志愿服务"]),
    ):
        wb[sheet].append(row)
    wb.save(path)
    report = await import_path(store, path)
    assert report.ok, [str(p) for p in report.problems]
    (p1, o2) = await store.get_nodes(["p1", "o2"])
    assert p1 is not None and p1.properties["category"] == "PARKING" and p1.properties["stage"] == "LED"
    assert o2 is not None and o2.properties == {"name": "无锡某公司党支部", "level": "UNIT_BRANCH", "external": True}
    (earned,) = await store.neighbours(["m1"], "EARNED", Direction.OUT)
    assert sorted((e.node.id, e.relationship.properties["points"]) for e in earned) == [("a1", 5), ("p1", 20)]
