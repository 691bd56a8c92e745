"""The import and export formats on their own (no store): headers, cells, readers, checks, writers."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from graph_schema import Node, Relationship
from loaders.formats.batches import Plan
from loaders.formats.checking import check
from loaders.formats.csvformat import CellError, encode, parse_header, write_header_files
from loaders.formats.csvreading import read_csv
from loaders.formats.exporting import format_for_path, write_csv, write_cytoscape, write_gexf, write_graphml
from loaders.formats.graphdata import GraphData
from loaders.formats.jsonformat import read_json, write_json
from loaders.formats.reading import read_path, read_records
from loaders.formats.rejects import rejects_path, write_rejects
from loaders.formats.sources import ImportProblem, Parsed
from loaders.progress import ProgressBar


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def plan_of(parsed: Parsed, cascade: bool = False) -> Plan:
    return asyncio.run(check(parsed, None, cascade=cascade))


def messages(plan: Plan) -> list[str]:
    return [str(p) for p in plan.problems]


GOOD_NODES = """id:ID(Household),:LABEL,name,size:int,tags:string[],phone
h1,Household;Entity,"1栋,101",3,FLOATING;KEY_GROUP,13812341234
h2,Household;Entity,1栋102,,,
"""
GOOD_BUILDINGS = "id:ID(Building),name,kind\nb1,1栋,BUILDING\n"
GOOD_PART_OF = ":START_ID(Household),:END_ID(Building),:TYPE\nh1,b1,PART_OF\nh2,b1,PART_OF\n"


# --- headers and cells -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "role", "name", "type_", "group"),
    [
        ("id:ID(Household)", "id", "id", "", "Household"),
        (":ID(Household)", "id", "", "", "Household"),
        (":LABEL", "label", "", "", None),
        (":START_ID(PartyMember)", "start", "", "", "PartyMember"),
        (":END_ID", "end", "", "", None),
        (":TYPE", "type", "", "", None),
        ("size:int", "property", "size", "int", None),
        ("vanguard:boolean", "property", "vanguard", "boolean", None),
        ("tags:string[]", "property", "tags", "string[]", None),
        ("address", "property", "address", "", None),
        ("notes:IGNORE", "ignore", "notes", "", None),
    ],
)
def test_headers_follow_the_neo4j_admin_convention(
    cell: str, role: str, name: str, type_: str, group: str | None
) -> None:
    col = parse_header(cell)
    assert (col.role, col.name, col.type, col.group) == (role, name, type_, group)


@pytest.mark.parametrize(
    ("cell", "fragment"), [("size:integer", "not a neo4j-admin type"), (":int", "no property name")]
)
def test_bad_headers_say_why(cell: str, fragment: str) -> None:
    with pytest.raises(CellError, match=fragment):
        parse_header(cell)


def test_cells_encode_like_neo4j_admin_reads_them() -> None:
    assert [encode(v) for v in (True, False, 3, ["A", "B"], "x", None)] == ["true", "false", "3", "A;B", "x", ""]
    with pytest.raises(ValueError, match="separates list items"):
        encode(["a;b"])


# --- CSV folders -------------------------------------------------------------------------------


def test_a_csv_folder_reads_nodes_and_relationships_with_their_rows(tmp_path: Path) -> None:
    write(tmp_path, "Household.csv", GOOD_NODES)
    write(tmp_path, "Building.csv", GOOD_BUILDINGS)
    write(tmp_path, "PART_OF__Household__Building.csv", GOOD_PART_OF)
    write(tmp_path, "notes.txt", "ignored")
    parsed = read_csv(tmp_path)
    assert not parsed.problems
    nodes = {n.id: (n, src.file, row) for n, src, row in parsed.nodes}
    assert nodes["h1"][0] == Node(
        "Household", "h1", {"name": "1栋,101", "size": 3, "tags": ["FLOATING", "KEY_GROUP"], "phone": "13812341234"}
    )
    assert nodes["h2"][0].properties == {"name": "1栋102"}  # empty cells are absent properties
    assert nodes["h2"][1:] == ("Household.csv", 3)
    assert [(r, src.file, row) for r, src, row in parsed.relationships][1] == (
        Relationship("PART_OF", "h2", "b1"),
        "PART_OF__Household__Building.csv",
        3,
    )
    plan = plan_of(parsed)
    assert plan.problems == []
    assert [n.label for n in plan.nodes] == ["Building", "Household", "Household"]  # parents first


def test_a_type_named_file_and_a_type_column_both_work(tmp_path: Path) -> None:
    write(tmp_path, "nodes.csv", "id:ID,:LABEL,name,kind\nb1,Building,1栋,BUILDING\ng1,Grid;Entity,一网格,\n")
    write(tmp_path, "PART_OF.csv", ":START_ID,:END_ID\nb1,g1\n")
    write(tmp_path, "mixed.csv", ":START_ID,:END_ID,:TYPE\nb1,g1,PART_OF\n")
    plan = plan_of(read_csv(tmp_path))
    assert plan.problems == []
    assert {n.label for n in plan.nodes} == {"Building", "Grid"}
    assert len(plan.relationships) == 2


def test_unreadable_cells_are_reported_with_file_row_and_column(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Household.csv",
        "id:ID(Household),name,size:int,tags:string[]\nh1,一室,three,\nh2,二室,2,FLOATING;;KEY_GROUP\n",
    )
    write(tmp_path, "PartyMember.csv", "id:ID(PartyMember),name,kind,vanguard:boolean\nm1,张三,RESIDENT,maybe\n")
    assert messages(plan_of(read_csv(tmp_path))) == [
        "Household.csv row 2, column size:int: 'three' is not a whole number",
        "Household.csv row 3, column tags:string[]: 'FLOATING;;KEY_GROUP' has an empty item "
        "(separate items with a single ';')",
        "PartyMember.csv row 2, column vanguard:boolean: 'maybe' is not true or false",
    ]


def test_header_problems_are_reported_once_on_row_1(tmp_path: Path) -> None:
    write(tmp_path, "Household.csv", "id:ID(Household),name,colour,size,人数\nh1,一室,red,3,3\n")
    write(tmp_path, "VISITED.csv", ":START_ID(PartyMember),:END_ID(Household),on:date\n")
    write(tmp_path, "Building.csv", "id:ID(Building),name\nb1,1栋\n")
    got = messages(plan_of(read_csv(tmp_path)))
    assert got == [
        "Building.csv row 1, column kind: there is no kind column, and Building.kind is required",
        "Household.csv row 1, column colour: Household has no property 'colour' (known: address, head_id_number, "
        "head_name, name, phone, size, tags)",
        "Household.csv row 1, column size: Household.size is a whole number: write the header as size:int",
        "Household.csv row 1, column 人数: Household has no property '人数' (known: address, head_id_number, "
        "head_name, name, phone, size, tags); in CSV files use the English name size:int",
        "VISITED.csv row 1, column on:date: VISITED.on is a date (YYYY-MM-DD): write the header as on "
        "(dates are plain strings, no :date type)",
    ]


def test_files_that_name_nothing_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "people.csv", "id:ID,name\np1,x\n")
    write(tmp_path, "links.csv", ":START_ID,:END_ID\na,b\n")
    write(tmp_path, "other.csv", "a,b\n1,2\n")
    write(tmp_path, "empty.csv", "")
    (tmp_path / "latin1.csv").write_bytes("id:ID(Street),name\ns1,caf\xe9\n".encode("latin-1"))
    got = messages(plan_of(read_csv(tmp_path)))
    assert got == [
        "empty.csv: the file is empty (no header row)",
        "latin1.csv row 2: this line is not UTF-8 text; save the file as UTF-8 CSV",
        "links.csv: cannot tell which relationship type links.csv holds: name the file after it "
        "(e.g. PART_OF.csv or PART_OF__Household__Building.csv) or add a :TYPE column",
        "other.csv: is neither a node file (it needs an id:ID(Label) column) nor a relationship file "
        "(it needs :START_ID(Label) and :END_ID(Label) columns)",
        "people.csv: cannot tell which label people.csv holds: name the file after it (e.g. Household.csv) "
        "or add a :LABEL column",
    ]


def test_rows_disagreeing_with_their_file_are_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Building.csv",
        "id:ID(Building),:LABEL,name,kind\nb1,Grid;Entity,x,BUILDING\nb2,Building,y,COURTYARD,extra\n",
    )
    assert messages(plan_of(read_csv(tmp_path))) == [
        "Building.csv row 2, column :LABEL: this row is a Grid, but Building.csv holds Building nodes",
        "Building.csv row 3: the row has 5 cells but the header has 4 columns",
    ]


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "Street.csv").write_bytes("\ufeffid:ID(Street),name\ns1,澄江街道\n".encode())
    parsed = read_csv(tmp_path)
    assert parsed.problems == [] and parsed.nodes[0][0] == Node("Street", "s1", {"name": "澄江街道"})


# --- contract checks ----------------------------------------------------------------------------


def test_every_contract_problem_names_file_row_and_column(tmp_path: Path) -> None:
    write(
        tmp_path,
        "AllianceMember.csv",
        "id:ID(AllianceMember),name,kind,credit_code\nu1,物业公司,PROPERTY_COMPANY,91350100M000100Y44\nu2,商会,CLUB,\n",
    )
    write(tmp_path, "Building.csv", "id:ID(Building),name,kind\nb1,1栋,BUILDING\nu1,重复,BUILDING\n")
    write(tmp_path, "Grid.csv", "id:ID(Grid),name\ng1,一网格\ng2,二网格\n")
    write(tmp_path, "Household.csv", "id:ID(Household),name,phone\nh1,,12812341234\n")
    write(
        tmp_path,
        "PART_OF__Building__Grid.csv",
        ":START_ID(Building),:END_ID(Grid),:TYPE\nb1,g1,PART_OF\nb1,g2,PART_OF\nb9,g1,PART_OF\n",
    )
    write(tmp_path, "MANAGES__AllianceMember__Building.csv", ":START_ID(AllianceMember),:END_ID(Building)\nu1,g1\n")
    assert messages(plan_of(read_csv(tmp_path))) == [
        "AllianceMember.csv row 2, column credit_code: '91350100M000100Y44': check character is 4, expected 3",
        "AllianceMember.csv row 3, column kind: 'CLUB' is not one of CHAMBER_OR_ASSOCIATION, ENTERPRISE, "
        "FINANCIAL_INSTITUTION, GOVERNMENT_UNIT, PROPERTY_COMPANY, SOCIAL_ORGANIZATION",
        "Building.csv row 3, column id:ID(Building): id 'u1' is already used by a AllianceMember at "
        "AllianceMember.csv row 2; ids are unique across the graph",
        "Household.csv row 2, column phone: '12812341234': must be 11 digits starting 13-19",
        "Household.csv row 2, column name: name is required",
        "MANAGES__AllianceMember__Building.csv row 2, column :END_ID(Building): 'g1' is a Grid, expected a Building",
        "PART_OF__Building__Grid.csv row 3, column :END_ID(Grid): 'b1' already has PART_OF 'g1' at "
        "PART_OF__Building__Grid.csv row 2; only one is allowed",
        "PART_OF__Building__Grid.csv row 4, column :START_ID(Building): no node with id 'b9' in this import or in "
        "the store (expected a Building or Community or Grid or Household)",
    ]


def test_an_id_space_that_disagrees_with_the_node_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "nodes.csv", "id:ID,:LABEL,name\nm1,PartyMember,张三\nm2,PartyMember,李四\nh1,Household,一室\n")
    write(
        tmp_path,
        "LINKS__PartyMember__Household.csv",
        ":START_ID(PartyMember),:END_ID(Household),since\nm1,m2,2024-01-01\n",
    )
    plan = plan_of(read_csv(tmp_path))
    problems = [p for p in plan.problems if p.code == "ENDPOINT_LABEL"]
    assert [str(p) for p in problems] == [
        "LINKS__PartyMember__Household.csv row 2, column :END_ID(Household): 'm2' is a PartyMember, but column "
        ":END_ID(Household) takes Household ids"
    ]


def test_cascade_rejects_relationships_of_rejected_nodes(tmp_path: Path) -> None:
    write(tmp_path, "Household.csv", "id:ID(Household),name,size:int\nh1,一室,0\nh2,二室,2\n")
    write(tmp_path, "Building.csv", GOOD_BUILDINGS)
    write(tmp_path, "PART_OF.csv", ":START_ID,:END_ID\nh1,b1\nh2,b1\n")
    plan = plan_of(read_csv(tmp_path), cascade=True)
    assert messages(plan) == [
        "Household.csv row 2, column size:int: must be at least 1, got 0",
        "PART_OF.csv row 2, column :START_ID: start 'h1' was rejected (see Household.csv row 2)",
    ]
    assert (plan.rejected_nodes, plan.rejected_relationships) == (1, 1)
    assert [r.start for r in plan.relationships] == ["h2"]


def test_a_file_with_a_bad_header_is_rejected_whole_when_skipping(tmp_path: Path) -> None:
    write(tmp_path, "Household.csv", "id:ID(Household),name,colour\nh1,一室,red\nh2,二室,blue\n")
    plan = plan_of(read_csv(tmp_path), cascade=True)
    assert plan.nodes == [] and plan.rejected_nodes == 2
    assert messages(plan)[-1] == (
        "Household.csv row 1: all 2 rows are rejected: the header of Household.csv has problems (colour)"
    )


# --- JSON ------------------------------------------------------------------------------------------


def test_json_documents_are_read_and_located_by_index(tmp_path: Path) -> None:
    doc = {
        "nodes": [
            {"label": "Building", "id": "b1", "properties": {"name": "1栋", "kind": "BUILDING", "address": None}},
            {"label": "Household", "id": "h1", "properties": {"name": "一室", "size": "3"}},
            {"label": "Household", "id": 7},
            "nope",
        ],
        "relationships": [{"type": "PART_OF", "start": "h1", "end": "b1", "colour": 1}],
        "extra": 1,
    }
    path = write(tmp_path, "city.json", json.dumps(doc, ensure_ascii=False))
    parsed = read_json(path)
    assert parsed.nodes[0][0] == Node("Building", "b1", {"name": "1栋", "kind": "BUILDING"})
    assert messages(plan_of(parsed)) == [
        "city.json, extra: unknown top-level field 'extra' (expected nodes, relationships)",
        "city.json nodes[1].properties.size: must be a whole number, got '3'",
        "city.json nodes[2].id: id must be a string (got 7)",
        "city.json nodes[2].properties.name: name is required",
        "city.json nodes[3]: must be an object with label, id and properties",
        "city.json relationships[0].colour: unknown field 'colour' (expected type, start, end and properties)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "city.json: is not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)"),
        ("[]", 'city.json: must be an object {"nodes": [...], "relationships": [...]}'),
    ],
)
def test_bad_json_is_reported(tmp_path: Path, text: str, message: str) -> None:
    assert messages(plan_of(read_json(write(tmp_path, "city.json", text)))) == [message]


def test_read_path_dispatches_on_the_kind_of_input(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_path(tmp_path / "missing")
    with pytest.raises(ValueError, match="folder of CSV files"):
        read_path(write(tmp_path, "x.txt", ""))
    assert read_path(write(tmp_path / "one", "Street.csv", "id:ID(Street),name\ns1,x\n")).nodes


def test_problems_print_like_a_person_would_say_them() -> None:
    assert str(
        ImportProblem("book.xlsx", 3, "人数", "BAD_VALUE", "'x' is not a whole number", "Household", kind="xlsx")
    ) == ("book.xlsx sheet Household row 3, column 人数: 'x' is not a whole number")
    assert str(ImportProblem("Household.csv", 0, "", "EMPTY_FILE", "the file is empty")) == (
        "Household.csv: the file is empty"
    )


def test_rejects_are_csv_next_to_the_input(tmp_path: Path) -> None:
    problems = [
        ImportProblem(
            "Household.csv", 2, "size:int", "BAD_VALUE", "'three' is not a whole number", record="Household h1"
        )
    ]
    path = rejects_path(tmp_path / "city")
    assert path == tmp_path / "city.rejects.csv"
    assert write_rejects(path, problems) == 1
    assert path.read_text(encoding="utf-8").splitlines() == [
        "file,sheet,row,column,record,code,message",
        "Household.csv,,2,size:int,Household h1,BAD_VALUE,'three' is not a whole number",
    ]


# --- writers ---------------------------------------------------------------------------------------


def sample() -> GraphData:
    nodes = [
        Node(
            "Household", "h1", {"name": "1栋101", "size": 3, "tags": ["FLOATING", "KEY_GROUP"], "head_name": "张三丰"}
        ),
        Node("Building", "b1", {"name": "1栋", "kind": "BUILDING"}),
        Node("PartyMember", "m1", {"name": "李四", "kind": "RESIDENT", "vanguard": True, "phone": "13812341234"}),
    ]
    rels = [
        Relationship("VISITED", "m1", "h1", {"on": "2026-10-02"}),
        Relationship("PART_OF", "h1", "b1"),
        Relationship("VISITED", "m1", "h1", {"on": "2026-09-01"}),
        Relationship("LIVES_IN", "m1", "h1"),
    ]
    return GraphData.sorted(nodes, rels)


def test_csv_export_is_the_bulk_format_without_pii(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    write(tmp_path / "out", "Street.csv", "stale")
    write(tmp_path / "out", "keep.csv", "not ours")
    files = write_csv(tmp_path / "out", sample())
    assert [f.name for f in files] == [
        "Building.csv",
        "Household.csv",
        "LIVES_IN__PartyMember__Household.csv",
        "PART_OF__Household__Building.csv",
        "PartyMember.csv",
        "VISITED__PartyMember__Household.csv",
    ]
    assert not (tmp_path / "out" / "Street.csv").exists() and (tmp_path / "out" / "keep.csv").exists()
    assert (tmp_path / "out" / "Household.csv").read_text(encoding="utf-8") == (
        "id:ID(Household),:LABEL,name,size:int,tags:string[]\nh1,Household;Entity,1栋101,3,FLOATING\n"
    )
    assert (tmp_path / "out" / "VISITED__PartyMember__Household.csv").read_text(encoding="utf-8") == (
        ":START_ID(PartyMember),:END_ID(Household),:TYPE,on\nm1,h1,VISITED,2026-09-01\nm1,h1,VISITED,2026-10-02\n"
    )
    members = (tmp_path / "out" / "PartyMember.csv").read_text(encoding="utf-8")
    assert members.splitlines()[0] == "id:ID(PartyMember),:LABEL,kind,vanguard:boolean"
    # and it reads back as the same graph, minus the personal information
    (tmp_path / "out" / "keep.csv").unlink()
    plan = plan_of(read_csv(tmp_path / "out"))
    assert [p.code for p in plan.problems] == ["MISSING_COLUMN"]  # a member's name is PII and required


def test_csv_export_with_pii_reads_back_identically(tmp_path: Path) -> None:
    write_csv(tmp_path / "out", sample(), include_pii=True)
    plan = plan_of(read_csv(tmp_path / "out"))
    assert plan.problems == []
    assert GraphData.sorted(plan.nodes, plan.relationships) == sample()


def test_json_export_is_one_record_per_line_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    write_json(path, sample(), include_pii=True)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == [
        "{",
        '"nodes": [',
        '{"label":"Building","id":"b1","properties":{"kind":"BUILDING","name":"1栋"}},',
    ]
    parsed = read_json(path)
    assert GraphData.sorted([n for n, _, _ in parsed.nodes], [r for r, _, _ in parsed.relationships]) == sample()
    write_json(path, GraphData())
    assert json.loads(path.read_text(encoding="utf-8")) == {"nodes": [], "relationships": []}


def test_graphml_and_gexf_read_back_with_networkx(tmp_path: Path) -> None:
    write_graphml(tmp_path / "g.graphml", sample())
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert g.nodes["h1"] == {"label": "Household", "name": "1栋101", "size": 3, "tags": "FLOATING"}
    assert "phone" not in g.nodes["m1"]
    assert sorted(d["type"] for _, _, d in g.edges(data=True)) == ["LIVES_IN", "PART_OF", "VISITED", "VISITED"]
    write_gexf(tmp_path / "g.gexf", sample(), include_pii=True)
    text = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert "lastmodifieddate" not in text  # reproducible bytes
    h = nx.read_gexf(tmp_path / "g.gexf")
    assert h.nodes["m1"]["label"] == "李四" and h.nodes["m1"]["class"] == "PartyMember"
    assert h.number_of_edges() == 4


def test_cytoscape_elements(tmp_path: Path) -> None:
    write_cytoscape(tmp_path / "g.cyjs", sample())
    doc = json.loads((tmp_path / "g.cyjs").read_text(encoding="utf-8"))
    assert doc["elements"]["nodes"][0] == {"data": {"id": "b1", "label": "Building", "kind": "BUILDING", "name": "1栋"}}
    assert doc["elements"]["edges"][-1] == {
        "data": {
            "id": "m1|VISITED|2026-10-02|h1",
            "source": "m1",
            "target": "h1",
            "type": "VISITED",
            "on": "2026-10-02",
        }
    }


def test_every_writer_is_deterministic(tmp_path: Path) -> None:
    for name, writer in (
        ("a.json", write_json),
        ("a.graphml", write_graphml),
        ("a.gexf", write_gexf),
        ("a.cyjs", write_cytoscape),
    ):
        writer(tmp_path / name, sample())
        first = (tmp_path / name).read_bytes()
        shuffled = GraphData.sorted(reversed(sample().nodes), reversed(sample().relationships))
        writer(tmp_path / name, shuffled)
        assert (tmp_path / name).read_bytes() == first, name


def test_formats_follow_the_suffix() -> None:
    assert [format_for_path(Path(p)) for p in ("a.json", "a.graphml", "a.GEXF", "a.cyjs", "folder")] == [
        "json",
        "graphml",
        "gexf",
        "cytoscape",
        "csv",
    ]


def test_header_files_cover_every_label_and_pair(tmp_path: Path) -> None:
    files = write_header_files(tmp_path)
    names = {f.name for f in files}
    assert {"Household.csv", "LINKS__PartyMember__Household.csv", "LINKS__PartyMember__PartyMember.csv"} <= names
    parsed = read_csv(tmp_path)
    assert parsed.problems == [] and parsed.nodes == []


def test_generated_records_are_located_by_index() -> None:
    parsed = read_records([Node("Street", "s1", {"name": ""})], [], "preset demo (seed 0)")
    assert messages(plan_of(parsed)) == ["preset demo (seed 0) nodes[0].properties.name: name is required"]


# --- progress --------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_redraws_in_place_on_a_terminal() -> None:
    out, clock = io.StringIO(), Clock()
    bar = ProgressBar(out, tty=True, clock=clock, prefix="x")
    bar.stage("writing", 200)
    clock.now = 1.0
    bar.advance(100)
    clock.now = 2.0
    bar.advance(100)
    bar.done()
    text = out.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "[##############..............] 100/200 (50%), 100/s, 1.0 s" in text
    assert "200/200 (100%)" in text


def test_progress_prints_periodic_lines_otherwise() -> None:
    out, clock = io.StringIO(), Clock()
    bar = ProgressBar(out, tty=False, interval=5, clock=clock, prefix="x")
    bar.stage("reading")
    for _ in range(10):
        clock.now += 1
        bar.advance(1000)
    bar.done()
    assert out.getvalue().splitlines() == [
        "x: reading 5,000, 1,000/s, 5.0 s",
        "x: reading 10,000, 1,000/s, 10.0 s",
        "x: reading 10,000, 1,000/s, 10.0 s done",
    ]


def test_an_empty_end_is_called_empty(tmp_path: Path) -> None:
    write(tmp_path, "Building.csv", GOOD_BUILDINGS)
    write(tmp_path, "PART_OF.csv", ":START_ID,:END_ID\n,b1\n")
    assert messages(plan_of(read_csv(tmp_path))) == ["PART_OF.csv row 2, column :START_ID: the start id is empty"]
