"""Rules on the *kind* of node a relationship ends at, beyond its label (called by
:func:`graph_schema.validation.validate_batch`):

* ``ATTACHED_TO`` (a vanguard station → the party group that sets it) must end at a party group,
  an organization of level ``BUILDING_GROUP`` or ``GRID_GROUP`` (``NOT_GROUP``);
* ``ASSESSES`` must end at a branch of the city: an organization of a rated level
  (``RATED_LEVELS``: community committee, grid branch, unit branch) that is not an external
  branch (``external``, a branch of an outside unit or outside the city); else ``NOT_RATED``;
* ``ASSESSED_BY`` ending at a ``Worker`` must end at an instructor (role ``INSTRUCTOR``,
  ``NOT_INSTRUCTOR``): a grid worker or building head does not assess branches.

The kind is read from the node as the batch leaves it: the node the batch writes (for a patch,
the properties it changes), else the stored one (``Existing.ends``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from graph_schema.assessments import RATED_LEVELS
from graph_schema.contract import Label, OrgLevel, RelType, WorkerRole
from graph_schema.records import Problem, Relationship

if TYPE_CHECKING:
    from graph_schema.validation import Existing, WriteBatch

PARTY_GROUP_LEVELS: Final[frozenset[OrgLevel]] = frozenset({OrgLevel.BUILDING_GROUP, OrgLevel.GRID_GROUP})
"""The levels of a party group (党小组): what a vanguard station may be ATTACHED_TO."""

CHECKED_TYPES: Final[frozenset[str]] = frozenset(
    t.value for t in (RelType.ATTACHED_TO, RelType.ASSESSES, RelType.ASSESSED_BY)
)
"""Relationship types whose end's properties these rules read."""

END_KIND_PROPS: Final[tuple[str, ...]] = ("level", "external", "role")
"""The stored properties of an end the rules read (``Existing.ends``)."""

_ORG, _WORKER = Label.PARTY_ORGANIZATION.value, Label.WORKER.value


def not_group_problem(record: str, org_id: str, level: object) -> Problem:
    """``NOT_GROUP``: a station attached to an organization that is not a party group.

    >>> not_group_problem("ATTACHED_TO vs-1 -> o1", "o1", "GRID_BRANCH").message
    "'o1' is a GRID_BRANCH: a vanguard station is set by a party group (BUILDING_GROUP or GRID_GROUP)"
    """
    return Problem(
        record,
        "end",
        "NOT_GROUP",
        f"{org_id!r} is a {level}: a vanguard station is set by a party group (BUILDING_GROUP or GRID_GROUP)",
    )


def unrated_level_problem(record: str, org_id: str, level: object) -> Problem:
    """``NOT_RATED``: an assessment of an organization whose level the campaign does not rate.

    >>> unrated_level_problem("ASSESSES as-1 -> o1", "o1", "BUILDING_GROUP").message
    "'o1' is a BUILDING_GROUP: only branches (COMMUNITY_COMMITTEE, GRID_BRANCH, UNIT_BRANCH) are rated"
    """
    rated = ", ".join(sorted(RATED_LEVELS))
    return Problem(record, "end", "NOT_RATED", f"{org_id!r} is a {level}: only branches ({rated}) are rated")


def external_problem(record: str, org_id: str) -> Problem:
    """``NOT_RATED``: an assessment of an external branch.

    >>> external_problem("ASSESSES as-1 -> o1", "o1").message
    "'o1' is an external branch (外单位党组织): the city's campaign rates only its own branches"
    """
    message = f"{org_id!r} is an external branch (外单位党组织): the city's campaign rates only its own branches"
    return Problem(record, "end", "NOT_RATED", message)


def not_instructor_problem(record: str, worker_id: str, role: object) -> Problem:
    """``NOT_INSTRUCTOR``: an assessment recorded as made by a worker who is not an instructor.

    >>> not_instructor_problem("ASSESSED_BY as-1 -> w1", "w1", "GRID_WORKER").message
    "'w1' is a GRID_WORKER: of the workers, only an instructor (INSTRUCTOR, 指导员) assesses branches"
    """
    message = f"{worker_id!r} is a {role}: of the workers, only an instructor (INSTRUCTOR, 指导员) assesses branches"
    return Problem(record, "end", "NOT_INSTRUCTOR", message)


