"""Who may change what: the write rules of every role, in one table, and the one check that
every mutation's write passes (``resolvers.mutations.common.write``).

A write is judged by what it would write (its :class:`graph_schema.WriteBatch`): the labels
of the nodes it creates, changes or deletes, the types of the relationships it adds or
removes, and where every node it touches lies.  "Inside" is the viewer's scope as reads see
it (:mod:`loaders.scope`), resolved afresh for each write, without the nodes shown by name
only: a grid worker may read its community's name but not rename it.  A node the batch
creates is inside when the batch also places it, through PART_OF or its
``graph_schema.WITHIN_VIA`` relationship, on a node that is inside.

==============  ==========================================  ==========================================
role            nodes it may create, change, delete         relationships it may add or remove
==============  ==========================================  ==========================================
ADMIN           all                                         all
CITY            areas, organizations, alliances, units,     all (inside its street, when bound to one)
                workers, guidance stations
STREET          the same, inside its street                 all, inside its street
COMMUNITY       the same, inside its community              all, inside its community
GRID_WORKER     households and residents, inside its grid   PART_OF of a household, LIVES_IN,
                                                            MEMBER_OF, LINKS, VISITED inside its grid
VANGUARD        none                                        VISITED from itself to households it LINKS
ALLIANCE_UNIT   its own unit's properties                   none
ANALYST         none                                        none
==============  ==========================================  ==========================================

A PART_OF relationship belongs to its start node (it is where that node lies), so adding or
removing one needs the right to change the start node's label too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph_schema import AREA_LABELS, HIERARCHY, WITHIN_VIA, Label, Node, Relationship, RelType, WriteBatch
from graph_schema.roles import Role
from loaders.scope import Scope, resolve_scope
from resolvers.context import Info

_ALL_LABELS = frozenset(Label)
_ALL_TYPES = frozenset(RelType)
_CITY_LABELS = frozenset({*AREA_LABELS, Label.PARTY_ORGANIZATION, Label.ALLIANCE, Label.ALLIANCE_MEMBER}) | {
    Label.WORKER,
    Label.GUIDANCE_STATION,
}


@dataclass(frozen=True, slots=True)
class WriteRule:
    """What one role may write."""

    labels: frozenset[Label] = frozenset()
    """Labels of the nodes it may create, change and delete."""
    rel_types: frozenset[RelType] = frozenset()
    """Types of the relationships it may add and remove."""
    anywhere: bool = False
    """Whether the write may touch nodes outside the viewer's scope."""
    own_start: bool = False
    """Relationships must start at the viewer's own node (a vanguard's visits)."""
    own_node: bool = False
    """Only the viewer's own node, and only changes to it (an alliance unit's properties)."""

    @property
    def writes_nothing(self) -> bool:
        return not self.labels and not self.rel_types


WRITE_RULES: dict[Role, WriteRule] = {
    Role.ADMIN: WriteRule(_ALL_LABELS, _ALL_TYPES, anywhere=True),
    Role.CITY: WriteRule(_CITY_LABELS, _ALL_TYPES),
    Role.STREET: WriteRule(_CITY_LABELS, _ALL_TYPES),
    Role.COMMUNITY: WriteRule(_CITY_LABELS, _ALL_TYPES),
    Role.GRID_WORKER: WriteRule(
        frozenset({Label.HOUSEHOLD, Label.PARTY_MEMBER}),
        frozenset({RelType.PART_OF, RelType.LIVES_IN, RelType.MEMBER_OF, RelType.LINKS, RelType.VISITED}),
    ),
    Role.VANGUARD: WriteRule(rel_types=frozenset({RelType.VISITED}), own_start=True),
    Role.ALLIANCE_UNIT: WriteRule(labels=frozenset({Label.ALLIANCE_MEMBER}), own_node=True),
    Role.ANALYST: WriteRule(),
}
"""The write rules of every role (the table of the module docstring)."""

