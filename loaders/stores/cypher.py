"""Every Cypher statement civicmesh runs, in one place, with parameters.

Labels, relationship types and property names cannot be Cypher parameters; the builders
below take them only after checking them against the contract (``graph_schema``), so no
caller-supplied text ever reaches a query string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from graph_schema import NODE_SPECS, WITHIN_VIA, Label, RelType
from graph_schema.contract import WITHIN_THROUGH
from graph_schema.ddl import ENTITY, TEXT_NAME_LABELS
from loaders.scope import Scope

_LABELS = {label.value: label for label in Label}
_TYPES = {t.value: t for t in RelType}

LABEL_OF: Final = f"[l IN labels(n) WHERE l <> '{ENTITY}'][0]"


def label(name: str) -> str:
    """A contract label, safe to splice into Cypher; ``ValueError`` otherwise."""
    if name not in _LABELS:
        raise ValueError(f"unknown label {name!r}")
    return name


def rel_type(name: str) -> str:
    """A contract relationship type, safe to splice into Cypher; ``ValueError`` otherwise."""
    if name not in _TYPES:
        raise ValueError(f"unknown relationship type {name!r}")
    return name


def prop_name(label_name: str, name: str) -> str:
    """A property of ``label_name`` from the contract, safe to splice; ``ValueError`` otherwise."""
    if name != "id" and name not in NODE_SPECS[_LABELS[label(label_name)]].props:
        raise ValueError(f"{label_name} has no property {name!r}")
    return name


def is_list_prop(label_name: str, name: str) -> bool:
    spec = NODE_SPECS[_LABELS[label_name]].props.get(name)
    return spec is not None and spec.type == "string[]"


# --- scopes --------------------------------------------------------------------------

_VIA: Final = "|".join(sorted({via.value for via in WITHIN_VIA.values() if via is not None}))


def in_scope(var: str, scope: Scope | None, params: dict[str, Any]) -> str | None:
    """The condition that node ``var`` lies in ``scope`` (None when there is no scope), adding
    its parameters (``$scope_ids``, ``$scope_root``) to ``params``.

    Inside a root area means: up from the node, first through at most one WITHIN_VIA
    relationship (LIVES_IN, GOVERNS, LOCATED_IN: each leaves only the label it places), then
    through at most four PART_OF, to the root; for a label of WITHIN_THROUGH (an assessment),
    first through its relationship to the node that places it (:func:`_through`).  The walk
    starts from the bound node (the root is matched by property, not by the index), so its cost
    is a handful of hops per node whatever the size of the root's subtree.
    """
    if scope is None:
        return None
    params["scope_ids"] = sorted(scope.listed)
    listed = f"{var}.id IN $scope_ids"
    if scope.root is None:
        return listed
    params["scope_root"] = scope.root
    up = f"EXISTS {{ MATCH ({var})-[:{_VIA}*0..1]->()-[:PART_OF*0..4]->(s) WHERE s.id = $scope_root }}"
    return " OR ".join([f"({listed}", up, *_through(var)]) + ")"


def parent_inside(var: str, scope: Scope | None, params: dict[str, Any]) -> str | None:
    """A condition on node ``var`` that, when true, puts every node with a PART_OF to ``var``
    inside ``scope``'s root (None when the scope has no root): ``var`` lies at most three PART_OF
    below the root, so its PART_OF children lie at most four below it, which is the up-walk of
    :func:`in_scope`.  A walk down PART_OF tests it once per parent instead of :func:`in_scope`
    once per child (``inside OR cond``: the child's own test stays for parents outside, such as
    the name-only areas above the root)."""
    if scope is None or scope.root is None:
        return None
    params["scope_root"] = scope.root
    return f"EXISTS {{ MATCH ({var})-[:PART_OF*0..3]->(s) WHERE s.id = $scope_root }}"


def _through(var: str) -> list[str]:
    """The conditions that ``var`` lies in ``$scope_root`` two steps away (``WITHIN_THROUGH``: an
    assessment through the branch it ASSESSES and the area that branch GOVERNS), each tested
    only on a node of its label."""
    out = []
    for lab, (rel, target) in WITHIN_THROUGH.items():
        via = WITHIN_VIA[target]
        hop = f"-[:{rel_type(via.value)}]->()" if via is not None else ""
        walk = f"({var})-[:{rel_type(rel.value)}]->(:{label(target.value)}){hop}-[:PART_OF*0..4]->(s)"
        out.append(f"({var}:{label(lab.value)} AND EXISTS {{ MATCH {walk} WHERE s.id = $scope_root }})")
    return out


def _and(cond: str | None) -> str:
    return f" AND {cond}" if cond else ""


# --- reads ---------------------------------------------------------------------------


def get_nodes(cond: str | None = None) -> str:
    """One record for the whole batch: 3.4x faster for the driver than a record per node (1,000
    households: 12 against 41 ms), and faster for 5 too (2.1 against 2.6 ms).  ``cond``: see
    :func:`in_scope`."""
    where = f"WHERE {cond}\n" if cond else ""
    return f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
USING INDEX n:{ENTITY}(id)
{where}RETURN collect([n.id, {LABEL_OF}, properties(n)]) AS rows
"""


