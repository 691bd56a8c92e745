# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``secretaryProjects``: the secretary-project listing (a Relay connection), by id."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_schema import Label
from loaders.store import NodeFilter, Order
from resolvers.connections import After, Before, Connection, First, Last, list_connection
from resolvers.context import Info
from resolvers.work.enums import ProjectCategory, ProjectStage
from resolvers.work.types import SecretaryProject


@strawberry.type(description="Listing secretary projects.")
class WorkQuery:
    @strawberry.field(
        description="Secretary projects (书记项目), by id, a page at a time, optionally of one stage or category."
    )
    async def secretary_projects(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        stage: Annotated[
            ProjectStage | None, strawberry.argument(description="Only the projects at this stage (null: any).")
        ] = None,
        category: Annotated[
            ProjectCategory | None, strawberry.argument(description="Only the projects of this category (null: any).")
        ] = None,
    ) -> Connection[SecretaryProject]:
        equals = {k: v.value for k, v in (("stage", stage), ("category", category)) if v is not None}
        flt = NodeFilter(equals=equals) if equals else None
        return await list_connection(info, Label.SECRETARY_PROJECT, flt, Order(), first, after, last, before)
