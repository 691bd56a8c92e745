"""The write plan of an import: the accepted records in write order, written in batches.

Nodes are written first, parents before children (streets, communities, grids, buildings,
households, then the other labels), then relationships (``PART_OF`` first, from the top of
the hierarchy down), in batches of ``batch_size`` records, each one
:class:`graph_schema.WriteBatch`.  An appeal's ``ASSIGNED_TO`` travels in the batch of the
appeal: the store refuses an assigned appeal without a handler (``NO_HANDLER``), and the
handlers' labels come before ``Appeal`` in the write order.  Writes are upserts, so writing a
plan again changes nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from graph_schema.contract import HIERARCHY, Label, RelType
from graph_schema.records import Node, Relationship, ValidationError
from graph_schema.validation import WriteBatch
from loaders.bulk import chunks
from loaders.formats.sources import ImportProblem
from loaders.progress import NoProgress, Progress
from loaders.store import GraphStore

__all__ = ["DEFAULT_BATCH_SIZE", "ImportAborted", "Plan", "write_batches", "write_order", "write_plan"]

DEFAULT_BATCH_SIZE: Final = 10_000
"""Records per :class:`graph_schema.WriteBatch`."""

_APPEAL: Final = Label.APPEAL.value
_ASSIGNED_TO: Final = RelType.ASSIGNED_TO.value
_LABEL_RANK: Final[dict[str, int]] = {
    label.value: rank
    for rank, label in enumerate(
        [Label.STREET, Label.COMMUNITY, Label.GRID, Label.BUILDING, Label.HOUSEHOLD]
        + [lab for lab in Label if lab not in HIERARCHY and lab is not Label.STREET]
    )
}
_TYPE_RANK: Final[dict[str, int]] = {t.value: rank for rank, t in enumerate(RelType)}


def _node_rank(label: str) -> tuple[int, str]:
    return _LABEL_RANK.get(label, len(_LABEL_RANK)), label


def _rel_rank(key: tuple[str, str]) -> tuple[int, int, str, str]:
    rtype, start_label = key
    return _TYPE_RANK.get(rtype, len(_TYPE_RANK)), _LABEL_RANK.get(start_label, len(_LABEL_RANK)), rtype, start_label


@dataclass(slots=True)
class Plan:
    """The outcome of :func:`loaders.formats.checking.check`: what to write, in order, and
    every problem found."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    nodes_read: int = 0
    relationships_read: int = 0
    rejected_nodes: int = 0
    rejected_relationships: int = 0


class ImportAborted(RuntimeError):
    """The store refused a batch although the check passed (e.g. another writer changed
    the graph meanwhile).  What was written before that batch stays written; running the
    import again completes it."""


def write_order(
    nodes: Iterable[Node], relationships: Iterable[Relationship], labels: Mapping[str, str]
) -> tuple[list[Node], list[Relationship]]:
    """Nodes and relationships in write order; ``labels`` gives the label of each start id.

    Records are put in buckets by label (and by type and, for ``PART_OF``, start label)
    instead of sorting a million of them; within a bucket they keep their reading order.

    >>> order = write_order([Node("Household", "h1"), Node("Street", "s1")], [], {})
    >>> [n.id for n in order[0]]
    ['s1', 'h1']
    """
    node_buckets: dict[str, list[Node]] = {}
    for node in nodes:
        bucket = node_buckets.get(node.label)
        if bucket is None:
            bucket = node_buckets[node.label] = []
        bucket.append(node)
    ordered_nodes = [n for label in sorted(node_buckets, key=_node_rank) for n in node_buckets[label]]
    rel_buckets: dict[tuple[str, str], list[Relationship]] = {}
    for rel in relationships:
        key = (rel.type, labels.get(rel.start, "") if rel.type == "PART_OF" else "")
        rbucket = rel_buckets.get(key)
        if rbucket is None:
            rbucket = rel_buckets[key] = []
        rbucket.append(rel)
    ordered_rels = [r for key in sorted(rel_buckets, key=_rel_rank) for r in rel_buckets[key]]
    return ordered_nodes, ordered_rels


def write_batches(
    nodes: Sequence[Node], relationships: Sequence[Relationship], batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[WriteBatch]:
    """Nodes (in write order) then relationships, in batches of about ``batch_size`` records;
    the ``ASSIGNED_TO`` of an appeal among ``nodes`` goes in the batch of that appeal, so that
    no batch writes an assigned appeal without its handler.  For anything that loads a whole
    graph batch by batch (the import, the benches, test fixtures).

    >>> nodes = [Node("Household", "h1"), Node("Appeal", "ap1", {"status": "ASSIGNED"})]
    >>> rels = [Relationship("PART_OF", "h1", "b1"), Relationship("ASSIGNED_TO", "ap1", "pm1")]
    >>> [(len(b.nodes), [r.type for r in b.relationships]) for b in write_batches(nodes, rels, 1)]
    [(1, []), (1, ['ASSIGNED_TO']), (0, ['PART_OF'])]
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    appeals = {n.id for n in nodes if n.label == _APPEAL}
    handlers: dict[str, list[Relationship]] = {}
    rest: list[Relationship] = []
    for r in relationships:
        if r.type == _ASSIGNED_TO and r.start in appeals:
            handlers.setdefault(r.start, []).append(r)
        else:
            rest.append(r)
    node_batches = deque(chunks(nodes, batch_size))
    rel_batches = deque(chunks(rest, batch_size))
    del nodes, relationships, rest  # each batch can be freed once written
    while node_batches:
        chunk = node_batches.popleft()
        yield WriteBatch(nodes=chunk, relationships=[r for n in chunk for r in handlers.pop(n.id, ())])
    while rel_batches:
        yield WriteBatch(relationships=rel_batches.popleft())


async def write_plan(
    store: GraphStore, plan: Plan, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None
) -> tuple[int, int, int]:
    """Write a checked plan in batches: nodes first, then relationships.

    The plan's lists are emptied as batches are written, so written records can be freed.

    Returns
    -------
    tuple of int
        Nodes written, relationships written, batches.

    Raises
    ------
    ImportAborted
        When the store refuses a batch; earlier batches stay written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    prog = progress or NoProgress()
    total = len(plan.nodes) + len(plan.relationships)
    pending = write_batches(plan.nodes, plan.relationships, batch_size)
    plan.nodes, plan.relationships = [], []
    prog.stage("writing", total)
    nodes = rels = batches = 0
    for batch in pending:
        try:
            await store.write(batch)
        except ValidationError as exc:
            prog.done()
            raise ImportAborted(
                f"the store refused batch {batches + 1} after {nodes + rels:,} records were written "
                f"(the graph changed while importing?); run the import again to complete it.\n{exc}"
            ) from exc
        nodes += len(batch.nodes)
        rels += len(batch.relationships)
        batches += 1
        prog.advance(len(batch.nodes) + len(batch.relationships))
    prog.done()
    return nodes, rels, batches
