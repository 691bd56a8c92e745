# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""``link`` and ``unlink``: add or remove one relationship of any type of the contract.

The store checks what may join what (ENDPOINT_LABEL), that single-parent types keep one
parent (SECOND_PARENT: use the move mutations instead) and the properties (``since``,
``on``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph_schema import REL_SPECS, RelRef, RelType, WriteBatch, rel_key
from graph_schema import Relationship as Rel
from resolvers.context import Info
from resolvers.enums import RelType as RelTypeEnum
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, fetch, guard, write
from resolvers.node import Node, as_node

_FIELDS = {"start": "from", "end": "to", "since": "since", "on": "on"}

WORKFLOW_OWNED: dict[RelType, str] = {
    RelType.ASSIGNED_TO: "the appeal workflow (assignAppeal, escalateAppeal), which records it in the appeal's history",
}
"""Relationships only a workflow writes, because it keeps something else true beside them; the
generic link and unlink refuse them (WORKFLOW_OWNED) for every role, administrators included."""


def _workflow_owned(rtype: str) -> None:
    owner = WORKFLOW_OWNED.get(RelType(rtype))
    if owner is not None:
        raise Refused([UserError.of("type", "WORKFLOW_OWNED", f"{rtype} is written only by {owner}")])


@strawberry.input(description="One relationship: (from)-[type]->(to), with its properties.")
class LinkInput:
    type: RelTypeEnum = strawberry.field(
        description="The relationship type; which labels it may join is the contract's (ENDPOINT_LABEL otherwise)."
    )
    from_: strawberry.ID = strawberry.field(name="from", description="Global ID of the start node.")
    to: strawberry.ID = strawberry.field(description="Global ID of the end node.")
    since: dt.date | None = strawberry.field(
        default=None,
        description="Start date, for LINKS, REPORTED_TO and JOINED only (UNKNOWN_PROPERTY for other types); null: "
        "not recorded.",
    )
    on: dt.date | None = strawberry.field(
        default=None, description="The day of the visit: for VISITED, and required there (one visit per day)."
    )


@strawberry.input(description="The relationship to remove; for VISITED, on picks one visit (all visits when null).")
class UnlinkInput:
    type: RelTypeEnum = strawberry.field(description="The relationship type.")
    from_: strawberry.ID = strawberry.field(name="from", description="Global ID of the start node.")
    to: strawberry.ID = strawberry.field(description="Global ID of the end node.")
    on: dt.date | None = strawberry.field(
        default=None, description="For VISITED: the day of the visit to remove; null removes every visit."
    )


@strawberry.type(description="A relationship between two nodes.")
class Relationship:
    type: RelTypeEnum = strawberry.field(description="The relationship type.")
    from_: Node = strawberry.field(name="from", description="The start node.")
    to: Node = strawberry.field(description="The end node.")
    since: dt.date | None = strawberry.field(description="Its start date; null when not recorded or not a property.")
    on: dt.date | None = strawberry.field(description="The day of a VISITED; null for other types.")


@strawberry.type(description="The result of link: the relationship, or why nothing was written.")
class LinkPayload:
    relationship: Relationship | None = strawberry.field(
        description="The relationship as written; null when errors is not empty."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of unlink: how many relationships went, or why none did.")
class UnlinkPayload:
    removed: int = strawberry.field(
        description="How many relationships were removed (several only for VISITED without on); 0 with errors."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Adding and removing relationships of any type.")
class LinkMutation:
    @strawberry.mutation(
        description="Add a relationship (idempotent: linking twice keeps one, with the new properties)."
    )
    async def link(
        self, info: Info, input: Annotated[LinkInput, strawberry.argument(description="The relationship to add.")]
    ) -> LinkPayload:
        try:
            start = await fetch(info, input.from_, "from")
            end = await fetch(info, input.to, "to")
            spec = REL_SPECS[RelType(input.type.value)]
            _workflow_owned(spec.type.value)
            props = {}
            for name, value in (("since", input.since), ("on", input.on)):
                if value is None:
                    continue
                if name not in spec.props:
                    raise Refused(
                        [UserError.of(name, "UNKNOWN_PROPERTY", f"{spec.type.value} has no property {name!r}")]
                    )
                props[name] = value.isoformat()
            rel = Rel(spec.type.value, start.id, end.id, props)
            await write(info, WriteBatch(relationships=[rel]), _FIELDS)
        except Refused as refused:
            return LinkPayload(relationship=None, errors=refused.errors)
        shown = Relationship(type=input.type, from_=as_node(start), to=as_node(end), since=input.since, on=input.on)
        return LinkPayload(relationship=shown, errors=[])

    @strawberry.mutation(description="Remove a relationship (NOT_FOUND when there is none).")
    async def unlink(
        self,
        info: Info,
        input: Annotated[UnlinkInput, strawberry.argument(description="The relationship to remove.")],
    ) -> UnlinkPayload:
        try:
            start = await fetch(info, input.from_, "from")
            end = await fetch(info, input.to, "to")
            rtype = input.type.value
            _workflow_owned(rtype)
            key = rel_key(rtype, {"on": input.on.isoformat()}) if input.on is not None else None
            ref = RelRef(rtype, start.id, end.id, key)
            await guard(info, WriteBatch(delete_relationships=[ref]))
            result = await info.context.store.delete(relationships=[ref])
            info.context.loaders.clear()
            if not result.relationships_deleted:
                raise Refused([UserError.of(None, "NOT_FOUND", f"there is no {rtype} from {start.id!r} to {end.id!r}")])
            return UnlinkPayload(removed=result.relationships_deleted, errors=[])
        except Refused as refused:
            return UnlinkPayload(removed=0, errors=refused.errors)
