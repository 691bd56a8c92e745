"""Workers and guidance stations in the XLSX import: Chinese sheet names, headers and values, and
the template's sheets and drop-downs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from graph_schema import Node, Relationship
from loaders.formats.checking import check
from loaders.formats.xlsxformat import read_xlsx, write_template


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_workers_with_chinese_sheets_headers_and_values(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "工作人员.xlsx",
        {
            "街道": [["编号", "名称"], ["s1", "澄江街道"]],
            "网格": [["编号", "名称"], ["g1", "东门一网格"]],
            "党组织": [["编号", "名称", "层级"], ["o1", "东门一网格党支部", "网格党支部"]],
            "党员": [["编号", "姓名", "类别"], ["m1", "陈静", "居民党员"]],
            "基层党建工作指导站": [["编号", "名称"], ["gs1", "澄江街道基层党建工作指导站"]],
            "工作人员": [
                ["编号", "姓名", "岗位", "专职", "联系电话"],
                ["w1", "陈静", "网格员", "是", 13912345678],
                ["w2", "吴敏", "党建指导员", "否", None],
            ],
            "工作区域": [["起点", "终点", "起始日期"], ["w1", "g1", "2022-05-01"], ["w2", "s1", None]],
            "指导": [["起点", "终点"], ["w2", "o1"]],
            "所属指导站": [["起点", "终点"], ["w2", "gs1"]],
            "党员身份": [["起点", "终点"], ["w1", "m1"]],
            "服务街道": [["起点", "终点"], ["gs1", "s1"]],
        },
    )
    parsed = read_xlsx(path)
    assert asyncio.run(check(parsed, None)).problems == []
    nodes = {n.id: n for n, _, _ in parsed.nodes}
    assert nodes["w1"] == Node(
        "Worker", "w1", {"name": "陈静", "role": "GRID_WORKER", "full_time": True, "phone": "13912345678"}
    )
    assert nodes["w2"].properties == {"name": "吴敏", "role": "INSTRUCTOR", "full_time": False}
    assert nodes["gs1"].label == "GuidanceStation"
    rels = {(r.type, r.start, r.end): r for r, _, _ in parsed.relationships}
    assert rels[("WORKS_IN", "w1", "g1")] == Relationship("WORKS_IN", "w1", "g1", {"since": "2022-05-01"})
    assert set(rels) >= {("GUIDES", "w2", "o1"), ("STATIONED_AT", "w2", "gs1"), ("IS_MEMBER", "w1", "m1")}
    assert ("SERVES_AREA", "gs1", "s1") in rels


def test_an_unknown_role_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    path = _book(tmp_path / "w.xlsx", {"工作人员": [["编号", "姓名", "岗位"], ["w1", "某人", "保安"]]})
    [problem] = asyncio.run(check(read_xlsx(path), None)).problems
    assert str(problem) == (
        "w.xlsx sheet 工作人员 row 2, column 岗位: '保安' is not one of BUILDING_HEAD, GRID_WORKER, INSTRUCTOR, "
        "SOCIAL_WORKER"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_has_worker_sheets_and_the_role_drop_down(tmp_path: Path, lang: str) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx", lang=lang))  # type: ignore[arg-type]
    assert {"Worker", "GuidanceStation", "WORKS_IN", "GUIDES", "STATIONED_AT", "IS_MEMBER", "SERVES_AREA"} <= set(
        wb.sheetnames
    )
    header = [c.value for c in wb["Worker"][1]]
    assert header == (
        ["编号", "姓名", "岗位", "专职", "联系电话"] if lang == "zh" else ["id", "name", "role", "full_time", "phone"]
    )
    choices = (
        '"网格员,楼栋长,党建指导员,社区工作者"'
        if lang == "zh"
        else '"GRID_WORKER,BUILDING_HEAD,INSTRUCTOR,SOCIAL_WORKER"'
    )
    assert any(choices in (dv.formula1 or "") for dv in wb["Worker"].data_validations.dataValidation)
