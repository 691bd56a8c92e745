"""Reading the graph: node lookups, every relationship both ways, listings, filters, search."""

from __future__ import annotations

from tests.api.conftest import Api, gid


async def test_node_and_nodes_by_global_id(api: Api) -> None:
    data = await api.q(
        "query($id: ID!, $ids: [ID!]!) { node(id: $id) { id __typename localId ... on Community { name code } } "
        "nodes(ids: $ids) { id __typename } }",
        {"id": gid("Community", "c1"), "ids": [gid("Household", "hh1"), gid("Street", "missing"), gid("Grid", "g1")]},
    )
    assert data["node"] == {
        "id": gid("Community", "c1"),
        "__typename": "Community",
        "localId": "c1",
        "name": "东门社区",
        "code": "320281001001",
    }
    assert data["nodes"] == [
        {"id": gid("Household", "hh1"), "__typename": "Household"},
        None,
        {"id": gid("Grid", "g1"), "__typename": "Grid"},
    ]


async def test_node_of_a_global_id_with_the_wrong_type_is_null(api: Api) -> None:
    data = await api.q("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Street", "c1")})
    assert data["node"] is None


async def test_bad_global_id_is_an_error_with_a_code(api: Api) -> None:
    errors = await api.errors('{ node(id: "not base64!") { id } }')
    assert errors[0]["extensions"]["code"] == "BAD_ID"
    assert "global ID" in errors[0]["message"]
    errors = await api.errors("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Planet", "x")})
    assert errors[0]["extensions"]["code"] == "BAD_ID"


async def test_governance_network_down_and_up(api: Api) -> None:
    data = await api.q(
        """query($id: ID!) { node(id: $id) { ... on Street {
             communities(first: 5) { totalCount nodes { localId grids(first: 5) { nodes { localId kinds targetHouseholds
               buildings(first: 5) { nodes { localId kind households(first: 5) { nodes { localId size tags
                 residents(first: 5) { nodes { localId } } } } } } } } } } } } }""",
        {"id": gid("Street", "st1")},
    )
    communities = data["node"]["communities"]
    assert communities["totalCount"] == 2
    c1 = communities["nodes"][0]
    assert c1["localId"] == "c1"
    assert [g["localId"] for g in c1["grids"]["nodes"]] == ["g1", "g2"]
    g1, g2 = c1["grids"]["nodes"]
    assert g1["kinds"] == ["GOVERNMENT_SERVICE", "PUBLIC_SAFETY"] and g1["targetHouseholds"] == 300
    assert g2["targetHouseholds"] == 250
    b1 = g1["buildings"]["nodes"][0]
    assert b1 == {
        "localId": "b1",
        "kind": "BUILDING",
        "households": {
            "nodes": [
                {"localId": "hh1", "size": 1, "tags": [], "residents": {"nodes": [{"localId": "pm1"}]}},
                {"localId": "hh2", "size": 3, "tags": [], "residents": {"nodes": [{"localId": "pm2"}]}},
            ]
        },
    }
    up = await api.q(
        "query($id: ID!) { node(id: $id) { ... on Household {"
        " building { grid { community { street { name } } } } } } }",
        {"id": gid("Household", "hh5")},
    )
    assert up["node"]["building"]["grid"]["community"]["street"]["name"] == "澄江街道"


