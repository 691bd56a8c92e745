# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""``link`` and ``unlink``: add or remove one relationship of any type of the contract.

The store checks what may join what (ENDPOINT_LABEL), that single-parent types keep one
parent (SECOND_PARENT: use the move mutations instead) and the properties (``since``,
``on``).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from graph_schema import REL_SPECS, RelRef, RelType, WriteBatch, rel_key
from graph_schema import Relationship as Rel
from resolvers.context import Info
from resolvers.enums import RelType as RelTypeEnum
from resolvers.errors import UserError
from resolvers.mutations.common import Refused, fetch, guard, write
from resolvers.node import Node, as_node

_FIELDS = {"start": "from", "end": "to", "since": "since", "on": "on"}


@strawberry.input(description="One relationship: (from)-[type]->(to), with its properties.")
class LinkInput:
    type: RelTypeEnum
    from_: strawberry.ID = strawberry.field(name="from", description="Global ID of the start node.")
    to: strawberry.ID = strawberry.field(description="Global ID of the end node.")
    since: dt.date | None = strawberry.field(default=None, description="For LINKS, REPORTED_TO and JOINED.")
    on: dt.date | None = strawberry.field(default=None, description="For VISITED (required there): the day.")


@strawberry.input(description="The relationship to remove; for VISITED, on picks one visit (all visits when null).")
class UnlinkInput:
    type: RelTypeEnum
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    on: dt.date | None = None


@strawberry.type(description="A relationship between two nodes.")
class Relationship:
    type: RelTypeEnum
    from_: Node = strawberry.field(name="from")
    to: Node
    since: dt.date | None
    on: dt.date | None


@strawberry.type
class LinkPayload:
    relationship: Relationship | None
    errors: list[UserError]


@strawberry.type
class UnlinkPayload:
    removed: int = strawberry.field(description="How many relationships were removed.")
    errors: list[UserError]


@strawberry.type
class LinkMutation:
    @strawberry.mutation(
        description="Add a relationship (idempotent: linking twice keeps one, with the new properties)."
    )
    async def link(self, info: Info, input: LinkInput) -> LinkPayload:
        try:
            start = await fetch(info, input.from_, "from")
            end = await fetch(info, input.to, "to")
            spec = REL_SPECS[RelType(input.type.value)]
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
    async def unlink(self, info: Info, input: UnlinkInput) -> UnlinkPayload:
        try:
            start = await fetch(info, input.from_, "from")
            end = await fetch(info, input.to, "to")
            rtype = input.type.value
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