_PLACED_BY: dict[Label, frozenset[str]] = {
    label: frozenset({RelType.PART_OF.value} if label in HIERARCHY else set())
    | frozenset({via.value} if via is not None else set())
    for label, via in WITHIN_VIA.items()
}


class Forbidden(Exception):
    """The viewer may not make this write; ``message`` says what and why, ``field`` blames an input field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _who(info: Info) -> str:
    viewer = info.context.viewer
    return f"a {viewer.role.value} viewer" + (f" bound to {viewer.scope!r}" if viewer.scope else "")


_PART_OF = RelType.PART_OF.value


async def write_scope(info: Info) -> Scope | None:
    """The part of the graph the viewer may change (None: everywhere), resolved now."""
    viewer = info.context.viewer
    if WRITE_RULES[viewer.role].anywhere:
        return None
    scope = await resolve_scope(info.context.store, viewer.role, viewer.scope)
    if scope is None:
        return None
    return Scope(root=scope.root, ids=scope.ids)  # never what is shown by name only


async def check_write(info: Info, batch: WriteBatch) -> None:
    """Raise :class:`Forbidden` unless the viewer may make every part of ``batch``."""
    viewer = info.context.viewer
    rule = WRITE_RULES[viewer.role]
    who = _who(info)
    if rule.writes_nothing:
        raise Forbidden(f"{who} may not change anything")
    store = info.context.store
    mentioned = batch.mentioned_ids() | set(batch.delete_nodes)
    for ref in batch.delete_relationships:
        mentioned.update((ref.start, ref.end))
    rels = [(r.type, r.start) for r in batch.relationships]
    rels += [(r.type, r.start) for r in batch.delete_relationships]
    scope = None if rule.own_node else await write_scope(info)
    # the stored labels this check reads: of every node named when the viewer is bound to a scope
    # (each must lie inside it); else only of the nodes deleted and the starts of PART_OF moved
    # (a node the batch writes is judged by the label it is written with: one that does not
    # match the stored label is refused by the store's validation, after this check)
    wanted = mentioned if scope is not None else set(batch.delete_nodes) | {s for t, s in rels if t == _PART_OF}
    existing = {n.id: n.label for n in await store.get_nodes(sorted(wanted)) if n is not None} if wanted else {}
    new = {n.id: n.label for n in batch.nodes if n.id not in existing}

    def label_of(node_id: str) -> str:
        return existing.get(node_id) or new.get(node_id) or "node"

    written = [(n.id, n.label) for n in batch.nodes] + [(i, label_of(i)) for i in batch.delete_nodes]
    for node_id, label in written:
        if label not in {lab.value for lab in rule.labels}:
            raise Forbidden(f"{who} may not create, change or delete a {label} ({node_id!r})")
    for rtype, start in rels:
        if rtype not in {t.value for t in rule.rel_types}:
            raise Forbidden(f"{who} may not add or remove {rtype} relationships")
        if rtype == RelType.PART_OF.value and label_of(start) not in {lab.value for lab in rule.labels}:
            raise Forbidden(f"{who} may not move a {label_of(start)} ({start!r})")
        if rule.own_start and start != viewer.scope:
            raise Forbidden(f"{who} may add or remove {rtype} only from its own node, not from {start!r}")
    if rule.own_node:
        if batch.relationships or batch.delete_relationships or batch.delete_nodes or not batch.patch:
            raise Forbidden(f"{who} may only change the properties of its own {Label.ALLIANCE_MEMBER.value}")
        others = sorted(n.id for n in batch.nodes if n.id != viewer.scope)
        if others:
            raise Forbidden(f"{who} may only change its own node, not {others[0]!r}")
        return
    if scope is None:
        return
    inside = {n.id for n in await store.get_nodes(sorted(existing), scope=scope) if n is not None}
    for node_id in sorted(existing):
        if node_id not in inside:
            raise Forbidden(f"{who} may not change {label_of(node_id)} {node_id!r}: it lies outside that scope")
    placed = _placements(batch.relationships)
    for node_id, label in sorted(new.items()):
        via = _PLACED_BY.get(Label(label), frozenset())
        if not any(parent in inside for rtype, parent in placed.get(node_id, ()) if rtype in via):
            raise Forbidden(
                f"{who} may create a {label} ({node_id!r}) only inside that scope: give it a place there "
                f"({', '.join(sorted(via)) or 'none is possible for this label'})"
            )


def _placements(rels: Iterable[Relationship]) -> dict[str, list[tuple[str, str]]]:
    """Start id → (type, end id) of the relationships a batch adds."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rels:
        out.setdefault(r.start, []).append((r.type, r.end))
    return out


