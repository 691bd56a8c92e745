"""Rules on the *kind* of node a relationship ends at, beyond its label (called by
:func:`graph_schema.validation.validate_batch`):

* ``ATTACHED_TO`` (a vanguard station → the party group that sets it) must end at a party group,
  an organization of level ``BUILDING_GROUP`` or ``GRID_GROUP`` (``NOT_GROUP``);
* ``ASSESSES`` must end at a branch of the city: not an external branch (``external``, a
  branch of an outside unit or outside the city, ``NOT_RATED``; the levels are checked by
  ``validation._rated_level_problems``);
* ``ASSESSED_BY`` ending at a ``Worker`` must end at an instructor (role ``INSTRUCTOR``,
  ``NOT_INSTRUCTOR``): a grid worker or building head does not assess branches.

The kind is read from the node as the batch leaves it: the node the batch writes (for a patch,
the properties it changes), else the stored one (``Existing.ends``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

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
    """
    if rel.type == RelType.ATTACHED_TO.value and end_label == _ORG:
        level = prop("level")
        if level is not None and level not in PARTY_GROUP_LEVELS:
            return not_group_problem(rel.describe(), rel.end, level)
    elif rel.type == RelType.ASSESSES.value and end_label == _ORG:
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
