"""XLSX export against both stores: Chinese sheets, headers and values, read back by the XLSX import."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats.exporting import collect, export_store
from loaders.formats.graphdata import GraphData
from loaders.formats.importing import import_path, import_records
from loaders.store import GraphStore
from tests.cities import CITY, CityBuilder

pytestmark = pytest.mark.asyncio


async def snapshot(store: GraphStore) -> GraphData:
    data = await collect(store)
    return GraphData.sorted(
        [Node(n.label, n.id, dict(n.properties)) for n in data.nodes],
        [Relationship(r.type, r.start, r.end, dict(r.properties)) for r in data.relationships],
    )


class Steps:
    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.advanced = 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.stages.append((name, total))

    def advance(self, n: int = 1) -> None:
        self.advanced += n

    def done(self) -> None:
        pass


async def test_an_xlsx_export_imports_back_as_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    await import_records(store, CITY.nodes, CITY.relationships)
    before = await snapshot(store)
    steps = Steps()
    report = await export_store(store, tmp_path / "city.xlsx", "xlsx", include_pii=True, progress=steps)
    assert (report.nodes, report.relationships) == (len(CITY.nodes), len(CITY.relationships))
    assert ("writing xlsx", len(CITY.nodes) + len(CITY.relationships)) in steps.stages
    await store.clear()
    result = await import_path(store, tmp_path / "city.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert await snapshot(store) == before


async def test_an_xlsx_export_speaks_chinese(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    await import_records(store, CITY.nodes, CITY.relationships)
    await export_store(store, tmp_path / "city.xlsx", "xlsx", include_pii=True)
    book = load_workbook(tmp_path / "city.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["说明", "街道、镇", "社区"]
    assert {"户", "党员", "隶属", "联系", "诉求"} <= set(book.sheetnames)
    members = [list(r) for r in book["党员"].iter_rows(values_only=True)]
    assert members[0][:4] == ["编号", "姓名", "类别", "先锋党员"]
    pm1 = next(r for r in members if r[0] == "pm1")
    assert pm1[1:4] == ["王建国", "居民党员", "是"]
    orgs = {r[0]: r for r in book["党组织"].iter_rows(values_only=True)}
    assert orgs["编号"][:4] == ("编号", "名称", "层级", "星级")
    assert orgs["org-c1"][2:4] == ("社区党委", "优秀")
    households = {r[0]: r for r in book["户"].iter_rows(values_only=True)}
    assert "独居老人;低收入" in households["hh5"]
    links = [r for r in book["联系"].iter_rows(values_only=True)]
    assert links[0] == ("起点", "终点", "起始日期")
    assert ("pm1", "pm2", "2024-01-01") in links
    book.close()


async def test_an_xlsx_export_leaves_out_personal_information_by_default(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    await import_records(store, CITY.nodes, CITY.relationships)
    await export_store(store, tmp_path / "city.xlsx", "xlsx")
    book = load_workbook(tmp_path / "city.xlsx", read_only=True)
    text = "|".join(str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row)
    households = {r[0]: r for r in book["户"].iter_rows(values_only=True)}
    book.close()
    assert "王建国" not in text and "13812341234" not in text and "东门一网格" in text
    assert households["编号"] == ("编号", "名称", "人数", "标签")  # no address, head, phone or id number
    hh5 = [*households["hh5"], None][:4]  # a row may end at its last value
    assert hh5 == ["hh5", "3栋301室", 2, None]  # its vulnerable tags are personal information


async def test_villages_grid_groups_and_attached_stations_round_trip(store: GraphStore, tmp_path: Path) -> None:
    b = CityBuilder()
    st = b.street("s", "南闸街道", code="320281002")
    village = b.community("v", "谢南村", st, code="320281002201", kind="VILLAGE")
    committee = b.organization("v-po", "中共谢南村委员会", "COMMUNITY_COMMITTEE", None, village)
    grid = b.grid("vg", "谢南村第1网格", village)
    group = b.organization("vg-po", "谢南村第1网格党小组", "GRID_GROUP", committee, grid)
    house = b.building("vb", "谢南村8号院", grid, kind="COURTYARD")
    home = b.household("vh", "谢南村8号", house)
    head = b.member("vm", "谢明", "RETIRED", home, group, vanguard=True)
    b.station("vs", "谢南村第1网格先锋驿站", house, run_by=head)
    b.rel("ATTACHED_TO", "vs", group)
    city = b.build()
    await import_records(store, city.nodes, city.relationships)
    await export_store(store, tmp_path / "v.xlsx", "xlsx", include_pii=True)
    await store.clear()
    assert (await import_path(store, tmp_path / "v.xlsx")).ok
    got = await snapshot(store)
    by_id = {n.id: n for n in got.nodes}
    assert by_id["v"].properties["kind"] == "VILLAGE"
    assert by_id["vg-po"].properties["level"] == "GRID_GROUP"
    assert Relationship("ATTACHED_TO", "vs", "vg-po", {}) in got.relationships