def _prop(node_id: str, name: str, *, batch: WriteBatch, written: Mapping[str, Any], existing: Existing) -> Any:
    mine = written.get(node_id)
    if mine is not None and (not batch.patch or name in mine):  # a whole node, or a patch of the property
        return mine.get(name)
    return existing.ends.get(node_id, {}).get(name)


def end_kind_problem(rel: Relationship, end_label: str | None, prop: Callable[[str], Any]) -> Problem | None:
    """The problem of the rules above for one relationship whose end has ``end_label`` and whose
    property ``name`` is ``prop(name)`` (None: no problem, or not a checked type or label).

    >>> end_kind_problem(Relationship("ATTACHED_TO", "vs", "o1"), "PartyOrganization", {"level": "GRID_GROUP"}.get)
    >>> end_kind_problem(Relationship("ASSESSED_BY", "as", "w1"), "Worker", {"role": "BUILDING_HEAD"}.get).code
    'NOT_INSTRUCTOR'
    >>> unrated = {"level": "BUILDING_GROUP", "external": True}  # the level is named first
    >>> end_kind_problem(Relationship("ASSESSES", "as", "o1"), "PartyOrganization", unrated.get).message
    "'o1' is a BUILDING_GROUP: only branches (COMMUNITY_COMMITTEE, GRID_BRANCH, UNIT_BRANCH) are rated"
    """
    if rel.type == RelType.ATTACHED_TO.value and end_label == _ORG:
        level = prop("level")
        if level is not None and level not in PARTY_GROUP_LEVELS:
            return not_group_problem(rel.describe(), rel.end, level)
    elif rel.type == RelType.ASSESSES.value and end_label == _ORG:
        level = prop("level")
        if level is not None and level not in RATED_LEVELS:
            return unrated_level_problem(rel.describe(), rel.end, level)
        if prop("external") is True:
            return external_problem(rel.describe(), rel.end)
    elif rel.type == RelType.ASSESSED_BY.value and end_label == _WORKER:
        role = prop("role")
        if role is not None and role != WorkerRole.INSTRUCTOR:
            return not_instructor_problem(rel.describe(), rel.end, role)
    return None


def end_kind_problems(batch: WriteBatch, existing: Existing, labels: Mapping[str, str]) -> list[Problem]:
    """The problems of the rules above for every relationship of ``batch`` (``labels``: id →
    label of every node as the batch leaves them; an end of another label is left to the
    label rule)."""
    written: dict[str, Mapping[str, Any]] = {n.id: n.properties for n in batch.nodes}
    out: list[Problem] = []
    for rel in batch.relationships:
        if rel.type in CHECKED_TYPES:
            found = end_kind_problem(
                rel,
                labels.get(rel.end),
                functools.partial(_prop, rel.end, batch=batch, written=written, existing=existing),
            )
            if found is not None:
                out.append(found)
    return out


# --- the same rules from the node's side --------------------------------------------------------
# A write that changes the level, external flag or role of a node must keep the relationships
# already stored at it valid: they were checked when they were written, against the node as it
# was then.

HELD_LABELS: Final[frozenset[str]] = frozenset({_ORG, _WORKER})
"""Labels of the nodes whose kind the rules above read: a write of one is checked against the
checked relationships stored at it (``Existing.held``)."""


def may_break(label: str, props: Mapping[str, Any]) -> bool:
    """Whether a write of a node of ``label`` with ``props`` (a whole node, or the properties a
    patch changes) could break a relationship stored at it, so that :func:`held_problems` needs them:
    an organization given a level or made external, a worker given a role other than instructor.

    >>> may_break("Worker", {"role": "INSTRUCTOR", "name": "吴敏"}), may_break("Worker", {"phone": "1"})
    (False, False)
    >>> may_break("PartyOrganization", {"level": "GRID_BRANCH"}), may_break("PartyOrganization", {"external": False})
    (True, False)
    """
    if label == _ORG:
        return props.get("level") is not None or props.get("external") is True
    if label == _WORKER:
        role = props.get("role")
        return role is not None and role != WorkerRole.INSTRUCTOR
    return False