GET_NODES: Final = get_nodes()

PING: Final = "RETURN 1 AS ok"


def node_values(var: str, projected: bool) -> str:
    """A node's properties as returned: the whole map, or (``projected``) only the values of the
    properties named by ``$props``, in that order (the caller zips them with the names).  Values
    without their names: a listing of 6,000 households asking for ``name`` and ``size`` ships
    two values a node instead of every property of it, personal ones included."""
    return f"[k IN $props | {var}[k]]" if projected else f"properties({var})"


def neighbours(rtype: str, outgoing: bool, cond: str | None = None, projected: bool = False) -> str:
    """``projected``: see :func:`node_values`."""
    arrow = f"-[r:{rel_type(rtype)}]->" if outgoing else f"<-[r:{rel_type(rtype)}]-"
    return f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}}){arrow}(n:{ENTITY})
USING INDEX a:{ENTITY}(id)
WHERE ($labels IS NULL OR {LABEL_OF} IN $labels){_and(cond)}
WITH id, r, n ORDER BY n.id, r.on
WITH id, collect([properties(r), n.id, {LABEL_OF}, {node_values("n", projected)}]) AS edges
RETURN collect([id, edges[..$limit]]) AS rows
"""


def count_neighbours(rtype: str, outgoing: bool, cond: str | None = None) -> str:
    arrow = f"-[:{rel_type(rtype)}]->" if outgoing else f"<-[:{rel_type(rtype)}]-"
    return f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}})
USING INDEX a:{ENTITY}(id)
RETURN id, COUNT {{ MATCH (a){arrow}(n:{ENTITY}) WHERE ($labels IS NULL OR {LABEL_OF} IN $labels){_and(cond)} }} AS n
"""


def ancestors(rtype: str, max_depth: int, cond: str | None = None) -> str:
    depth = int(max_depth)
    keep = f" WHERE {cond}" if cond else ""
    return f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}})
USING INDEX a:{ENTITY}(id)
OPTIONAL MATCH p = (a)-[:{rel_type(rtype)}*1..{depth}]->(:{ENTITY})
WITH id, p ORDER BY length(p) DESC
WITH id, head(collect(p)) AS p
RETURN id, CASE WHEN p IS NULL THEN [] ELSE
  [n IN tail(nodes(p)){keep} | {{id: n.id, label: {LABEL_OF}, props: properties(n)}}] END AS chain
"""


def descendants(rtype: str, max_depth: int, cond: str | None = None) -> str:
    depth = int(max_depth)
    return f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}})
USING INDEX a:{ENTITY}(id)
MATCH p = (a)<-[:{rel_type(rtype)}*1..{depth}]-(n:{ENTITY})
WHERE ($labels IS NULL OR {LABEL_OF} IN $labels){_and(cond)}
WITH id, n, min(length(p)) AS depth, min([x IN tail(nodes(p)) | x.id]) AS trail
ORDER BY depth, trail
RETURN id, collect({{id: n.id, label: {LABEL_OF}, props: properties(n), depth: depth}}) AS found
"""


