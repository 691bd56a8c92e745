"""The XLSX export (loaders.formats.xlsxexport) and the template's Chinese drop-downs, without a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats import xlsxexport
from loaders.formats.exporting import format_for_path, write_export
from loaders.formats.graphdata import GraphData
from loaders.formats.reading import read_path
from loaders.formats.xlsxformat import write_template


def _graph() -> GraphData:
    nodes = [
        Node("Street", "s", {"name": "南闸街道", "code": "320281002"}),
        Node("Community", "v", {"name": "谢南村", "kind": "VILLAGE"}),
        Node("PartyOrganization", "po", {"name": "谢南村第1网格党小组", "level": "GRID_GROUP"}),
        Node("PartyOrganization", "br", {"name": "=SUM(A1)", "level": "GRID_BRANCH", "star": "DEMONSTRATION"}),
        Node("PartyMember", "m", {"name": "谢明", "kind": "IN_SERVICE", "vanguard": False, "birth_year": 1970}),
    ]
    rels = [
        Relationship("PART_OF", "v", "s", {}),
        Relationship("REPORTED_TO", "m", "v", {"since": "2024-05-01"}),
    ]
    return GraphData.sorted(nodes, rels)


def _read_back(path: Path) -> GraphData:
    parsed = read_path(path)
    assert parsed.problems == []
    return GraphData.sorted([n for n, *_ in parsed.nodes], [r for r, *_ in parsed.relationships])


def test_the_export_is_read_back_by_the_import(tmp_path: Path) -> None:
    data = _graph()
    assert format_for_path(tmp_path / "a.xlsx") == "xlsx"
    write_export(tmp_path / "a.xlsx", data, "xlsx", include_pii=True)
    assert _read_back(tmp_path / "a.xlsx") == data


def test_enum_values_booleans_and_formulas_are_written_as_offices_read_them(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_export(tmp_path / "a.xlsx", _graph(), "xlsx", include_pii=True)
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["说明", "街道、镇", "社区", "党组织", "党员", "隶属", "报到"]
    assert [c.value for c in book["社区"][2]] == ["v", "谢南村", None, "村"]
    orgs = {row[0].value: [c.value for c in row][:4] for row in book["党组织"].iter_rows()}
    assert orgs["po"] == ["po", "谢南村第1网格党小组", "网格党小组", None]
    assert orgs["br"] == ["br", "=SUM(A1)", "网格党支部", "示范"]
    assert book["党组织"]["B3"].data_type == "s"  # a name that looks like a formula stays text
    member = [c.value for c in book["党员"][2]]
    assert member[:4] == ["m", "谢明", "在职党员", "否"] and 1970 in member


def test_a_long_sheet_continues_on_numbered_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.setattr(xlsxexport, "MAX_ROWS", 2)
    households = [Node("Household", f"h{i}", {"name": f"{i}室", "size": 2}) for i in range(5)]
    data = GraphData.sorted(households, [])
    steps: list[tuple[str, int | None]] = []
    advanced: list[int] = []

    class Steps:
        def stage(self, name: str, total: int | None = None) -> None:
            steps.append((name, total))

        def advance(self, n: int = 1) -> None:
            advanced.append(n)

        def done(self) -> None:
            pass

    xlsxexport.write_xlsx(tmp_path / "h.xlsx", data, progress=Steps())
    assert load_workbook(tmp_path / "h.xlsx").sheetnames == ["说明", "户", "户(2)", "户(3)"]
    assert steps == [("writing xlsx", 5)] and sum(advanced) == 5
    assert _read_back(tmp_path / "h.xlsx") == data


def test_the_template_offers_the_chinese_values_of_the_new_enums(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(write_template(tmp_path / "t.xlsx"))

    def offered(sheet: str, header: str) -> list[str]:
        ws = book[sheet]
        col = next(c.column_letter for c in ws[1] if c.value == header)
        (dv,) = [d for d in ws.data_validations.dataValidation if str(d.sqref).startswith(f"{col}2")]
        return str(dv.formula1).strip('"').split(",")

    assert offered("Community", "类型") == ["社区", "村"]
    assert "网格党小组" in offered("PartyOrganization", "层级")
    assert offered("PartyOrganization", "星级") == ["示范", "优秀", "合格", "不合格"]
    assert "在职党员" in offered("PartyMember", "类别")
    ws = book["ATTACHED_TO"]
    assert [c.value for c in ws[1]] == ["起点", "终点"]
    assert "PartyOrganization" in ws["B1"].comment.text and "VanguardStation" in ws["A1"].comment.text