def _times(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def held_problems(
    label: str,
    node_id: str,
    value: Callable[[str], Any],
    touched: Callable[[str], bool],
    held: Mapping[str, int],
) -> list[Problem]:
    """The problems of a write that leaves a node, of ``label``, whose property ``name`` is
    ``value(name)`` (``touched(name)``: the write sets it), under ``held[type]`` stored
    relationships of each checked type that end at it and stay: a rated branch that has
    assessments made unrated or external (``NOT_RATED``), a party group that sets stations made
    another level (``NOT_GROUP``), an instructor who assessed given another role
    (``NOT_INSTRUCTOR``).  Each names the node and the property; a property the write does not
    set is not looked at.

    >>> props = {"level": "BUILDING_GROUP", "external": True}
    >>> found = held_problems("PartyOrganization", "o-17", props.get, props.__contains__, {"ASSESSES": 3})
    >>> [(p.record, p.field, p.code) for p in found]
    [('PartyOrganization o-17', 'level', 'NOT_RATED'), ('PartyOrganization o-17', 'external', 'NOT_RATED')]
    >>> found[0].message.split(", only")[0]
    "'o-17' has 3 assessments (ASSESSES): a BUILDING_GROUP is not rated"
    >>> role = {"role": "GRID_WORKER"}
    >>> held_problems("Worker", "w1", role.get, role.__contains__, {"ASSESSED_BY": 1})[0].message.split(" (INSTR")[0]
    "'w1' made 1 assessment (ASSESSED_BY): a GRID_WORKER is not an instructor"
    >>> held_problems("Worker", "w1", {"phone": "13800000000"}.get, lambda n: n == "phone", {"ASSESSED_BY": 1})
    []
    """
    record = f"{label} {node_id}"
    out: list[Problem] = []
    if label == _ORG:
        assessed, stations = held.get(RelType.ASSESSES.value, 0), held.get(RelType.ATTACHED_TO.value, 0)
        level = value("level") if touched("level") else None
        has = f"{node_id!r} has {_times(assessed, 'assessment', 'assessments')} (ASSESSES)"
        them = "it" if assessed == 1 else "them"
        if assessed and level is not None and level not in RATED_LEVELS:
            rated = ", ".join(sorted(RATED_LEVELS))
            why = f"{has}: a {level} is not rated, only branches ({rated}) are; change or remove {them} first"
            out.append(Problem(record, "level", "NOT_RATED", why))
        if assessed and touched("external") and value("external") is True:
            why = f"{has}: an external branch (外单位党组织) is not rated by the city's campaign"
            why += f"; change or remove {them} first"
            out.append(Problem(record, "external", "NOT_RATED", why))
        if stations and level is not None and level not in PARTY_GROUP_LEVELS:
            sets = f"{node_id!r} sets {_times(stations, 'vanguard station', 'vanguard stations')} (ATTACHED_TO)"
            them = "it" if stations == 1 else "them"
            why = (
                f"{sets}: a {level} is not a party group (BUILDING_GROUP or GRID_GROUP), which alone sets "
                f"stations; attach {them} elsewhere or remove {them} first"
            )
            out.append(Problem(record, "level", "NOT_GROUP", why))
    elif label == _WORKER:
        made = held.get(RelType.ASSESSED_BY.value, 0)
        role = value("role") if touched("role") else None
        if made and role is not None and role != WorkerRole.INSTRUCTOR:
            them = "it" if made == 1 else "them"
            why = (
                f"{node_id!r} made {_times(made, 'assessment', 'assessments')} (ASSESSED_BY): a {role} is not an "
                f"instructor (INSTRUCTOR, 指导员), who alone assesses branches; change or remove {them} first"
            )
            out.append(Problem(record, "role", "NOT_INSTRUCTOR", why))
    return out


def held_end_problems(batch: WriteBatch, existing: Existing) -> list[Problem]:
    """:func:`held_problems` for every node of ``batch`` that exists with the same label: the
    relationships stored at it (``Existing.held``) count unless the batch deletes them (or
    their start) or writes them again (then the relationship's own rule checks them)."""
    deleted = set(batch.delete_nodes)
    gone = {(d.type, d.start, d.end) for d in batch.delete_relationships}
    gone.update((r.type, r.start, r.end) for r in batch.relationships)
    out: list[Problem] = []
    for node in batch.nodes:
        stored = existing.held.get(node.id)
        if not stored or node.id in deleted or existing.labels.get(node.id) != node.label:
            continue
        counts: dict[str, int] = {}
        for rtype, start in stored:
            if start not in deleted and (rtype, start, node.id) not in gone:
                counts[rtype] = counts.get(rtype, 0) + 1
        if counts:
            props = node.properties
            touched: Callable[[str], bool] = props.__contains__ if batch.patch else (lambda _name: True)
            out += held_problems(node.label, node.id, props.get, touched, counts)
    return out
