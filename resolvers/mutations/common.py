"""What every mutation shares: reading global IDs into typed errors, input → properties,
and one atomic store write whose refusal becomes the payload's ``errors``.

A mutation never raises for bad input: it returns ``errors`` (field, code, message) and
writes nothing.  Every write is one :class:`graph_schema.WriteBatch`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, NoReturn

import strawberry

from graph_schema import NODE_SPECS, Label, Problem, ValidationError, WriteBatch, from_global_id
from graph_schema import Node as Record
from resolvers.context import Info
from resolvers.errors import UserError, camel
from resolvers.node import LABELS
from resolvers.permissions import Forbidden, check_write, write_scope

ID_PREFIX = {
    Label.STREET: "st",
    Label.COMMUNITY: "c",
    Label.GRID: "g",
    Label.BUILDING: "b",
    Label.HOUSEHOLD: "hh",
    Label.PARTY_ORGANIZATION: "org",
    Label.PARTY_MEMBER: "pm",
    Label.VANGUARD_STATION: "vs",
    Label.ALLIANCE: "al",
    Label.ALLIANCE_MEMBER: "am",
    Label.APPEAL: "ap",
    Label.ACTIVITY: "act",
    Label.WORKER: "w",
    Label.GUIDANCE_STATION: "gs",
    Label.SECRETARY_PROJECT: "sp",
    Label.ASSESSMENT: "as",
}


class Refused(Exception):
    """Input that cannot be written; carries the typed errors for the payload."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def new_id(label: Label) -> str:
    return f"{ID_PREFIX[label]}-{uuid.uuid4().hex[:12]}"


def parse_id(value: str, field: str, expected: Iterable[str] | None = None) -> tuple[str, str]:
    """(label, id) of a global ID given in ``field``; raises :class:`Refused` (BAD_ID, WRONG_TYPE)."""
    try:
        label, node_id = from_global_id(value)
    except ValueError as exc:
        raise Refused([UserError.of(field, "BAD_ID", str(exc))]) from None
    if label not in LABELS:
        raise Refused([UserError.of(field, "BAD_ID", f"{value!r} names an unknown type {label!r}")])
    allowed = list(expected) if expected is not None else None
    if allowed is not None and label not in allowed:
        names = " or ".join(allowed)
        raise Refused([UserError.of(field, "WRONG_TYPE", f"{value!r} is a {label} ID, expected a {names}")])
    return label, node_id


async def fetch(info: Info, value: str, field: str, expected: Iterable[str] | None = None) -> Record:
    """The existing node a global ID names; raises :class:`Refused` (BAD_ID, WRONG_TYPE, NOT_FOUND).

    A viewer bound to a scope finds only the nodes it may change: any other ID, existing or
    not, is FORBIDDEN (so the answer does not tell whether a node outside exists)."""
    label, node_id = parse_id(value, field, expected)
    scope = await write_scope(info)
    (record,) = await info.context.store.get_nodes([node_id], scope=scope)
    if scope is not None and (record is None or record.label != label):
        refuse_forbidden(info, Forbidden(f"{value!r} is not a {label} that this viewer may change", field))
    if record is None or record.label != label:
        raise Refused([UserError.of(field, "NOT_FOUND", f"there is no {label} with ID {value!r}")])
    return record


def refuse_forbidden(info: Info, forbidden: Forbidden) -> NoReturn:
    """Refuse a write the viewer has no right to make (code FORBIDDEN); nothing is written.

    Every refusal for want of rights passes here."""
    raise Refused([UserError.of(forbidden.field, "FORBIDDEN", forbidden.message)])


async def guard(info: Info, batch: WriteBatch) -> None:
    """Refuse ``batch`` (FORBIDDEN) unless the viewer may write all of it (:mod:`resolvers.permissions`)."""
    try:
        await check_write(info, batch)
    except Forbidden as forbidden:
        refuse_forbidden(info, forbidden)


def plain(value: Any) -> Any:
    """A GraphQL input value as the store keeps it (enums by value, dates as ISO strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def properties_of(label: Label, data: Any) -> dict[str, Any]:
    """The properties of a new node from an input object whose attributes are named as the
    contract's properties (unset and null attributes are left out)."""
    return {k: v for k, v in changes_of(label, data).items() if v is not None}


def changes_of(label: Label, data: Any) -> dict[str, Any]:
    """The properties an update input sets: unset attributes are left out, null ones are
    None (which removes the property in a :attr:`WriteBatch.patch`)."""
    changes: dict[str, Any] = {}
    for name in NODE_SPECS[label].props:
        value = getattr(data, name, strawberry.UNSET)
        if value is not strawberry.UNSET:
            changes[name] = None if value is None else plain(value)
    return changes


async def write(
    info: Info, batch: WriteBatch, fields: Mapping[str, str] | None = None, *, judged: bool = False
) -> None:
    """Apply ``batch`` atomically; a refusal raises :class:`Refused` with every problem.

    ``fields`` maps a problem's field (a property, or ``start``/``end`` of a relationship) to
    the input field a client knows it by.  A write the viewer has no right to make is
    refused first (FORBIDDEN, see :func:`guard`), unless the caller ``judged`` the viewer's
    rights itself (the appeal workflow, by ``resolvers.permissions.check_appeal``).  The
    mutation field's audit event goes into the same transaction as its first write
    (:class:`resolvers.context.WriteAudit`)."""
    if not judged:
        await guard(info, batch)
    pending = info.context.write_audit
    if pending is not None and pending.written:
        pending = None  # the field's event went with an earlier write
    try:
        await info.context.store.write(batch, audit=(pending.event(batch),) if pending is not None else ())
        if pending is not None:
            pending.written = True
    except ValidationError as exc:
        raise Refused([_user_error(p, fields or {}) for p in exc.problems]) from None
    finally:
        info.context.loaders.clear()


def _user_error(problem: Problem, fields: Mapping[str, str]) -> UserError:
    """A problem as a payload error; ``fields`` may name ``TYPE.field`` (e.g. ``LIVES_IN.end``)."""
    rel_type = problem.record.split(" ", 1)[0]
    shown = fields.get(f"{rel_type}.{problem.field}") or fields.get(problem.field)
    return UserError.from_problem(problem, {problem.field: shown} if shown else None)


def field_names(label: Label) -> dict[str, str]:
    return {name: camel(name) for name in NODE_SPECS[label].props}
