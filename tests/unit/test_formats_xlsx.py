"""The XLSX import: Chinese and English headers, sheet names, cell types, and the template."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from graph_schema import Label, Node, Relationship, RelType
from loaders.formats.checking import check
from loaders.formats.sources import Parsed
from loaders.formats.xlsxformat import read_xlsx, sheet_targets, write_template


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def problems(parsed: Parsed) -> list[str]:
    return [str(p) for p in asyncio.run(check(parsed, None)).problems]


def test_chinese_headers_and_sheet_names(tmp_path: Path) -> None:
    path = book(
        tmp_path / "城市.xlsx",
        {
            "街道": [["编号", "名称", "区划代码"], ["s1", "澄江街道", 320281001]],
            "社区": [["编号", "名称", "区划代码"], ["c1", "东门社区", "320281001001"]],
            "户": [
                ["编号", "名称", "地址", "人数", "标签", "户主姓名", "联系电话"],
                ["h1", "1栋101", "东门路1号", 3.0, "FLOATING；KEY_GROUP", "张三丰", 13812341234],
                [None, None, None, None, None, None, None],
                ["h2", " 1栋102 ", None, "2", "", None, None],
            ],
            "党员": [["编号", "姓名", "类别", "先锋党员", "出生年份"], ["m1", "李四", "RESIDENT", "是", 1970]],
            "隶属": [["起点", "终点"], ["c1", "s1"]],
            "联系": [["起点", "终点", "起始日期"], ["m1", "h1", dt.datetime(2024, 3, 1)]],
        },
    )
    parsed = read_xlsx(path)
    assert problems(parsed) == []
    nodes = {n.id: n for n, _, _ in parsed.nodes}
    assert nodes["s1"] == Node("Street", "s1", {"name": "澄江街道", "code": "320281001"})
    assert nodes["h1"].properties == {
        "name": "1栋101",
        "address": "东门路1号",
        "size": 3,
        "tags": ["FLOATING", "KEY_GROUP"],
        "head_name": "张三丰",
        "phone": "13812341234",
    }
    assert nodes["h2"].properties == {"name": "1栋102", "size": 2}
    assert nodes["m1"].properties == {"name": "李四", "kind": "RESIDENT", "vanguard": True, "birth_year": 1970}
    rels = [r for r, _, _ in parsed.relationships]
    assert rels == [Relationship("PART_OF", "c1", "s1"), Relationship("LINKS", "m1", "h1", {"since": "2024-03-01"})]
    rows = {n.id: (src.sheet, row) for n, src, row in parsed.nodes}
    assert rows["h2"] == ("户", 4)  # Excel's row number; the blank row is skipped


def test_english_headers_with_types_are_accepted(tmp_path: Path) -> None:
    path = book(
        tmp_path / "b.xlsx",
        {
            "Building": [["id", "name", "kind"], ["b1", "1栋", "BUILDING"]],
            "Grid": [
                ["id:ID(Grid)", "Name", "kinds:string[]", "target_households:int"],
                ["g1", "一网格", "LIFE_SERVICE", 300],
            ],
            "PART_OF": [["start", "end"], ["b1", "g1"]],
            "说明": [["anything goes here"]],
        },
    )
    parsed = read_xlsx(path)
    assert problems(parsed) == []
    assert {n.id: n.properties for n, _, _ in parsed.nodes}["g1"] == {
        "name": "一网格",
        "kinds": ["LIFE_SERVICE"],
        "target_households": 300,
    }


def test_problems_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = book(
        tmp_path / "b.xlsx",
        {
            "户": [["编号", "名称", "人数", "颜色"], ["h1", "一室", "三", None], ["h2", "二室", 2.5, None]],
            "党员": [["编号", "类别", "先锋党员"], ["m1", "RESIDENT", "也许"]],
            "Sheet9": [["a"], [1]],
        },
    )
    assert problems(read_xlsx(path)) == [
        "b.xlsx sheet 户 row 1, column 颜色: Household has no column '颜色' (known: id / 编号 / name / 名称; "
        "address (地址), size (人数), tags (标签), head_name (户主姓名), phone (联系电话), "
        "head_id_number (户主身份证号))",
        "b.xlsx sheet 户 row 2, column 人数: '三' is not a whole number",
        "b.xlsx sheet 户 row 3, column 人数: 2.5 is not a whole number",
        "b.xlsx sheet 党员 row 1, column name: there is no name column, and it is required",
        "b.xlsx sheet 党员 row 2, column 先锋党员: '也许' is not true or false (or 是/否)",
        "b.xlsx sheet Sheet9: is neither a label nor a relationship type (name sheets like Household or 户, "
        "PART_OF or 隶属; a sheet named 说明 or README is ignored)",
    ]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("hello", encoding="utf-8")
    [message] = problems(read_xlsx(path))
    assert message.startswith("x.xlsx: cannot be read as an XLSX workbook")


def test_every_label_and_type_has_a_sheet_name_in_both_languages() -> None:
    targets = sheet_targets()
    assert targets["household"] == ("node", Label.HOUSEHOLD)
    assert targets["街道/镇"] == targets["街道、镇"] == targets["街道"] == ("node", Label.STREET)
    assert targets["楼栋"] == ("node", Label.BUILDING)
    assert targets["走访"] == ("rel", RelType.VISITED)
    assert {t for t in targets.values()} == {("node", lab) for lab in Label} | {("rel", t) for t in RelType}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_reads_back_empty_and_documents_its_columns(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path / "template.xlsx", lang=lang)  # type: ignore[arg-type]
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", *(lab.value for lab in Label), *(t.value for t in RelType), "考核模板"]
    header = [c.value for c in wb["Building"][1]]
    assert header == (["编号", "名称", "类型", "地址"] if lang == "zh" else ["id", "name", "kind", "address"])
    note = wb["Building"]["C1"].comment.text
    assert "Allowed: BUILDING (楼栋), COURTYARD (院落)" in note and "required" in note
    choices = '"楼栋,院落"' if lang == "zh" else '"BUILDING,COURTYARD"'
    assert any(choices in (dv.formula1 or "") for dv in wb["Building"].data_validations.dataValidation)
    # every single-choice column of every sheet offers its values (Chinese terms in the Chinese template)
    status = [dv.formula1 for dv in wb["Appeal"].data_validations.dataValidation]
    assert (
        '"已反映,已受理,已派单,已办结,已归档,不予受理"'
        if lang == "zh"
        else '"REPORTED,ACCEPTED,ASSIGNED,RESOLVED,CLOSED,REJECTED"'
    ) in status
    assert [c.value for c in wb["Appeal"][1]][:4] == (
        ["编号", "标题", "诉求内容", "类别"] if lang == "zh" else ["id", "title", "description", "category"]
    )
    assert "<ISO date-time>|<from status or ->|<to status>|<actor>" in wb["Appeal"]["P1"].comment.text
    assert "Id of a PartyMember" in wb["LINKS"]["A1"].comment.text
    parsed = read_xlsx(path)
    assert parsed.nodes == [] and problems(parsed) == []


def test_a_filled_template_imports(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    wb["Building"].append(["b1", "1栋", "COURTYARD", "东门路1号"])
    wb["Household"].append(["h1", "1栋101", None, 2, "ELDERLY_ALONE"])
    wb["PART_OF"].append(["h1", "b1"])
    wb.save(path)
    parsed = read_xlsx(path)
    plan = asyncio.run(check(parsed, None))
    assert plan.problems == []
    assert [n.id for n in plan.nodes] == ["b1", "h1"] and len(plan.relationships) == 1


def test_appeals_and_roundtables_with_chinese_headers_and_values(tmp_path: Path) -> None:
    history = "2026-03-01T09:00:00+08:00|-|REPORTED|h1;2026-03-01T10:00:00+08:00|REPORTED|ACCEPTED|org-g1;" + (
        "2026-03-02T09:00:00+08:00|ACCEPTED|ASSIGNED|org-g1"
    )
    path = book(
        tmp_path / "诉求.xlsx",
        {
            "户": [["编号", "名称", "标签"], ["h1", "1栋101", "独居老人；LOW_INCOME"]],
            "党员": [["编号", "姓名", "类别", "性别"], ["m1", "王建国", "在职党员", "男"]],
            "党组织": [["编号", "名称", "层级", "星级"], ["org-g1", "一网格党支部", "网格党支部", "示范"]],
            "诉求": [
                ["编号", "标题", "类别", "来源", "状态", "疑难", "反映日期", "受理日期", "办理时限", "流转记录"],
                [
                    "ap1",
                    "楼顶渗漏",
                    "房屋安全",
                    "热线",
                    "已派单",
                    "是",
                    "2026-03-01",
                    "2026-03-01",
                    "2026-03-08",
                    history,
                ],
                ["ap2", "路灯不亮", "治安", "网格巡查", "已归档", "否", "2026-03-01", "2026-03-01", None, None],
                ["ap3", "僵尸车", "停车", "来访", "已派单", "否", "2026-03-05", "2026-03-05", None, None],
            ],
            "活动": [
                ["编号", "主题", "类型", "日期"],
                ["act1", "民生议题圆桌会议", "圆桌会议", dt.datetime(2026, 3, 3)],
            ],
            "反映人": [["起点", "终点"], ["ap1", "h1"]],
            "涉及": [["起点", "终点"], ["ap1", "h1"]],
            "承办": [["起点", "终点", "起始日期"], ["ap1", "m1", "2026-03-02"]],
            "议题": [["起点", "终点"], ["act1", "ap1"]],
            "参加": [["起点", "终点"], ["m1", "act1"]],
            "主办": [["起点", "终点"], ["act1", "org-g1"]],
        },
    )
    parsed = read_xlsx(path)
    nodes = {n.id: n for n, _, _ in parsed.nodes}
    assert nodes["ap1"].properties["category"] == "HOUSING_SAFETY"
    assert nodes["ap1"].properties["source"] == "HOTLINE"
    assert nodes["ap1"].properties["status"] == "ASSIGNED"
    assert nodes["ap1"].properties["difficult"] is True
    assert len(nodes["ap1"].properties["history"]) == 3
    assert nodes["h1"].properties["tags"] == ["ELDERLY_ALONE", "LOW_INCOME"]
    assert nodes["m1"].properties == {"name": "王建国", "kind": "IN_SERVICE", "gender": "M"}
    assert (
        nodes["org-g1"].properties["level"] == "GRID_BRANCH" and nodes["org-g1"].properties["star"] == "DEMONSTRATION"
    )
    assert nodes["act1"].properties == {"title": "民生议题圆桌会议", "kind": "ROUNDTABLE", "on": "2026-03-03"}
    # a CLOSED appeal without its dates, an ASSIGNED one without a handler: named by sheet, row and column
    assert problems(parsed) == [
        "诉求.xlsx sheet 诉求 row 3, column resolved_on: a CLOSED appeal needs resolved_on",
        "诉求.xlsx sheet 诉求 row 3, column closed_on: a CLOSED appeal needs closed_on",
        "诉求.xlsx sheet 诉求 row 4, column ASSIGNED_TO: an ASSIGNED appeal needs a handler: write its ASSIGNED_TO "
        "with it",
    ]


def test_an_unknown_chinese_value_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    path = book(tmp_path / "b.xlsx", {"楼栋": [["编号", "名称", "类型"], ["b1", "1栋", "高楼"]]})
    [message] = problems(read_xlsx(path))
    assert message == "b.xlsx sheet 楼栋 row 2, column 类型: 'TOWER' is not one of BUILDING, COURTYARD".replace(
        "TOWER", "高楼"
    )
