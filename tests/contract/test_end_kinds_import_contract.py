"""The end-kind rules on import, on both stores: a CSV import whose ATTACHED_TO ends at a branch,
whose ASSESSES ends at an external branch or whose ASSESSED_BY ends at a grid worker is
refused with the file, row and column of each, and writes nothing; the ends' kinds are read
from the store when the import does not carry them.  Then the valid import of an instructor's
assessment goes through, and an export of the whole store carries it (Worker end and all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Relationship, WriteBatch
from loaders.formats.exporting import collect
from loaders.formats.importing import import_path
from loaders.store import Direction, GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

ASSESSMENTS = "id:ID(Assessment),round,kind,on,result\nas1,2026-2,SPOT,2026-09-01,QUALIFIED\n"


async def test_wrong_kinds_of_ends_are_refused_on_import(store: GraphStore, tmp_path: Path) -> None:
    await store.write(CITY.batch())
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Assessment.csv").write_text(ASSESSMENTS, encoding="utf-8")
    (folder / "ASSESSES.csv").write_text(":START_ID,:END_ID\nas1,s2-ext-po\n", encoding="utf-8")
    (folder / "ASSESSED_BY.csv").write_text(":START_ID,:END_ID\nas1,w-i1\nas1,w-g1\n", encoding="utf-8")
    (folder / "ATTACHED_TO.csv").write_text(":START_ID,:END_ID\nvs1,org-g1\n", encoding="utf-8")
    report = await import_path(store, folder)
    assert not report.written
    problems = sorted(str(p) for p in report.problems)
    assert problems == [
        "ASSESSED_BY.csv row 3, column :END_ID: 'w-g1' is a GRID_WORKER: of the workers, only an instructor "
        "(INSTRUCTOR, 指导员) assesses branches",
        "ASSESSES.csv row 2, column :END_ID: 's2-ext-po' is an external branch (外单位党组织): the city's campaign "
        "rates only its own branches",
        "ATTACHED_TO.csv row 2, column :END_ID: 'org-g1' is a GRID_BRANCH: a vanguard station is set by a party "
        "group (BUILDING_GROUP or GRID_GROUP)",
    ]
    assert await store.get_nodes(["as1"]) == [None]
    assert await store.neighbours(["vs1"], "ATTACHED_TO", Direction.OUT) == [[]]


async def test_an_instructors_assessment_imports_and_exports(store: GraphStore, tmp_path: Path) -> None:
    await store.write(CITY.batch())
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Assessment.csv").write_text(ASSESSMENTS, encoding="utf-8")
    (folder / "ASSESSES.csv").write_text(":START_ID,:END_ID\nas1,org-g1\n", encoding="utf-8")
    (folder / "ASSESSED_BY.csv").write_text(":START_ID,:END_ID\nas1,w-i1\n", encoding="utf-8")
    (folder / "ATTACHED_TO.csv").write_text(":START_ID,:END_ID\nvs1,org-b1\n", encoding="utf-8")
    report = await import_path(store, folder)
    assert report.ok, [str(p) for p in report.problems]
    data = await collect(store)
    assert Relationship("ASSESSED_BY", "as1", "w-i1") in data.relationships
    assert Relationship("ATTACHED_TO", "vs1", "org-b1") in data.relationships
    # what the store holds validates as a whole: the export is a valid import
    await store.write(WriteBatch(relationships=[r for r in data.relationships if r.start == "as1"]))
