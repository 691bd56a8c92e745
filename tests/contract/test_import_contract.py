"""Import and export against both stores (the ``store`` fixture): checks against what exists,
all-or-nothing, skipping invalid records, idempotence, resuming, round trips, areas, the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats.batches import write_plan
from loaders.formats.checking import check
from loaders.formats.exporting import collect, export_store, write_csv
from loaders.formats.graphdata import GraphData
from loaders.formats.importing import import_path, import_records, load_demo_if_empty
from loaders.formats.jsonformat import write_json
from loaders.formats.reading import read_path
from loaders.formats.xlsxformat import write_template
from loaders.store import GraphStore

pytestmark = pytest.mark.asyncio


def area() -> GraphData:
    """A street, two communities, a grid, two buildings, three households, two members, an organization."""
    nodes = [
        Node("Street", "s1", {"name": "澄江街道", "code": "320281001"}),
        Node("Community", "c1", {"name": "东门社区", "code": "320281001001"}),
        Node("Community", "c2", {"name": "西门社区"}),
        Node(
            "Grid", "g1", {"name": "东门一网格", "kinds": ["PUBLIC_SAFETY", "LIFE_SERVICE"], "target_households": 300}
        ),
        Node("Building", "b1", {"name": "1栋", "kind": "BUILDING", "address": "东门路1号"}),
        Node("Building", "b2", {"name": "2号院", "kind": "COURTYARD"}),
        Node("Household", "h1", {"name": "1栋101", "size": 3, "tags": ["FLOATING"], "phone": "13812341234"}),
        Node("Household", "h2", {"name": "1栋102", "size": 1, "tags": ["ELDERLY_ALONE"]}),
        Node("Household", "h3", {"name": "2号院东", "size": 2}),
        Node("PartyOrganization", "po-g1", {"name": "东门一网格党支部", "level": "GRID_BRANCH"}),
        Node("PartyMember", "m1", {"name": "张三丰", "kind": "RESIDENT", "vanguard": True}),
        Node("PartyMember", "m2", {"name": "李四", "kind": "IN_SERVICE", "vanguard": False}),
        Node("VanguardStation", "vs1", {"name": "1栋先锋驿站"}),
    ]
    rels = [
        Relationship("PART_OF", "c1", "s1"),
        Relationship("PART_OF", "c2", "s1"),
        Relationship("PART_OF", "g1", "c1"),
        Relationship("PART_OF", "b1", "g1"),
        Relationship("PART_OF", "b2", "g1"),
        Relationship("PART_OF", "h1", "b1"),
        Relationship("PART_OF", "h2", "b1"),
        Relationship("PART_OF", "h3", "b2"),
        Relationship("GOVERNS", "po-g1", "g1"),
        Relationship("MEMBER_OF", "m1", "po-g1"),
        Relationship("LIVES_IN", "m1", "h1"),
        Relationship("LIVES_IN", "m2", "h3"),
        Relationship("LINKS", "m1", "m2", {"since": "2024-03-01"}),
        Relationship("LINKS", "m1", "h2", {"since": "2024-03-01"}),
        Relationship("VISITED", "m1", "h2", {"on": "2026-10-02"}),
        Relationship("VISITED", "m1", "h2", {"on": "2026-11-03"}),
        Relationship("REPORTED_TO", "m2", "c2", {"since": "2023-05-01"}),
        Relationship("RUNS", "m1", "vs1"),
        Relationship("LOCATED_IN", "vs1", "b1"),
    ]
    return GraphData.sorted(nodes, rels)


async def snapshot(store: GraphStore) -> GraphData:
    data = await collect(store)
    return GraphData.sorted(
        [Node(n.label, n.id, dict(n.properties)) for n in data.nodes],
        [Relationship(r.type, r.start, r.end, dict(r.properties)) for r in data.relationships],
    )


def csv_folder(tmp_path: Path, data: GraphData, name: str = "city") -> Path:
    write_csv(tmp_path / name, data, include_pii=True)
    return tmp_path / name


async def test_a_csv_folder_imports_into_an_empty_store(store: GraphStore, tmp_path: Path) -> None:
    report = await import_path(store, csv_folder(tmp_path, area()))
    assert report.ok and report.written
    assert (report.nodes_written, report.relationships_written) == (13, 19)
    assert await snapshot(store) == area()


async def test_a_json_document_imports(store: GraphStore, tmp_path: Path) -> None:
    write_json(tmp_path / "city.json", area(), include_pii=True)
    report = await import_path(store, tmp_path / "city.json")
    assert report.ok
    assert await snapshot(store) == area()


async def test_an_xlsx_workbook_with_chinese_headers_imports(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_template(tmp_path / "book.xlsx", lang="zh")
    wb = load_workbook(path)
    wb["Street"].append(["s1", "澄江街道", "320281001"])
    wb["Community"].append(["c1", "东门社区", "320281001001"])
    wb["PartyMember"].append(["m1", "张三丰", "RESIDENT", "是"])
    wb["PART_OF"].append(["c1", "s1"])
    wb["REPORTED_TO"].append(["m1", "c1", "2023-05-01"])
    wb.save(path)
    report = await import_path(store, path)
    assert report.ok, [str(p) for p in report.problems]
    got = await snapshot(store)
    assert got.nodes[1] == Node("PartyMember", "m1", {"name": "张三丰", "kind": "RESIDENT", "vanguard": True})
    assert Relationship("REPORTED_TO", "m1", "c1", {"since": "2023-05-01"}) in got.relationships


async def test_any_problem_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    folder = csv_folder(tmp_path, area())
    text = (folder / "Household.csv").read_text(encoding="utf-8")
    (folder / "Household.csv").write_text(text.replace(",3,FLOATING", ",three,FLOATING"), encoding="utf-8")
    report = await import_path(store, folder)
    assert not report.written
    assert [str(p) for p in report.problems] == ["Household.csv row 2, column size:int: 'three' is not a whole number"]
    assert (await collect(store)).nodes == []


async def test_ends_may_already_be_in_the_store_and_missing_ones_are_reported(
    store: GraphStore, tmp_path: Path
) -> None:
    await store.upsert([Node("Building", "b1", {"name": "1栋", "kind": "BUILDING"})])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "Household.csv").write_text("id:ID(Household),name\nh1,一室\nh2,二室\n", encoding="utf-8")
    (tmp_path / "in" / "PART_OF.csv").write_text(":START_ID,:END_ID\nh1,b1\nh2,b9\n", encoding="utf-8")
    report = await import_path(store, tmp_path / "in")
    assert [str(p) for p in report.problems] == [
        "PART_OF.csv row 3, column :END_ID: no node with id 'b9' in this import or in the store "
        "(expected a Building or Community or Grid or Street)"
    ]
    assert not report.written
    (tmp_path / "in" / "PART_OF.csv").write_text(":START_ID,:END_ID\nh1,b1\nh2,b1\n", encoding="utf-8")
    assert (await import_path(store, tmp_path / "in")).ok
    assert len((await collect(store)).relationships) == 2


async def test_ids_and_parents_are_checked_against_the_store(store: GraphStore, tmp_path: Path) -> None:
    await import_records(store, area().nodes, area().relationships)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "Grid.csv").write_text("id:ID(Grid),name\nh1,不是网格\ng9,新网格\n", encoding="utf-8")
    (tmp_path / "in" / "PART_OF.csv").write_text(":START_ID,:END_ID\nb1,g9\ng9,c1\n", encoding="utf-8")
    report = await import_path(store, tmp_path / "in")
    assert [str(p) for p in report.problems] == [
        "Grid.csv row 2, column id:ID(Grid): id 'h1' already belongs to a Household in the store; "
        "ids are unique across the graph",
        "PART_OF.csv row 2, column :END_ID: 'b1' already has PART_OF 'g1' in the store; only one is allowed "
        "(move it instead of linking it twice)",
    ]
    assert await snapshot(store) == area()


async def test_skip_invalid_writes_the_valid_records_and_rejects_the_rest(store: GraphStore, tmp_path: Path) -> None:
    folder = csv_folder(tmp_path, area())
    text = (folder / "Building.csv").read_text(encoding="utf-8")
    (folder / "Building.csv").write_text(text.replace(",COURTYARD", ",TOWER"), encoding="utf-8")
    report = await import_path(store, folder, skip_invalid=True)
    assert report.written
    assert [str(p) for p in report.problems] == [
        "Building.csv row 3, column kind: 'TOWER' is not one of BUILDING, COURTYARD",
        "PART_OF__Building__Grid.csv row 3, column :START_ID(Building): start 'b2' was rejected "
        "(see Building.csv row 3)",
        "PART_OF__Household__Building.csv row 4, column :END_ID(Building): end 'b2' was rejected "
        "(see Building.csv row 3)",
    ]
    assert (report.rejected_nodes, report.rejected_relationships) == (1, 2)
    got = await snapshot(store)
    assert [n.id for n in got.nodes if n.label == "Building"] == ["b1"]
    assert len(got.relationships) == len(area().relationships) - 2


async def test_importing_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    folder = csv_folder(tmp_path, area())
    assert (await import_path(store, folder)).ok
    first = await snapshot(store)
    again = await import_path(store, folder)
    assert again.ok and again.written
    assert await snapshot(store) == first == area()


async def test_an_interrupted_import_completes_when_run_again(store: GraphStore, tmp_path: Path) -> None:
    folder = csv_folder(tmp_path, area())
    plan = await check(read_path(folder), store)
    plan.relationships = plan.relationships[:5]  # the run "died" after some nodes and a few relationships
    plan.nodes = plan.nodes[:9]
    await write_plan(store, plan, batch_size=4)
    partial = await snapshot(store)
    assert 0 < len(partial.nodes) < 13
    report = await import_path(store, folder, batch_size=4)
    assert report.ok, [str(p) for p in report.problems]
    assert await snapshot(store) == area()


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_export_import_export_is_byte_identical(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    await import_records(store, area().nodes, area().relationships)
    first = tmp_path / ("one.json" if fmt == "json" else "one")
    second = tmp_path / ("two.json" if fmt == "json" else "two")
    await export_store(store, first, fmt, include_pii=True)  # type: ignore[arg-type]
    await store.clear()
    assert (await import_path(store, first)).ok
    await export_store(store, second, fmt, include_pii=True)  # type: ignore[arg-type]
    if fmt == "json":
        assert first.read_bytes() == second.read_bytes()
    else:
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


async def test_exports_leave_out_personal_information_by_default(store: GraphStore, tmp_path: Path) -> None:
    await import_records(store, area().nodes, area().relationships)
    await export_store(store, tmp_path / "g.json", "json")
    doc = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    by_id = {n["id"]: n["properties"] for n in doc["nodes"]}
    assert by_id["m1"] == {"kind": "RESIDENT", "vanguard": True}
    assert "phone" not in by_id["h1"]
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("cytoscape", "g.cyjs"), ("csv", "folder")):
        await export_store(store, tmp_path / name, fmt)  # type: ignore[arg-type]
    text = "".join(
        p.read_text(encoding="utf-8") for p in [tmp_path / "g.graphml", tmp_path / "g.gexf", tmp_path / "g.cyjs"]
    ) + "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "folder").iterdir())
    assert "张三丰" not in text and "13812341234" not in text and "东门一网格" in text


async def test_an_area_export_holds_what_lies_within_it(store: GraphStore, tmp_path: Path) -> None:
    await import_records(store, area().nodes, area().relationships)
    data = await collect(store, area="b1")
    assert [n.id for n in data.nodes] == ["b1", "h1", "h2", "m1", "vs1"]
    assert [(r.type, r.start, r.end) for r in data.relationships] == [
        ("PART_OF", "h1", "b1"),
        ("PART_OF", "h2", "b1"),
        ("LINKS", "m1", "h2"),
        ("LIVES_IN", "m1", "h1"),
        ("RUNS", "m1", "vs1"),
        ("VISITED", "m1", "h2"),
        ("VISITED", "m1", "h2"),
        ("LOCATED_IN", "vs1", "b1"),
    ]
    grid = await collect(store, area="g1")
    assert [n.id for n in grid.nodes] == ["b1", "b2", "g1", "h1", "h2", "h3", "m1", "m2", "po-g1", "vs1"]
    assert not any(r.type == "REPORTED_TO" for r in grid.relationships)  # c2 is outside the grid
    await export_store(store, tmp_path / "g1.json", "json", area="g1", include_pii=True)
    await store.clear()
    assert (await import_path(store, tmp_path / "g1.json")).ok
    assert [n.id for n in (await collect(store)).nodes] == [n.id for n in grid.nodes]


async def test_an_area_must_be_an_area(store: GraphStore) -> None:
    from graph_schema import NotFoundError

    await import_records(store, area().nodes, area().relationships)
    with pytest.raises(NotFoundError, match="no node with id 'nope'"):
        await collect(store, area="nope")
    with pytest.raises(ValueError, match="'h1' is a Household; --area takes the id of a Building, Community"):
        await collect(store, area="h1")


async def test_the_demo_city_loads_only_into_an_empty_store(store: GraphStore) -> None:
    assert await load_demo_if_empty(store) is True
    nodes = len((await collect(store)).nodes)
    assert nodes > 300
    assert await load_demo_if_empty(store) is False
    assert len((await collect(store)).nodes) == nodes