# --- the appeal workflow ---------------------------------------------------------------------
# Appeals and roundtables are written by the workflow (resolvers/appeals/mutations.py), which
# judges them here instead of by WRITE_RULES: what matters is where the appeal lies and who
# handles it, not the handler, raiser or attendees the write also names (an alliance unit
# outside a community can be assigned its appeals).
#
# ==============  =============================================================================
# role            appeal workflow and roundtables
# ==============  =============================================================================
# ADMIN           everything
# CITY            every step on appeals inside its street (every appeal when unbound); roundtables
# STREET          every step on appeals inside its street; roundtables held there
# COMMUNITY       every step on appeals inside its community; roundtables held there
# GRID_WORKER     every step on appeals inside its grid; roundtables held there
# VANGUARD        report appeals of households it LINKS; resolve appeals assigned to itself
# ALLIANCE_UNIT   resolve appeals assigned to its unit
# ANALYST         nothing
# ==============  =============================================================================

_AREA_WRITERS = frozenset({Role.CITY, Role.STREET, Role.COMMUNITY, Role.GRID_WORKER})


async def appeal_scope(info: Info) -> Scope | None:
    """Where an area role may work on appeals (None: everywhere)."""
    return await write_scope(info)


async def check_appeal(
    info: Info,
    action: str,
    *,
    target: Node | None = None,
    handler: str | None = None,
    raised_by: str | None = None,
    field: str = "id",
) -> None:
    """Raise :class:`Forbidden` unless the viewer may take workflow ``action`` (``report``,
    ``accept``, …, ``roundtable``) on ``target``: the appeal, or for a report the place it
    concerns, or for a roundtable the area it is held in.  ``handler`` is the id the appeal is
    assigned to, ``raised_by`` who raises a reported one; ``field`` is blamed."""
    viewer = info.context.viewer
    role = viewer.role
    who = _who(info)
    if role is Role.ADMIN:
        return
    if role is Role.VANGUARD:
        if action == "resolve" and handler is not None and handler == viewer.scope:
            return
        if action == "report" and target is not None:
            scope = await resolve_scope(info.context.store, role, viewer.scope)
            linked = scope.ids if scope is not None else frozenset()
            if target.label == Label.HOUSEHOLD.value and target.id in linked:
                if raised_by is None or raised_by in linked:
                    return
                raise Forbidden(f"{who} may report appeals raised only by households it links", "raisedBy")
            raise Forbidden(f"{who} may report appeals only of households it links, not {target.id!r}", field)
        raise Forbidden(
            f"{who} may only report appeals of households it links and resolve appeals assigned to it", field
        )
    if role is Role.ALLIANCE_UNIT:
        if action == "resolve" and handler is not None and handler == viewer.scope:
            return
        raise Forbidden(f"{who} may only resolve appeals assigned to its unit", field)
    if role not in _AREA_WRITERS:
        raise Forbidden(f"{who} may not change anything")
    scope = await appeal_scope(info)
    if scope is None or target is None:
        return
    (inside,) = await info.context.store.get_nodes([target.id], scope=scope)
    if inside is None:
        raise Forbidden(f"{who} may not {action} there: {target.label} {target.id!r} lies outside that scope", field)