def node_where(
    label_name: str,
    name_contains: str | None,
    equals: dict[str, Any],
    within: str | None,
    ids: Sequence[str] | None,
    params: dict[str, Any],
    prefix: str = "",
) -> list[str]:
    """WHERE conditions for a listing filter, adding their parameters (``equals``' named
    ``prefix`` + ``eq…``) to ``params``."""
    where: list[str] = []
    if name_contains:
        where += name_condition(name_contains, params)
    for i, (key, value) in enumerate(sorted(equals.items())):
        prop = prop_name(label_name, key)
        name = f"{prefix}eq{i}"
        params[name] = value
        if is_list_prop(label_name, key) and not isinstance(value, list):
            where.append(f"${name} IN coalesce(n.{prop}, [])")
        else:
            where.append(f"n.{prop} = ${name}")
    if within is not None:
        params["within"] = within
        lab = _LABELS[label_name]
        if lab not in WITHIN_VIA:
            where.append("false")
        else:
            via = WITHIN_VIA[lab]
            hop = f"-[:{rel_type(via)}]->(:{ENTITY})" if via is not None else ""
            where.append(f"EXISTS {{ MATCH (n){hop}-[:PART_OF*0..4]->(:{ENTITY} {{id: $within}}) }}")
    if ids is not None:
        where.append("n.id IN $ids")
        params["ids"] = list(ids)
    return where


def uncased(text: str) -> bool:
    """Whether ``text`` has nothing that case-folding could change (Chinese, digits): a
    case-insensitive match of it is the exact match, which the TEXT index serves.

    >>> uncased("花园"), uncased("A栋"), uncased("12")
    (True, False, True)
    """
    return text.casefold() == text == text.upper()


def uncased_part(text: str) -> str | None:
    """The longest run of ``text`` without cased characters, at least two characters long (a
    single character would match too much to narrow anything), or None.  A case-insensitive
    match of ``text`` contains it exactly, so the TEXT index can find the candidates.

    >>> uncased_part("康乐A栋"), uncased_part("Ab1"), uncased_part("abc")
    ('康乐', None, None)
    """
    runs: list[str] = []
    run = ""
    for ch in text:
        if uncased(ch):
            run += ch
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    best = max(runs, key=len)
    return best if len(best) >= 2 else None


def name_condition(text: str, params: dict[str, Any]) -> list[str]:
    """``n.name`` contains ``text``, case-insensitively: exactly when ``text`` is uncased (served
    by the TEXT index on ``Entity(name)``), else its longest uncased run exactly (the index
    again) and then the whole text case-folded; text without such a run reads every name."""
    params["name_contains"] = text
    if uncased(text):
        return ["n.name CONTAINS $name_contains"]
    part = uncased_part(text)
    if part is None:
        return [FOLDED_NAME]
    params["name_part"] = part
    return ["n.name CONTAINS $name_part", FOLDED_NAME]


FOLDED_NAME: Final = "toLower(n.name) CONTAINS toLower($name_contains)"
"""The case-insensitive test of ``$name_contains`` on every name it is given (no index serves it)."""


def text_indexed(name_contains: str | None) -> bool:
    """Whether a listing with this name filter can start from the TEXT index (:func:`name_condition`)."""
    return bool(name_contains) and (uncased(name_contains or "") or uncased_part(name_contains or "") is not None)


def text_match(label_name: str) -> str:
    """The MATCH of a listing of ``label_name`` that starts from the TEXT index on the name
    (:func:`name_condition` gives the CONTAINS it needs): for a name shared by 19,640
    households of 136,000 nodes, 900 db hits instead of 581,000 for a scan of the label.  A label of
    ``TEXT_NAME_LABELS`` starts from its own TEXT index (no label check per entry: the 花园 listing
    of jiangyin in 39k db hits instead of 62k)."""
    if label_name in TEXT_NAME_LABELS:
        return f"MATCH (n:{label(label_name)})\nUSING TEXT INDEX n:{label(label_name)}(name)"
    return f"MATCH (n:{ENTITY}:{label(label_name)})\nUSING TEXT INDEX n:{ENTITY}(name)"


