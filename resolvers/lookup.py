# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""Finding nodes: ``node(id)``, ``nodes(ids)`` (Relay) and ``search(text)`` across names."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_schema import Label
from resolvers.context import Info
from resolvers.errors import ClientError
from resolvers.node import Node, as_node, decode_id


async def _lookup(info: Info, ids: list[strawberry.ID]) -> list[Any]:
    wanted = [decode_id(i, argument="id") for i in ids]
    records = await info.context.loaders.nodes.load_many([node_id for _, node_id in wanted])
    out: list[Any] = []
    for (label, _), record in zip(wanted, records, strict=True):
        out.append(as_node(record) if record is not None and record.label == label else None)
    return out


@strawberry.type(description="Finding nodes by global ID or by name.")
class LookupQuery:
    @strawberry.field(description="The node with this global ID, or null when there is none.")
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID (Node.id).")]
    ) -> Node | None:
        return (await _lookup(info, [id]))[0]

    @strawberry.field(description="The nodes with these global IDs, in order; null where there is none.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="Global IDs, at most the service's largest page (500 unless configured); more is "
                "refused (PAGE_SIZE_EXCEEDED)."
            ),
        ],
    ) -> list[Node | None]:
        if len(ids) > info.context.config.max_page_size:
            raise ClientError(
                f"ids: {len(ids)} is more than this service looks up at once ({info.context.config.max_page_size})",
                "PAGE_SIZE_EXCEEDED",
            )
        return await _lookup(info, ids)

    @strawberry.field(
        description="Nodes whose name contains text (case-insensitive, Chinese substrings included), shortest names "
        "first. Party members' names are personal information: they are searched only where PII is revealed."
    )
    async def search(
        self,
        info: Info,
        text: Annotated[
            str, strawberry.argument(description="The text a name must contain; blank text finds nothing.")
        ],
        labels: Annotated[
            list[Label] | None,
            strawberry.argument(
                description="Only nodes of these types (null or empty: every type whose names may be searched). "
                "Naming PartyMember is refused (code PII) unless the viewer may see personal information."
            ),
        ] = None,
        first: Annotated[
            int,
            strawberry.argument(
                description="At most this many nodes (0 to the service's largest page, 500 unless configured)."
            ),
        ] = 20,
    ) -> list[Node]:
        ctx = info.context
        if first < 0 or first > ctx.config.max_page_size:
            raise ClientError(
                f"first must be between 0 and {ctx.config.max_page_size}, got {first}", "PAGE_SIZE_EXCEEDED"
            )
        chosen = list(labels) if labels else list(Label)
        hidden = [lab for lab in chosen if not ctx.viewer.may_search(lab)]
        if labels and hidden:
            raise ClientError(
                f"names of {', '.join(h.value for h in hidden)} are personal information: searching them is not "
                "allowed",
                "PII",
            )
        searchable = [lab.value for lab in chosen if lab not in hidden]
        if not text.strip():
            return []
        found = await ctx.loaders.search(text.strip(), searchable, first)
        return [as_node(r) for r in found]