# --- the monthly work ------------------------------------------------------------------------
# Secretary projects and recorded activities (resolvers/work/mutations.py) are judged here by
# the area they are held in, like roundtables; the attendees, the households served and the
# organization a project is led by may lie elsewhere (an in-service member's workplace branch).
#
# ==============  =============================================================================
# role            secretary projects (create, update, move)  /  activities (recordActivity)
# ==============  =============================================================================
# ADMIN           everything
# CITY            projects and activities held inside its street (everywhere when unbound)
# STREET          projects and activities held inside its street
# COMMUNITY       projects and activities held inside its community
# GRID_WORKER     activities held inside its grid; no projects
# VANGUARD        its own MONTHLY_CONTACT activities (held by itself, 月联), nothing else
# ALLIANCE_UNIT   nothing
# ANALYST         nothing
# ==============  =============================================================================

_PROJECT_WRITERS = frozenset({Role.CITY, Role.STREET, Role.COMMUNITY})


async def check_work(
    info: Info, action: str, *, place: Node | None, holder: str | None = None, kind: str | None = None, field: str
) -> None:
    """Raise :class:`Forbidden` unless the viewer may take ``action`` (``project`` for a secretary
    project's writes, ``activity`` to record an activity of ``kind`` held by ``holder``) in
    ``place``, the area it is held in; ``field`` is blamed."""
    viewer = info.context.viewer
    role = viewer.role
    who = _who(info)
    if role is Role.ADMIN:
        return
    if role is Role.VANGUARD:
        if action == "activity" and kind == "MONTHLY_CONTACT" and holder is not None and holder == viewer.scope:
            return
        raise Forbidden(
            f"{who} may only record its own monthly contact meetings (MONTHLY_CONTACT held by itself)", field
        )
    writers = _PROJECT_WRITERS if action == "project" else _AREA_WRITERS
    if role not in writers:
        what = "secretary projects" if action == "project" else "activities"
        raise Forbidden(f"{who} may not write {what}", field)
    scope = await write_scope(info)
    if scope is None:
        return
    (inside,) = await info.context.store.get_nodes([place.id], scope=scope) if place is not None else (None,)
    if inside is None:
        where = f"{place.label} {place.id!r}" if place is not None else "a place it cannot see"
        raise Forbidden(f"{who} may not write there: {where} lies outside that scope", field)


# --- the star-rating assessments -------------------------------------------------------------
# Assessments are recorded by recordAssessment (resolvers/assessments/mutations.py), judged here:
# what matters is the branch rated and the kind of check.  A cross-check is made by another
# street, so a street may record one of a branch outside it.
#
# ==============  =============================================================================
# role            recording an assessment
# ==============  =============================================================================
# ADMIN           any kind, of any branch
# CITY            any kind, of a branch inside its street (any branch when unbound); CROSS anywhere
# STREET          any kind, of a branch inside its street; CROSS anywhere
# COMMUNITY       SELF and SECOND, of a branch inside its community
# others          nothing
# ==============  =============================================================================

_ASSESSORS = frozenset({Role.CITY, Role.STREET, Role.COMMUNITY})
_COMMUNITY_KINDS = frozenset({"SELF", "SECOND"})


async def check_assessment(info: Info, branch: Node, kind: str, field: str = "branch") -> None:
    """Raise :class:`Forbidden` unless the viewer may record an assessment of ``kind`` of ``branch``."""
    role = info.context.viewer.role
    who = _who(info)
    if role is Role.ADMIN:
        return
    if role not in _ASSESSORS:
        raise Forbidden(f"{who} may not record assessments", field)
    if role is Role.COMMUNITY and kind not in _COMMUNITY_KINDS:
        raise Forbidden(f"{who} may record only SELF and SECOND checks, not a {kind} check", "kind")
    if kind == "CROSS":
        return
    scope = await write_scope(info)
    if scope is None:
        return
    (inside,) = await info.context.store.get_nodes([branch.id], scope=scope)
    if inside is None:
        raise Forbidden(f"{who} may not assess {branch.id!r}: it lies outside that scope", field)