def property_where(
    label_name: str,
    one_of: dict[str, Any],
    ranges: dict[str, tuple[Any, Any]],
    params: dict[str, Any],
    prefix: str,
) -> list[str]:
    """WHERE conditions for ``NodeFilter.one_of`` and ``ranges`` (low inclusive, high exclusive;
    a missing property fails, as ``null >= x`` is not true), parameters named ``prefix…``."""
    where: list[str] = []
    for i, (key, values) in enumerate(sorted(one_of.items())):
        params[f"{prefix}in{i}"] = list(values)
        where.append(f"n.{prop_name(label_name, key)} IN ${prefix}in{i}")
    for i, (key, (low, high)) in enumerate(sorted(ranges.items())):
        prop = prop_name(label_name, key)
        where.append(f"n.{prop} IS NOT NULL")
        if low is not None:
            params[f"{prefix}lo{i}"] = low
            where.append(f"n.{prop} >= ${prefix}lo{i}")
        if high is not None:
            params[f"{prefix}hi{i}"] = high
            where.append(f"n.{prop} < ${prefix}hi{i}")
    return where


def linked_where(linked: dict[str, str], params: dict[str, Any]) -> list[str]:
    """WHERE conditions for ``NodeFilter.linked``: a relationship of the type to the given node."""
    where: list[str] = []
    for i, (rtype, other) in enumerate(sorted(linked.items())):
        params[f"link{i}"] = other
        where.append(f"EXISTS {{ MATCH (n)-[:{rel_type(rtype)}]->(:{ENTITY} {{id: $link{i}}}) }}")
    return where


def negated(conditions: list[str]) -> list[str]:
    """One condition that holds when not all of ``conditions`` do (none: never)."""
    if not conditions:
        return []
    return [f"NOT coalesce(({' AND '.join(conditions)}), false)"]


ANCHORED: Final = frozenset(label.value for label in WITHIN_VIA)
"""Labels whose ``within`` listings start from the area and walk down (:func:`anchor`): all
that can lie within an area."""


def anchor(label_name: str, within: str, params: dict[str, Any]) -> str:
    """The MATCH of a listing of ``label_name`` within an area that starts from the area and
    walks down its PART_OF subtree, then back along the WITHIN_VIA relationship, instead of
    testing every node of the label on the way up: for an appeal queue, the few thousand
    places under a community rather than every open appeal of the city (about 36,000 on
    jiangyin's year); for the households of a community, its 6,155 households rather than an
    up-walk from each of the city's 136,000 (a count in 2-4 ms instead of 3.5 s).

    PART_OF has one parent per node, so the walk reaches each node once; through WITHIN_VIA a
    node may be reached from several areas (an organization governing two grids), hence
    DISTINCT."""
    params["within"] = within
    via = WITHIN_VIA[_LABELS[label(label_name)]]
    hop = f"<-[:{rel_type(via)}]-" if via is not None else ""
    start = f"(w:{ENTITY} {{id: $within}})"
    if not hop:
        return f"MATCH {start}<-[:PART_OF*0..4]-(n:{label_name})"
    return f"MATCH {start}<-[:PART_OF*0..4]-(:{ENTITY}){hop}(n:{label_name})\nWITH DISTINCT n"


def list_nodes(
    label_name: str,
    where: list[str],
    field: str,
    descending: bool,
    backward: bool,
    has_cursor: bool,
    anchored: str | None = None,
    projected: bool = False,
) -> str:
    """A keyset page: ``$limit`` nodes after (or, backward, before) the cursor ``$cv``/``$cid``;
    ``anchored``: the MATCH of :func:`anchor` (or :func:`text_match`) instead of every node of
    the label; ``projected``: see :func:`node_values`."""
    f = prop_name(label_name, field)
    ascending = descending == backward  # walking backwards flips the direction of travel
    op = ">" if ascending else "<"
    conds = list(where)
    # Fields every node has sort as they are; others (an appeal's due) as '' when missing,
    # which is where the embedded store puts them.
    key = f"n.{f}" if f in ("id", "name") else f"coalesce(n.{f}, '')"
    if has_cursor:
        conds.append(f"({key} {op} $cv OR ({key} = $cv AND n.id {op} $cid))")
    clause = f"WHERE {' AND '.join(conds)}" if conds else ""
    direction = "" if ascending else " DESC"
    second = "" if f == "id" else f", n.id{direction}"
    match = anchored or f"MATCH (n:{label(label_name)})"
    return f"""
{match}
{clause}
WITH n, {key} AS k ORDER BY k{direction}{second}
LIMIT $limit
RETURN collect([n.id, k, {node_values("n", projected)}]) AS rows
"""