async def test_organization_tree_and_what_it_governs(api: Api) -> None:
    data = await api.q(
        """query($id: ID!, $top: ID!) {
             org: node(id: $id) { ... on PartyOrganization { name level star parent { localId }
                 ancestors { localId } children { nodes { localId } } governs { nodes { __typename localId } }
                 members { nodes { localId } } partTimeMembers { nodes { localId } }
                 leadsAlliances { nodes { localId } } } }
             top: node(id: $top) { ... on PartyOrganization { subtree(maxDepth: 2) { depth node { localId } }
                 deep: subtree(maxDepth: 5) { depth node { localId } } } } }""",
        {"id": gid("PartyOrganization", "org-g1"), "top": gid("PartyOrganization", "org-st")},
    )
    org = data["org"]
    assert org["name"] == "东门一网格党支部" and org["level"] == "GRID_BRANCH" and org["star"] is None
    assert org["parent"] == {"localId": "org-c1"}
    assert org["ancestors"] == [{"localId": "org-c1"}, {"localId": "org-st"}]
    assert org["children"]["nodes"] == [{"localId": "org-b1"}]
    assert org["governs"]["nodes"] == [{"__typename": "Grid", "localId": "g1"}]
    assert org["members"]["nodes"] == [{"localId": "pm1"}, {"localId": "pm2"}]
    assert org["partTimeMembers"]["nodes"] == []
    top = data["top"]
    assert [(e["depth"], e["node"]["localId"]) for e in top["subtree"]] == [(1, "org-c1"), (2, "org-am"), (2, "org-g1")]
    assert (3, "org-b1") in [(e["depth"], e["node"]["localId"]) for e in top["deep"]]


async def test_subtree_depth_is_bounded(api: Api) -> None:
    errors = await api.errors(
        "query($id: ID!) { node(id: $id) { ... on PartyOrganization { subtree(maxDepth: 50) { depth } } } }",
        {"id": gid("PartyOrganization", "org-st")},
    )
    assert errors[0]["extensions"]["code"] == "BAD_DEPTH"


async def test_areas_know_who_governs_and_serves_them(api: Api) -> None:
    data = await api.q(
        """query($c: ID!, $b: ID!) {
             c: node(id: $c) { ... on Community { governedBy { nodes { localId } } servedBy { nodes { localId } }
                 reportedMembers { edges { since node { localId } } } } }
             b: node(id: $b) { ... on Building { governedBy { nodes { localId } } stations { nodes { localId } }
                 managedBy { nodes { localId } } } } }""",
        {"c": gid("Community", "c1"), "b": gid("Building", "b1")},
    )
    assert data["c"]["governedBy"]["nodes"] == [{"localId": "org-c1"}]
    assert data["c"]["servedBy"]["nodes"] == [{"localId": "al1"}]
    assert data["c"]["reportedMembers"]["edges"] == [{"since": "2023-06-01", "node": {"localId": "pm2"}}]
    assert data["b"] == {
        "governedBy": {"nodes": [{"localId": "org-b1"}]},
        "stations": {"nodes": [{"localId": "vs1"}]},
        "managedBy": {"nodes": [{"localId": "am1"}]},
    }


async def test_vanguard_links_visits_and_station(api: Api) -> None:
    data = await api.q(
        """query($id: ID!) { node(id: $id) { ... on PartyMember { vanguard kind gender birthYear
             linkedMembers { edges { since node { localId } } }
             linkedHouseholds { totalCount edges { since node { localId } } }
             visits { totalCount edges { on node { localId } } }
             stations { nodes { localId building { localId } runBy { nodes { localId } } } }
             household { localId } organizations { nodes { localId } } sitsOn { nodes { localId } }
             reportedTo { nodes { localId } } } } }""",
        {"id": gid("PartyMember", "pm1")},
    )
    pm = data["node"]
    assert pm["vanguard"] is True and pm["kind"] == "RESIDENT" and pm["gender"] is None and pm["birthYear"] is None
    assert pm["linkedMembers"]["edges"] == [{"since": "2024-01-01", "node": {"localId": "pm2"}}]
    assert pm["linkedHouseholds"]["totalCount"] == 2
    assert pm["linkedHouseholds"]["edges"] == [
        {"since": "2024-02-01", "node": {"localId": "hh3"}},
        {"since": None, "node": {"localId": "hh4"}},
    ]
    assert pm["visits"]["totalCount"] == 2
    assert pm["visits"]["edges"] == [
        {"on": "2024-03-05", "node": {"localId": "hh3"}},
        {"on": "2024-04-02", "node": {"localId": "hh3"}},
    ]
    assert pm["stations"]["nodes"] == [
        {"localId": "vs1", "building": {"localId": "b1"}, "runBy": {"nodes": [{"localId": "pm1"}]}}
    ]
    assert pm["household"] == {"localId": "hh1"}
    assert pm["organizations"]["nodes"] == [{"localId": "org-g1"}]
    assert pm["sitsOn"]["nodes"] == [{"localId": "org-c1"}]
    assert pm["reportedTo"]["nodes"] == []
    back = await api.q(
        """query($m: ID!, $h: ID!) {
             m: node(id: $m) { ... on PartyMember { linkedBy { edges { since node { localId } } } } }
             h: node(id: $h) { ... on Household { linkedBy { nodes { localId } }
                 visits { edges { on node { localId } } } } } }""",
        {"m": gid("PartyMember", "pm2"), "h": gid("Household", "hh3")},
    )
    assert back["m"]["linkedBy"]["edges"] == [{"since": "2024-01-01", "node": {"localId": "pm1"}}]
    assert back["h"]["linkedBy"]["nodes"] == [{"localId": "pm1"}]
    assert [e["on"] for e in back["h"]["visits"]["edges"]] == ["2024-03-05", "2024-04-02"]


