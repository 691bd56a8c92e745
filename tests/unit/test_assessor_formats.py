"""An instructor's assessment (ASSESSED_BY → Worker) through the XLSX and CSV formats, without a
store: written with the Chinese sheet and headers the other relationships have (考核单位,
起点/终点) and read back as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats.exporting import write_export
from loaders.formats.graphdata import GraphData
from loaders.formats.reading import read_path


def _graph() -> GraphData:
    nodes = [
        Node("PartyOrganization", "br", {"name": "东门一网格党支部", "level": "GRID_BRANCH"}),
        Node("PartyOrganization", "co", {"name": "西门社区党委", "level": "COMMUNITY_COMMITTEE"}),
        Node("Worker", "wi", {"name": "吴敏", "role": "INSTRUCTOR", "full_time": True}),
        Node("Assessment", "as", {"round": "2026-2", "kind": "CROSS", "on": "2026-09-02", "result": "EXCELLENT"}),
    ]
    rels = [
        Relationship("ASSESSES", "as", "br", {}),
        Relationship("ASSESSED_BY", "as", "co", {}),
        Relationship("ASSESSED_BY", "as", "wi", {}),
    ]
    return GraphData.sorted(nodes, rels)


@pytest.mark.parametrize("name", ["a.xlsx", "folder"])
def test_an_instructors_assessment_round_trips(tmp_path: Path, name: str) -> None:
    data = _graph()
    fmt = "xlsx" if name.endswith(".xlsx") else "csv"
    write_export(tmp_path / name, data, fmt, include_pii=True)
    parsed = read_path(tmp_path / name)
    assert parsed.problems == []
    back = GraphData.sorted([n for n, *_ in parsed.nodes], [r for r, *_ in parsed.relationships])
    assert back == data


def test_the_xlsx_sheet_is_in_chinese(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_export(tmp_path / "a.xlsx", _graph(), "xlsx", include_pii=True)
    book = load_workbook(tmp_path / "a.xlsx")
    sheet = book["考核单位"]
    rows = [[c.value for c in row][:2] for row in sheet.iter_rows()]
    assert rows[0] == ["起点", "终点"]
    assert sorted(rows[1:]) == [["as", "co"], ["as", "wi"]]
