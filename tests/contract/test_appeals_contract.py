"""Appeals and roundtables in both stores (the ``store`` fixture): written and read back whole,
refused writes that name record, field and reason and write nothing, patches judged merged into
the stored appeal, the projection without personal data, and every export format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graph_schema import Node, Problem, Relationship, RelRef, ValidationError, WriteBatch
from loaders.formats.exporting import collect, export_store
from loaders.formats.graphdata import GraphData
from loaders.formats.importing import import_path, import_records
from loaders.store import Direction, GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


async def _seed(store: GraphStore) -> None:
    await store.upsert(list(CITY.nodes), list(CITY.relationships))


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str, str]]:
    return [(p.record, p.field, p.code) for p in exc.value.problems]


async def test_appeals_and_roundtables_read_back_whole(store: GraphStore) -> None:
    await _seed(store)
    (ap1,) = await store.get_nodes(["ap1"])
    assert ap1 is not None and ap1.label == "Appeal"
    assert dict(ap1.properties) == dict(next(n for n in CITY.nodes if n.id == "ap1").properties)
    assert ap1.properties["history"][-1].endswith("|RESOLVED|CLOSED|org-c1")
    (on_b2,) = await store.neighbours(["b2"], "CONCERNS", Direction.IN)
    assert [e.node.id for e in on_b2] == ["ap6"]
    (assigned,) = await store.neighbours(["am1"], "ASSIGNED_TO", Direction.IN)
    assert [(e.node.id, e.relationship.properties) for e in assigned] == [("ap1", {"since": "2026-03-02"})]
    (discussed,) = await store.neighbours(["act1"], "DISCUSSED", Direction.OUT)
    assert [e.node.id for e in discussed] == ["ap3", "ap6"]
    (attended,) = await store.neighbours(["act1"], "ATTENDED", Direction.IN)
    assert sorted(e.node.id for e in attended) == ["am1", "pm1", "pm2"]
    assert (
        await store.count_nodes("Appeal") == 8 and await store.count_nodes("Activity") == 6
    )  # 2 roundtables, 4 of 南闸's work


async def test_an_appeal_whose_status_and_dates_disagree_is_refused_whole(store: GraphStore) -> None:
    await _seed(store)
    bad = Node(
        "Appeal",
        "ap9",
        {
            "title": "路灯不亮",
            "category": "PUBLIC_SAFETY",
            "source": "GRID_PATROL",
            "status": "CLOSED",
            "reported_on": "2026-03-10",
            "accepted_on": "2026-03-10",
            "resolved_on": "2026-03-08",
        },
    )
    with pytest.raises(ValidationError) as exc:
        await store.upsert([bad], [Relationship("CONCERNS", "ap9", "g1")])
    assert exc.value.problems == [
        Problem("Appeal ap9", "closed_on", "STATUS_DATES", "a CLOSED appeal needs closed_on"),
        Problem("Appeal ap9", "resolved_on", "STATUS_DATES", "resolved_on 2026-03-08 is before accepted_on 2026-03-10"),
    ]
    assert await store.get_nodes(["ap9"]) == [None]
    assert await store.count_neighbours(["g1"], "CONCERNS", Direction.IN) == [1]


async def test_an_assigned_appeal_needs_its_handler_in_the_same_write(store: GraphStore) -> None:
    await _seed(store)
    node = Node(
        "Appeal",
        "ap9",
        {
            "title": "路灯不亮",
            "category": "PUBLIC_SAFETY",
            "source": "GRID_PATROL",
            "status": "ASSIGNED",
            "reported_on": "2026-03-10",
            "accepted_on": "2026-03-10",
        },
    )
    with pytest.raises(ValidationError) as exc:
        await store.upsert([node])
    assert _problems(exc) == [("Appeal ap9", "ASSIGNED_TO", "NO_HANDLER")]
    assert await store.get_nodes(["ap9"]) == [None]
    await store.upsert([node], [Relationship("ASSIGNED_TO", "ap9", "org-g1", {"since": "2026-03-10"})])
    # written: a later write of the appeal alone finds its handler in the store
    await store.upsert([node])
    (handler,) = await store.neighbours(["ap9"], "ASSIGNED_TO", Direction.OUT)
    assert [e.node.id for e in handler] == ["org-g1"]


async def test_removing_a_handler_is_refused_unless_another_is_given(store: GraphStore) -> None:
    await _seed(store)
    with pytest.raises(ValidationError) as exc:
        await store.delete(relationships=[RelRef("ASSIGNED_TO", "ap2", "org-c1")])
    [problem] = exc.value.problems
    assert (problem.record, problem.field, problem.code) == ("Appeal ap2", "ASSIGNED_TO", "NO_HANDLER")
    assert "removes its ASSIGNED_TO 'org-c1'" in problem.message
    with pytest.raises(ValidationError) as deleting:
        await store.delete(["s2-am1"])
    assert _problems(deleting) == [("Appeal s2-ap1", "ASSIGNED_TO", "NO_HANDLER")]
    assert (await store.get_nodes(["s2-am1"]))[0] is not None
    # a reassignment in one write: the old handler out, the new one in
    await store.write(
        WriteBatch(
            relationships=[Relationship("ASSIGNED_TO", "ap2", "org-st", {"since": "2026-03-20"})],
            delete_relationships=[RelRef("ASSIGNED_TO", "ap2", "org-c1")],
        )
    )
    (handler,) = await store.neighbours(["ap2"], "ASSIGNED_TO", Direction.OUT)
    assert [(e.node.id, e.relationship.properties) for e in handler] == [("org-st", {"since": "2026-03-20"})]


async def test_a_patch_is_judged_merged_into_the_stored_appeal(store: GraphStore) -> None:
    await _seed(store)
    # ap6 is ACCEPTED on 2026-03-18: closing it skips resolving
    with pytest.raises(ValidationError) as exc:
        await store.write(
            WriteBatch([Node("Appeal", "ap6", {"status": "CLOSED", "closed_on": "2026-03-20"})], patch=True)
        )
    assert _problems(exc) == [("Appeal ap6", "resolved_on", "STATUS_DATES"), ("Appeal ap6", "history", "HISTORY")]
    # assigning it needs the ASSIGNED_TO in the same write, and a history that says so
    history = [*next(n for n in CITY.nodes if n.id == "ap6").properties["history"]]
    history.append("2026-03-19T09:00:00+08:00|ACCEPTED|ASSIGNED|org-c1")
    assign = [Node("Appeal", "ap6", {"status": "ASSIGNED", "history": history})]
    with pytest.raises(ValidationError) as exc:
        await store.write(WriteBatch(assign, patch=True))
    assert _problems(exc) == [("Appeal ap6", "ASSIGNED_TO", "NO_HANDLER")]
    await store.write(
        WriteBatch(assign, [Relationship("ASSIGNED_TO", "ap6", "am1", {"since": "2026-03-19"})], patch=True)
    )
    (ap6,) = await store.get_nodes(["ap6"])
    assert ap6 is not None and ap6.properties["status"] == "ASSIGNED" and ap6.properties["accepted_on"] == "2026-03-18"
    # a date the status needs cannot be removed
    with pytest.raises(ValidationError) as exc:
        await store.write(WriteBatch([Node("Appeal", "ap6", {"accepted_on": None})], patch=True))
    assert _problems(exc) == [("Appeal ap6", "accepted_on", "STATUS_DATES")]


async def test_the_projection_has_appeals_and_activities_without_personal_data(store: GraphStore) -> None:
    await _seed(store)
    G = await store.project()
    ap1 = G.nodes["ap1"]
    assert ap1["label"] == "Appeal" and ap1["status"] == "CLOSED" and ap1["due"] == "2026-03-08"
    assert "description" not in ap1 and len(ap1["history"]) == 6
    assert G.nodes["act1"] == {
        "label": "Activity",
        "title": "东门社区民生议题圆桌会议",
        "kind": "ROUNDTABLE",
        "on": "2026-03-18",
    }
    assert G.edges["ap2", "org-c1", "ASSIGNED_TO"] == {"type": "ASSIGNED_TO", "since": "2026-03-15"}
    assert G.has_edge("act1", "ap3", "DISCUSSED") and G.has_edge("pm2", "act1", "ATTENDED")
    only = await store.project(["Appeal", "Building"], ["CONCERNS"])
    assert sorted(only.predecessors("b1")) == ["ap1"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_appeals_round_trip_through_csv_and_json(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    await import_records(store, list(CITY.nodes), list(CITY.relationships))
    target = tmp_path / ("city.json" if fmt == "json" else "city")
    await export_store(store, target, fmt, include_pii=True)  # type: ignore[arg-type]
    await store.clear()
    report = await import_path(store, target)
    assert report.ok, report.summary()
    data = await collect(store)
    assert GraphData.sorted(data.nodes, data.relationships) == CITY.data()


async def test_appeals_in_graphml_gexf_and_cytoscape(store: GraphStore, tmp_path: Path) -> None:
    await _seed(store)
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("cytoscape", "g.cyjs")):
        await export_store(store, tmp_path / name, fmt)  # type: ignore[arg-type]
    history = ";".join(next(n for n in CITY.nodes if n.id == "ap1").properties["history"])
    graphml = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    gexf = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    for text in (graphml, gexf):
        ET.fromstring(text)
        assert history in text and "楼顶渗漏" in text and "张三丰反映" not in text  # the description is personal
    cy = json.loads((tmp_path / "g.cyjs").read_text(encoding="utf-8"))
    ap1 = next(n["data"] for n in cy["elements"]["nodes"] if n["data"]["id"] == "ap1")
    assert ap1["label"] == "Appeal" and ap1["status"] == "CLOSED" and "description" not in ap1
    assert ap1["history"] == next(n for n in CITY.nodes if n.id == "ap1").properties["history"]
    edges = {(e["data"]["type"], e["data"]["source"], e["data"]["target"]) for e in cy["elements"]["edges"]}
    assert {("ASSIGNED_TO", "ap1", "am1"), ("HELD_IN", "act1", "c1"), ("ATTENDED", "am1", "act1")} <= edges


async def test_an_area_export_of_appeals_imports_into_an_empty_store(store: GraphStore, tmp_path: Path) -> None:
    await import_records(store, list(CITY.nodes), list(CITY.relationships))
    await export_store(store, tmp_path / "c1.json", "json", area="c1", include_pii=True)
    exported = await collect(store, area="c1")
    assert {"ap1", "ap2", "ap3", "ap6", "act1"} <= {n.id for n in exported.nodes}
    assert not {"ap4", "ap5", "s2-ap1"} & {n.id for n in exported.nodes}  # they are in c2 and 南闸
    await store.clear()
    report = await import_path(store, tmp_path / "c1.json")
    assert report.ok, report.summary()
    assert [n.id for n in (await collect(store)).nodes] == [n.id for n in exported.nodes]