async def test_alliances_leaders_areas_and_units(api: Api) -> None:
    data = await api.q(
        """query($a: ID!, $u: ID!, $o: ID!) {
             a: node(id: $a) { ... on Alliance { theme ledBy { nodes { localId } }
                 serves { nodes { __typename localId } } members { edges { since node { localId kind } } } } }
             u: node(id: $u) { ... on AllianceMember { creditCode resources
                 alliances { edges { since node { localId } } }
                 manages { nodes { localId } } branch { localId } } }
             o: node(id: $o) { ... on PartyOrganization { unit { localId } } } }""",
        {"a": gid("Alliance", "al1"), "u": gid("AllianceMember", "am1"), "o": gid("PartyOrganization", "org-am")},
    )
    a = data["a"]
    assert a["theme"] == "物业治理"
    assert a["ledBy"]["nodes"] == [{"localId": "org-c1"}]
    assert a["serves"]["nodes"] == [
        {"__typename": "Community", "localId": "c1"},
        {"__typename": "Street", "localId": "st1"},
    ]
    assert a["members"]["edges"] == [
        {"since": "2023-01-01", "node": {"localId": "am1", "kind": "PROPERTY_COMPANY"}},
        {"since": None, "node": {"localId": "am2", "kind": "FINANCIAL_INSTITUTION"}},
    ]
    u = data["u"]
    assert u["creditCode"] == "91350100M000100Y43" and u["resources"] == ["PROPERTY_SERVICE", "VOLUNTEERS"]
    assert u["alliances"]["edges"] == [{"since": "2023-01-01", "node": {"localId": "al1"}}]
    assert u["manages"]["nodes"] == [{"localId": "b1"}, {"localId": "b2"}]
    assert u["branch"] == {"localId": "org-am"}
    assert data["o"]["unit"] == {"localId": "am1"}


async def test_every_root_listing_counts_its_label(api: Api) -> None:
    data = await api.q(
        "{ streets { totalCount } communities { totalCount } grids { totalCount } buildings { totalCount } "
        "households { totalCount } partyOrganizations { totalCount } partyMembers { totalCount } "
        "vanguardStations { totalCount } alliances { totalCount } allianceMembers { totalCount } }"
    )
    assert {k: v["totalCount"] for k, v in data.items()} == {
        "streets": 2,
        "communities": 2 + 2,
        "grids": 3 + 4,
        "buildings": 4 + 8,
        "households": 6 + 8,
        "partyOrganizations": 5 + 1 + 2 + 4 + 2,  # 南闸's unit branch and an external branch
        "partyMembers": 3 + 8 + 2,  # 南闸's two in-service members
        "vanguardStations": 1 + 1,
        "alliances": 1 + 1,
        "allianceMembers": 2 + 2,
    }


PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $order: NodeOrder) {
  households(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount edges { cursor node { localId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def test_root_pagination_forwards_and_backwards(api: Api) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = (await api.q(PAGE, {"first": 4, "after": after}))["households"]
        seen += [e["node"]["localId"] for e in page["edges"]]
        assert page["totalCount"] == 14
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"hh{i}" for i in range(1, 7)] + [
        f"s2c{c}g{g}b{b}-h" for c in (1, 2) for g in (1, 2) for b in (1, 2)
    ]
    assert page["pageInfo"]["hasPreviousPage"] is True

    back: list[str] = []
    before = None
    while True:
        page = (await api.q(PAGE, {"last": 4, "before": before}))["households"]
        back = [e["node"]["localId"] for e in page["edges"]] + back
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert back == seen
    last_two = (await api.q(PAGE, {"last": 2}))["households"]
    assert [e["node"]["localId"] for e in last_two["edges"]] == ["s2c2g2b1-h", "s2c2g2b2-h"]
    assert last_two["pageInfo"]["hasPreviousPage"] is True and last_two["pageInfo"]["hasNextPage"] is False


async def test_order_by_name_descending(api: Api) -> None:
    page = (await api.q(PAGE, {"first": 10, "order": {"field": "NAME", "direction": "DESC"}}))["households"]
    names = [e["node"]["localId"] for e in page["edges"]]
    # 陶湾2-2号 > ... > 观西1-1号 > 梅园3号 > 3栋302室 (code points: 陶 > 观 > 梅 > digits)
    nanzha = [f"s2c{c}g{g}b{b}-h" for c in (2, 1) for g in (2, 1) for b in (2, 1)]
    assert names == [*nanzha, "hh4", "hh6"]
    nxt = (
        await api.q(
            PAGE, {"first": 10, "after": page["pageInfo"]["endCursor"], "order": {"field": "NAME", "direction": "DESC"}}
        )
    )["households"]
    assert [e["node"]["localId"] for e in nxt["edges"]] == ["hh5", "hh3", "hh2", "hh1"]


async def test_relationship_pagination_forwards_and_backwards(api: Api) -> None:
    query = """query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { node(id: $id) {
      ... on Building { households(first: $first, after: $after, last: $last, before: $before) {
        totalCount nodes { localId } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""
    b4 = {"id": gid("Building", "b4")}
    first = (await api.q(query, {**b4, "first": 1}))["node"]["households"]
    assert first["nodes"] == [{"localId": "hh5"}] and first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"] is True and first["pageInfo"]["hasPreviousPage"] is False
    second = (await api.q(query, {**b4, "first": 1, "after": first["pageInfo"]["endCursor"]}))["node"]["households"]
    assert second["nodes"] == [{"localId": "hh6"}]
    assert second["pageInfo"]["hasNextPage"] is False and second["pageInfo"]["hasPreviousPage"] is True
    last = (await api.q(query, {**b4, "last": 1}))["node"]["households"]
    assert last["nodes"] == [{"localId": "hh6"}] and last["pageInfo"]["hasPreviousPage"] is True
    before = (await api.q(query, {**b4, "last": 1, "before": last["pageInfo"]["startCursor"]}))["node"]["households"]
    assert before["nodes"] == [{"localId": "hh5"}] and before["pageInfo"]["hasPreviousPage"] is False


async def test_page_arguments_are_checked(api: Api) -> None:
    errors = await api.errors("{ households(first: 100000) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    assert "500" in errors[0]["message"]
    errors = await api.errors("{ households(first: 1, last: 1) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "BAD_PAGE"
    errors = await api.errors('{ households(after: "garbage") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "BAD_CURSOR"


async def test_filters_by_enum_fields_and_name(api: Api) -> None:
    data = await api.q(
        """{ floating: households(filter: {tag: FLOATING}) { nodes { localId } }
             courtyards: buildings(filter: {kind: COURTYARD}) { nodes { localId } }
             safety: grids(filter: {kind: PUBLIC_SAFETY}) { nodes { localId } }
             branches: partyOrganizations(filter: {level: GRID_BRANCH}) { nodes { localId } }
             excellent: partyOrganizations(filter: {star: EXCELLENT}) { nodes { localId } }
             vanguards: partyMembers(filter: {vanguard: true}) { nodes { localId } }
             retired: partyMembers(filter: {kind: RETIRED}) { nodes { localId } }
             banks: allianceMembers(filter: {kind: FINANCIAL_INSTITUTION}) { nodes { localId } }
             funders: allianceMembers(filter: {resource: FUNDING}) { nodes { localId } }
             named: communities(filter: {nameContains: "东门"}) { nodes { localId } }
             alliances(filter: {nameContains: "联盟"}) { nodes { localId } } }"""
    )
    got = {k: [n["localId"] for n in v["nodes"]] for k, v in data.items()}
    assert got == {
        "floating": ["hh3"],
        "courtyards": ["b3"],
        "safety": ["g1"],
        "branches": ["org-g1", "s2c1g1-po", "s2c1g2-po", "s2c2g1-po", "s2c2g2-po"],
        "excellent": ["org-c1"],
        "vanguards": ["pm1", "s2c1g1b1-m", "s2c2g1b1-m"],
        "retired": ["pm3"],
        "banks": ["am2"],
        "funders": ["am2"],
        "named": ["c1"],
        "alliances": ["al1", "s2-al"],
    }


async def test_filter_within_an_area(api: Api) -> None:
    data = await api.q(
        """query($c1: ID!, $g3: ID!) {
             households(filter: {within: $c1}) { totalCount nodes { localId } }
             floating: households(filter: {within: $c1, tag: FLOATING}) { nodes { localId } }
             partyMembers(filter: {within: $g3}) { nodes { localId } }
             partyOrganizations(filter: {within: $c1}) { nodes { localId } }
             vanguardStations(filter: {within: $c1}) { nodes { localId } }
             grids(filter: {within: $c1}) { nodes { localId } } }""",
        {"c1": gid("Community", "c1"), "g3": gid("Grid", "g3")},
    )
    assert data["households"]["totalCount"] == 4
    assert [n["localId"] for n in data["households"]["nodes"]] == ["hh1", "hh2", "hh3", "hh4"]
    assert [n["localId"] for n in data["floating"]["nodes"]] == ["hh3"]
    assert [n["localId"] for n in data["partyMembers"]["nodes"]] == ["pm3"]
    assert [n["localId"] for n in data["partyOrganizations"]["nodes"]] == ["org-b1", "org-c1", "org-g1"]
    assert [n["localId"] for n in data["vanguardStations"]["nodes"]] == ["vs1"]
    assert [n["localId"] for n in data["grids"]["nodes"]] == ["g1", "g2"]


async def test_within_must_be_an_area(api: Api) -> None:
    errors = await api.errors(
        "query($h: ID!) { households(filter: {within: $h}) { totalCount } }", {"h": gid("Household", "hh1")}
    )
    assert errors[0]["extensions"]["code"] == "WRONG_TYPE"


async def test_search_with_a_chinese_substring(api: Api) -> None:
    data = await api.q('{ search(text: "东门") { __typename localId } }')
    found = [(n["__typename"], n["localId"]) for n in data["search"]]
    assert ("Community", "c1") in found and ("Grid", "g1") in found and ("Alliance", "al1") in found
    assert all(t != "PartyMember" for t, _ in found)
    only = await api.q('{ search(text: "梅园", labels: [BUILDING]) { localId } }')
    assert only["search"] == [{"localId": "b3"}]
    assert (await api.q('{ search(text: "   ") { localId } }'))["search"] == []
