"""The end rules hold after the fact on import, on both stores: a file that replaces an
organization or a worker is checked against the ATTACHED_TO, ASSESSES and ASSESSED_BY stored at
it, and refused with the file, row and column of the property that would break them, writing
nothing; a file that keeps them valid goes through."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship, WriteBatch
from loaders.formats.importing import import_path
from loaders.store import GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


async def _city(store: GraphStore) -> None:
    await store.write(CITY.batch())
    assessment = Node(
        "Assessment", "as1", {"round": "2026-2", "kind": "SPOT", "on": "2026-09-01", "result": "QUALIFIED"}
    )
    rels = [Relationship("ASSESSES", "as1", "org-g1"), Relationship("ASSESSED_BY", "as1", "w-i1")]
    await store.write(WriteBatch([assessment], [*rels, Relationship("ATTACHED_TO", "vs1", "org-b1")]))


async def test_a_file_that_breaks_stored_relationships_is_refused(store: GraphStore, tmp_path: Path) -> None:
    await _city(store)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "PartyOrganization.csv").write_text(
        "id:ID(PartyOrganization),name,level,external:boolean\n"
        "org-am,澄江汽车部件党支部,UNIT_BRANCH,\n"
        "org-g1,东门一网格党小组,GRID_GROUP,\n"
        "org-b1,1栋楼栋党支部,GRID_BRANCH,\n",
        encoding="utf-8",
    )
    (folder / "Worker.csv").write_text("id:ID(Worker),name,role\nw-i1,吴敏,GRID_WORKER\n", encoding="utf-8")
    report = await import_path(store, folder)
    assert not report.written
    assert [(p.file, p.row, p.column, p.code) for p in report.problems] == [
        ("PartyOrganization.csv", 3, "level", "NOT_RATED"),
        ("PartyOrganization.csv", 4, "level", "NOT_GROUP"),
        ("Worker.csv", 2, "role", "NOT_INSTRUCTOR"),
    ]
    assert str(report.problems[0]).startswith(
        "PartyOrganization.csv row 3, column level: 'org-g1' has 1 assessment (ASSESSES): a GRID_GROUP is not rated"
    )
    (g1, b1, am, wi1) = await store.get_nodes(["org-g1", "org-b1", "org-am", "w-i1"])
    assert g1 is not None and g1.properties["level"] == "GRID_BRANCH"
    assert b1 is not None and b1.properties["level"] == "BUILDING_GROUP"
    assert am is not None and am.properties["name"] != "澄江汽车部件党支部"
    assert wi1 is not None and wi1.properties["role"] == "INSTRUCTOR"


async def test_a_file_that_keeps_them_valid_imports(store: GraphStore, tmp_path: Path) -> None:
    await _city(store)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "PartyOrganization.csv").write_text(
        "id:ID(PartyOrganization),name,level\norg-g1,东门网格党支部,UNIT_BRANCH\norg-b1,1栋党小组,GRID_GROUP\n",
        encoding="utf-8",
    )
    (folder / "Worker.csv").write_text(
        "id:ID(Worker),name,role,phone\nw-i1,吴敏,INSTRUCTOR,13912345678\n", encoding="utf-8"
    )
    report = await import_path(store, folder)
    assert report.ok, [str(p) for p in report.problems]
    (g1, wi1) = await store.get_nodes(["org-g1", "w-i1"])
    assert g1 is not None and g1.properties["level"] == "UNIT_BRANCH"
    assert wi1 is not None and wi1.properties["phone"] == "13912345678"
