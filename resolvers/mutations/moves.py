# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Moves in the governance network and the 1+10+N links of a vanguard.

A move keeps exactly one parent: one batch deletes the old PART_OF and adds the new one.
``assignLinks`` replaces a vanguard's whole LINKS set in one batch.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from graph_schema import Label, RelRef, RelType, WriteBatch
from graph_schema import Relationship as Rel
from loaders.store import Direction
from resolvers.areas import Building, Grid, Household
from resolvers.context import Info
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, fetch, parse_id, write
from resolvers.node import as_node
from resolvers.organization import PartyMember

PART_OF, LINKS = RelType.PART_OF.value, RelType.LINKS.value


async def move(
    info: Info, child_value: str, child_field: str, child: Label, parent_value: str, parent_field: str, parent: Label
) -> tuple[Any, list[UserError]]:
    """Give ``child`` the new PART_OF parent, atomically (old relationship out, new one in)."""
    try:
        record = await fetch(info, child_value, child_field, [child.value])
        target = await fetch(info, parent_value, parent_field, [parent.value])
        (edges,) = await info.context.store.neighbours([record.id], PART_OF, Direction.OUT)
        old = [RelRef(PART_OF, record.id, e.node.id) for e in edges if e.node.id != target.id]
        batch = WriteBatch(relationships=[Rel(PART_OF, record.id, target.id)], delete_relationships=old)
        await write(info, batch, {"start": child_field, "end": parent_field})
        return as_node(record), []
    except Refused as refused:
        return None, refused.errors


@strawberry.input(description="A household and the building it moves to.")
class MoveHouseholdInput:
    household: strawberry.ID = strawberry.field(description="Global ID of the household to move.")
    building: strawberry.ID = strawberry.field(description="Global ID of the new building.")


@strawberry.input(description="A building and the grid it moves to.")
class MoveBuildingInput:
    building: strawberry.ID = strawberry.field(description="Global ID of the building to move.")
    grid: strawberry.ID = strawberry.field(description="Global ID of the new grid.")


@strawberry.input(description="A grid and the community it moves to.")
class MoveGridInput:
    grid: strawberry.ID = strawberry.field(description="Global ID of the grid to move.")
    community: strawberry.ID = strawberry.field(description="Global ID of the new community.")


_MOVED = "The {what} as stored after the move; null when errors is not empty."


@strawberry.type(description="The result of moveHousehold: the household, or why nothing was written.")
class MoveHouseholdPayload:
    household: Household | None = strawberry.field(description=_MOVED.format(what="household"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of moveBuilding: the building, or why nothing was written.")
class MoveBuildingPayload:
    building: Building | None = strawberry.field(description=_MOVED.format(what="building"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of moveGrid: the grid, or why nothing was written.")
class MoveGridPayload:
    grid: Grid | None = strawberry.field(description=_MOVED.format(what="grid"))
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="The whole 1+10+N link set of a vanguard member; links not listed are removed.")
class AssignLinksInput:
    vanguard: strawberry.ID = strawberry.field(description="A party member with vanguard: true.")
    members: list[strawberry.ID] = strawberry.field(description="The members it links (about 10).")
    households: list[strawberry.ID] = strawberry.field(description="The households it links (N).")
    since: dt.date | None = strawberry.field(
        default=None, description="Start date of new links; links that stay keep theirs."
    )


@strawberry.type(description="The result of assignLinks: what changed, or why nothing was written.")
class AssignLinksPayload:
    vanguard: PartyMember | None = strawberry.field(description="The vanguard member; null when errors is not empty.")
    added: int = strawberry.field(description="LINKS added (members and households not linked before).")
    removed: int = strawberry.field(description="LINKS removed (linked before, not listed now).")
    errors: list[UserError] = strawberry.field(description=ERRORS)


async def assign_links(info: Info, data: AssignLinksInput) -> AssignLinksPayload:
    try:
        vanguard = await fetch(info, data.vanguard, "vanguard", [Label.PARTY_MEMBER.value])
        if vanguard.properties.get("vanguard") is not True:
            raise Refused([UserError.of("vanguard", "NOT_VANGUARD", f"{vanguard.id!r} is not a vanguard member")])
        wanted: dict[str, str] = {}
        errors: list[UserError] = []
        for field, values, label in (
            ("members", data.members, Label.PARTY_MEMBER),
            ("households", data.households, Label.HOUSEHOLD),
        ):
            for i, value in enumerate(values):
                try:
                    node_id = parse_id(value, f"{field}[{i}]", [label.value])[1]
                except Refused as refused:
                    errors += refused.errors
                    continue
                if node_id == vanguard.id:
                    errors.append(UserError.of(f"{field}[{i}]", "SELF_LINK", "a vanguard does not link itself"))
                wanted[node_id] = f"{field}[{i}]"
        if errors:
            raise Refused(errors)
        found = await info.context.store.get_nodes(list(wanted))
        missing = [
            UserError.of(wanted[i], "NOT_FOUND", f"there is no node with id {i!r}")
            for i, rec in zip(wanted, found, strict=True)
            if rec is None
        ]
        if missing:
            raise Refused(missing)
        (current,) = await info.context.store.neighbours([vanguard.id], LINKS, Direction.OUT)
        have = {e.node.id: e.relationship for e in current}
        since = {"since": data.since.isoformat()} if data.since else {}
        removed = [RelRef(LINKS, vanguard.id, i) for i in have if i not in wanted]
        added = [Rel(LINKS, vanguard.id, i, since) for i in wanted if i not in have]
        fields = {f"{LINKS}.end": "members", "end": "members"}
        await write(info, WriteBatch(relationships=added, delete_relationships=removed), fields)
        return AssignLinksPayload(vanguard=as_node(vanguard), added=len(added), removed=len(removed), errors=[])
    except Refused as refused:
        return AssignLinksPayload(vanguard=None, added=0, removed=0, errors=refused.errors)


_INPUT = "What moves where (or which links to keep)."


@strawberry.type(description="Moves in the governance network and a vanguard's links.")
class MoveMutation:
    @strawberry.mutation(description="Move a household to another building (its one PART_OF replaced atomically).")
    async def move_household(
        self, info: Info, input: Annotated[MoveHouseholdInput, strawberry.argument(description=_INPUT)]
    ) -> MoveHouseholdPayload:
        node, errors = await move(
            info, input.household, "household", Label.HOUSEHOLD, input.building, "building", Label.BUILDING
        )
        return MoveHouseholdPayload(household=node, errors=errors)

    @strawberry.mutation(description="Move a building to another grid (its one PART_OF replaced atomically).")
    async def move_building(
        self, info: Info, input: Annotated[MoveBuildingInput, strawberry.argument(description=_INPUT)]
    ) -> MoveBuildingPayload:
        node, errors = await move(info, input.building, "building", Label.BUILDING, input.grid, "grid", Label.GRID)
        return MoveBuildingPayload(building=node, errors=errors)

    @strawberry.mutation(description="Move a grid to another community (its one PART_OF replaced atomically).")
    async def move_grid(
        self, info: Info, input: Annotated[MoveGridInput, strawberry.argument(description=_INPUT)]
    ) -> MoveGridPayload:
        node, errors = await move(info, input.grid, "grid", Label.GRID, input.community, "community", Label.COMMUNITY)
        return MoveGridPayload(grid=node, errors=errors)

    @strawberry.mutation(description="Set a vanguard member's 1+10+N links: exactly these members and households.")
    async def assign_links(
        self, info: Info, input: Annotated[AssignLinksInput, strawberry.argument(description=_INPUT)]
    ) -> AssignLinksPayload:
        return await assign_links(info, input)
