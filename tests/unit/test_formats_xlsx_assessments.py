"""Assessments (考核) in workbooks: Chinese sheet, headers and values (the category of a score by
its Chinese name too), the template's 考核模板 sheet, and the rules named by sheet, row and column."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from loaders.formats.checking import check
from loaders.formats.sources import Parsed
from loaders.formats.xlsxformat import read_xlsx, write_template


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


def test_assessments_with_chinese_headers_and_values(tmp_path: Path) -> None:
    path = book(
        tmp_path / "考核.xlsx",
        {
            "党组织": [
                ["编号", "名称", "层级", "星级"],
                ["org-g1", "一网格党支部", "网格党支部", "优秀"],
                ["org-c1", "东门社区党委", "社区党委", None],
            ],
            "考核": [
                ["编号", "轮次", "考核方式", "考核日期", "评定等次", "分项得分", "整改期限"],
                ["as1", "2026-1", "自查", "2026-03-02", "示范", "组织设置:6；班子建设：5", None],
                ["as2", "2026-1", "重点抽查", "2026-04-02", "不合格", "ORGANIZATION_SETUP:2", "2026-07-01"],
            ],
            "考核对象": [["起点", "终点"], ["as1", "org-g1"], ["as2", "org-g1"]],
            "考核单位": [["起点", "终点"], ["as2", "org-c1"]],
        },
    )
    parsed = read_xlsx(path)
    assert problems(parsed) == []
    nodes = {n.id: n for n, _, _ in parsed.nodes}
    assert nodes["as1"].properties == {
        "round": "2026-1",
        "kind": "SELF",
        "on": "2026-03-02",
        "result": "DEMONSTRATION",
        "scores": ["ORGANIZATION_SETUP:6", "LEADERSHIP:5"],
    }
    assert nodes["as2"].properties["kind"] == "SPOT" and nodes["as2"].properties["rectify_by"] == "2026-07-01"


def test_assessment_rules_are_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = book(
        tmp_path / "考核.xlsx",
        {
            "党组织": [
                ["编号", "名称", "层级"],
                ["org-g1", "一网格党支部", "网格党支部"],
                ["org-b1", "1栋党小组", "楼栋(院落)党小组"],
            ],
            "考核": [
                ["编号", "轮次", "考核方式", "考核日期", "评定等次", "分项得分", "整改期限"],
                ["as1", "2026-1", "复查", "2026-03-02", "不合格", "作用发挥:9", None],
                ["as2", "2026-1", "自查", "2026-03-02", "合格", None, None],
            ],
            "考核对象": [["起点", "终点"], ["as1", "org-g1"], ["as2", "org-b1"]],
        },
    )
    found = problems(read_xlsx(path))
    assert any("row 2, column 分项得分" in p and "SERVICE (作用发挥) has 5 requirements" in p for p in found), found
    assert any("row 2, column 整改期限" in p and "needs rectify_by" in p for p in found), found
    assert any("考核对象 row 3" in p and "only branches" in p for p in found), found


def test_the_template_lists_the_categories_and_offers_the_terms(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    wb = load_workbook(path)
    guide = wb["考核模板"]
    rows = list(guide.iter_rows(values_only=True))
    assert len(rows) == 35  # a header and the 34 requirements
    assert {r[1] for r in rows[1:]} == {"组织设置", "班子建设", "组织生活", "党员教育管理", "阵地建设", "作用发挥"}
    sheet = wb["Assessment"]
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"自查,复查,交叉互查,重点抽查"' in lists and '"示范,优秀,合格,不合格"' in lists
    assert read_xlsx(path).nodes == []  # the guide sheet is not data