def count_nodes(label_name: str, where: list[str], anchored: str | None = None) -> str:
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    match = anchored or f"MATCH (n:{label(label_name)})"
    return f"{match}\n{clause}\nRETURN count(n) AS n"


def search(uncased: bool, cond: str | None = None) -> str:
    """Names containing ``$text``.  Case-insensitive reads every name (the TEXT index cannot
    fold case); ``uncased`` text (Chinese, digits: nothing case-folding could change) is the
    same exactly, served by the TEXT index on ``name``."""
    if uncased:
        head = f"MATCH (n:{ENTITY})\nUSING TEXT INDEX n:{ENTITY}(name)\nWHERE n.name CONTAINS $text"
    else:
        head = f"MATCH (n:{ENTITY})\nWHERE toLower(n.name) CONTAINS toLower($text)"
    return f"""
{head} AND ($labels IS NULL OR {LABEL_OF} IN $labels){_and(cond)}
WITH n ORDER BY size(n.name), n.name, n.id
LIMIT $limit
RETURN collect([n.id, {LABEL_OF}, properties(n)]) AS rows
"""


SCAN_NODES: Final = f"""
MATCH (n:{ENTITY})
WHERE n.id > $after AND ($labels IS NULL OR {LABEL_OF} IN $labels)
RETURN n.id AS id, {LABEL_OF} AS label, properties(n) AS props
ORDER BY n.id
LIMIT $limit
"""

SCAN_RELATIONSHIPS: Final = f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}})-[r]->(b:{ENTITY})
USING INDEX a:{ENTITY}(id)
WHERE $types IS NULL OR type(r) IN $types
RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props
ORDER BY start, type, end, coalesce(r.on, '')
"""

# --- writes --------------------------------------------------------------------------

EXISTING_LABELS: Final = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
USING INDEX n:{ENTITY}(id)
RETURN collect([n.id, {LABEL_OF}]) AS rows
"""
"""The labels of the ids a write mentions that exist, as one record."""

EXISTING_PARENTS: Final = f"""
UNWIND $pairs AS pair
MATCH (a:{ENTITY} {{id: pair[1]}})
USING INDEX a:{ENTITY}(id)
SET a.id = a.id
WITH pair, a
UNWIND [(a)-[r]->(p) WHERE type(r) = pair[0] | p.id] AS parent
RETURN collect([pair[0], pair[1], parent]) AS rows
"""
"""For (single-parent type, start id) pairs, the existing parent, as one record.

``SET a.id = a.id`` changes nothing but takes the start node's write lock until the write's
transaction ends, before its parents are read: a concurrent write giving the same node a
parent waits, then reads the parent this one gave, and is refused (``SECOND_PARENT``).
Without it both read "no parent" and both wrote one.  Pairs come sorted, so two writes take
their locks in the same order.

The parents are read by a pattern comprehension from the bound ``a``, so the plan can only
expand from ``a``.  Written as ``MATCH (a …)-[r]->(p:Entity)``, two of about sixty runs of the
bench's load on a fresh server spent 137-138 s in this statement on the first relationship
batch (and a third run stalled as long, untimed).  That is about the time of scanning all
136,110 nodes once for each of the batch's 10,000 pairs, as a plan starting from ``p``
would; it could not be reproduced on demand to confirm.  (Folding this into EXISTING_LABELS, with a comprehension per
id, measured slower: 2.6 s against 1.8 s for the 14 relationship batches of the bench.)"""


CHILD_COUNTS: Final = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
USING INDEX n:{ENTITY}(id)
SET n.id = n.id
WITH n
RETURN collect([n.id, {LABEL_OF}, COUNT {{ (n)<-[:PART_OF]-() }}]) AS rows
"""
"""The PART_OF children of nodes about to be deleted, counted under each node's write lock
(``SET n.id = n.id``): a child linked concurrently waits for this write, which then deletes
the node, or is counted here."""

LOCKED_PROPERTIES: Final = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
USING INDEX n:{ENTITY}(id)
SET n.id = n.id
WITH n
RETURN collect([n.id, properties(n)]) AS rows
"""
"""The properties of the nodes a guarded write expects values of (``WriteBatch.expect``), read
under each node's write lock (``SET n.id = n.id``, ids sorted so two writes lock in one order):
a concurrent guarded write of the same node waits for this one to commit, then reads what it
wrote and is refused (``CHANGED``) instead of overwriting it."""


EXISTING_APPEALS: Final = f"""
UNWIND $ids AS id
MATCH (a:{ENTITY} {{id: id}})
USING INDEX a:{ENTITY}(id)
WITH a WHERE a:Appeal
SET a.id = a.id
WITH a
RETURN collect([a.id, properties(a), [(a)-[:ASSIGNED_TO]->(h) | h.id]]) AS rows
"""
"""The stored properties and the handler of the appeals a write changes, as one record, each
under the appeal's write lock (``SET a.id = a.id``, as in EXISTING_PARENTS): a concurrent
write to the same appeal waits, so the rules judge the appeal as it will be."""

ASSIGNED_APPEALS: Final = f"""
UNWIND $ids AS id
MATCH (h:{ENTITY} {{id: id}})
USING INDEX h:{ENTITY}(id)
MATCH (a:Appeal)-[:ASSIGNED_TO]->(h)
SET a.id = a.id
WITH a, h
RETURN collect([a.id, properties(a), h.id]) AS rows
"""
"""The appeals assigned to nodes a write deletes, with their properties, as one record."""


# --- projection: see loaders/stores/cypher_projection.py ---------------------------


# --- the audit trail -----------------------------------------------------------------
# Events are nodes labelled AuditEvent, without the Entity label: outside the graph contract,
# so no read, scan, projection, export or clear (all of which match :Entity) ever sees them.

AUDIT_LABEL: Final = "AuditEvent"

AUDIT_DDL: Final[tuple[str, ...]] = (
    f"CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (e:{AUDIT_LABEL}) REQUIRE e.id IS UNIQUE",
    f"CREATE RANGE INDEX audit_event_at IF NOT EXISTS FOR (e:{AUDIT_LABEL}) ON (e.at, e.id)",
    f"CREATE RANGE INDEX audit_event_actor IF NOT EXISTS FOR (e:{AUDIT_LABEL}) ON (e.actor)",
)

APPEND_AUDIT: Final = f"""
UNWIND $rows AS row
CREATE (e:{AUDIT_LABEL})
SET e = row
"""

READ_AUDIT: Final = f"""
MATCH (e:{AUDIT_LABEL})
WHERE ($actor IS NULL OR e.actor = $actor)
  AND ($outcome IS NULL OR e.outcome = $outcome)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
  AND ($cat IS NULL OR e.at > $cat OR (e.at = $cat AND e.id > $cid))
WITH e ORDER BY e.at, e.id LIMIT $limit
RETURN collect(properties(e)) AS rows
"""


# --- the import in progress ----------------------------------------------------------
# One node labelled ImportMarker, like AuditEvent outside the graph contract (no Entity
# label): no read, scan, projection, export or clear sees it.

IMPORT_LABEL: Final = "ImportMarker"

IMPORT_DDL: Final[tuple[str, ...]] = (
    f"CREATE CONSTRAINT import_marker_key IF NOT EXISTS FOR (m:{IMPORT_LABEL}) REQUIRE m.key IS UNIQUE",
)

BEGIN_IMPORT: Final = f"""
MERGE (m:{IMPORT_LABEL} {{key: 'import'}})
ON CREATE SET m.source = $source, m.started = $started, m.batches = 0
WITH m, m.source = $source AS same
SET m.started = CASE WHEN same THEN m.started ELSE $started END,
    m.batches = CASE WHEN same THEN m.batches ELSE 0 END,
    m.source = $source
RETURN properties(m) AS m
"""
"""Create the marker, keep one of the same source (a resumed import), replace another's."""

IMPORT_PROGRESS: Final = f"MATCH (m:{IMPORT_LABEL} {{key: 'import'}}) SET m.batches = $batches"

END_IMPORT: Final = f"MATCH (m:{IMPORT_LABEL}) DELETE m"

CURRENT_IMPORT: Final = f"MATCH (m:{IMPORT_LABEL} {{key: 'import'}}) RETURN properties(m) AS m LIMIT 1"
