# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The audit trail in the API: what is recorded, and ``auditLog`` to read it (ADMIN only).

Recorded here, each as one :class:`loaders.store.AuditEvent` in the store:

* every mutation, by :class:`AuditedMutation`, a field extension that :func:`audit_mutations`
  puts on every field of the ``Mutation`` type (so a new mutation is audited without asking):
  the mutation's name, the ids it wrote and its arguments name (or, when nothing was written,
  those its arguments and payload name), the names of the input fields it set, and ``DENIED``
  when the payload says ``FORBIDDEN`` (else ``ALLOWED``, with the first error's code when
  nothing was written).  A mutation that writes records its event in the transaction of its
  first write (:class:`resolvers.context.WriteAudit`): the write and its event are committed
  together or not at all;
* every response that showed personal data unmasked, by :class:`DisclosureAudit`: the ids
  :meth:`resolvers.privacy.Viewer.reveal` collected and the names of the fields;
* every query refused (in part) as ``FORBIDDEN``, such as ``auditLog`` for a non-ADMIN, also
  by :class:`DisclosureAudit`: the paths of the refused fields.

The service records the rest (refused tokens, imports and exports) with :func:`audit_event`.
Values are never recorded: only ids and field names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from enum import Enum
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField

from graph_schema import Node as Record
from graph_schema import WriteBatch, from_global_id
from graph_schema.roles import Role
from loaders.store import AuditEvent as StoredEvent
from loaders.store import AuditFilter, GraphStore, Outcome
from resolvers.connections import PageInfo
from resolvers.context import Info, RequestContext, WriteAudit
from resolvers.errors import ClientError, camel
from resolvers.privacy import Viewer

log = logging.getLogger("civicmesh.audit")

FORBIDDEN = "FORBIDDEN"
"""The payload code (and GraphQL error code) of an action outside the viewer's rights."""


def audit_event(
    viewer: Viewer | None,
    operation: str,
    outcome: Outcome,
    *,
    targets: Iterable[str] = (),
    fields: Iterable[str] = (),
    code: str | None = None,
    request_id: str | None = None,
) -> StoredEvent:
    """An event stamped now, for ``viewer`` (None: nobody known, e.g. a refused token)."""
    return StoredEvent(
        at=dt.datetime.now(dt.UTC),
        operation=operation,
        outcome=outcome,
        actor=viewer.sub if viewer else None,
        name=viewer.name if viewer else None,
        role=viewer.role.value if viewer else None,
        scope=viewer.scope if viewer else None,
        targets=tuple(dict.fromkeys(targets)),
        fields=tuple(sorted(set(fields))),
        code=code,
        request_id=request_id,
    )


async def append(store: GraphStore, event: StoredEvent) -> None:
    """Write ``event``; a store that fails is logged (with the event, which holds no values)
    and does not fail the request whose action already happened."""
    try:
        await store.append_audit([event])
    except Exception:
        log.exception(
            "could not write an audit event",
            extra={"operation": event.operation, "actor": event.actor, "outcome": event.outcome.value},
        )


async def record(context: RequestContext, event: StoredEvent) -> None:
    await append(context.store, event)


# --- mutations -------------------------------------------------------------------------------


def _is_id(annotation: Any) -> bool:
    while isinstance(annotation, (StrawberryOptional, StrawberryList)):
        annotation = annotation.of_type
    return annotation is strawberry.ID


def _local_ids(value: Any) -> Iterator[str]:
    """The local ids of the global IDs in ``value`` (a string or a list of them)."""
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(item, str):
            try:
                yield from_global_id(item)[1]
            except ValueError:
                continue


def _input_parts(value: Any, name: str, annotation: Any) -> tuple[list[str], list[str]]:
    """(ids, field names) of one argument: global IDs become targets, other set input fields
    become field names (an input object contributes its own fields, never its values)."""
    if value is strawberry.UNSET:
        return [], []
    if _is_id(annotation):
        return list(_local_ids(value)), []
    if has_object_definition(value):
        ids: list[str] = []
        names: list[str] = []
        for f in value.__strawberry_definition__.fields:
            inner = getattr(value, f.python_name, strawberry.UNSET)
            if inner is strawberry.UNSET or (inner is None and f.default is None):
                continue  # not given (an explicit null counts only where the default is unset)
            if _is_id(f.type):
                ids += _local_ids(inner)
            elif f.python_name != "id":
                names.append(f.graphql_name or camel(f.python_name))
        return ids, names
    return [], [camel(name)]


def _payload_ids(value: Any, depth: int = 0) -> Iterator[str]:
    """Ids of the nodes a payload returns (the node written, a relationship's ends, a deleted id)."""
    if depth > 2 or value is None:
        return
    record = getattr(value, "record", None)
    if isinstance(record, Record):
        yield record.id
        return
    if not has_object_definition(value):
        return
    for f in value.__strawberry_definition__.fields:
        if f.python_name == "errors" or f.base_resolver is not None:
            continue
        inner = getattr(value, f.python_name, None)
        if _is_id(f.type):
            yield from _local_ids(inner)
        else:
            for item in inner if isinstance(inner, list) else [inner]:
                yield from _payload_ids(item, depth + 1)


def written_ids(batch: WriteBatch) -> list[str]:
    """The ids a write names, in order: its nodes, the nodes it deletes, then the ends of the
    relationships it writes and deletes.

    >>> from graph_schema import Node, Relationship
    >>> written_ids(WriteBatch([Node("Household", "h1", {})], [Relationship("LIVES_IN", "h1", "b1")]))
    ['h1', 'b1']
    """
    ids = [n.id for n in batch.nodes] + list(batch.delete_nodes)
    for r in batch.relationships:
        ids += [r.start, r.end]
    for ref in batch.delete_relationships:
        ids += [ref.start, ref.end]
    return list(dict.fromkeys(ids))


def _outcome(codes: list[str]) -> tuple[Outcome, str | None]:
    if FORBIDDEN in codes:
        return Outcome.DENIED, FORBIDDEN
    return Outcome.ALLOWED, codes[0] if codes else None


class AuditedMutation(FieldExtension):
    """Writes one audit event per executed mutation field (see the module's docstring)."""

    def apply(self, field: StrawberryField) -> None:
        self.operation = field.graphql_name or camel(field.python_name)
        self.arguments = {a.python_name: a.type for a in field.arguments}

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        targets: list[str] = []
        names: list[str] = []
        for name, value in kwargs.items():
            ids, fields = _input_parts(value, name, self.arguments.get(name))
            targets += ids
            names += fields
        context = info.context
        pending = WriteAudit(
            lambda batch: self._event(context, Outcome.ALLOWED, [*written_ids(batch), *targets], names, None)
        )
        outer, context.write_audit = context.write_audit, pending
        try:
            payload = await next_(source, info, **kwargs)
        except GraphQLError as exc:
            if not pending.written:
                error = str((exc.extensions or {}).get("code") or "BAD_USER_INPUT")
                refused = Outcome.DENIED if error == FORBIDDEN else Outcome.ALLOWED
                await record(context, self._event(context, refused, targets, names, error))
            raise
        except Exception:
            if not pending.written:
                await record(context, self._event(context, Outcome.ALLOWED, targets, names, "INTERNAL_ERROR"))
            raise
        finally:
            context.write_audit = outer
        if pending.written:  # recorded with the write, in its transaction
            return payload
        codes = [str(e.code) for e in getattr(payload, "errors", None) or ()]
        outcome, code = _outcome(codes)
        if outcome is Outcome.ALLOWED and not codes:
            targets = [*_payload_ids(payload), *targets]
        await record(context, self._event(context, outcome, targets, names, code))
        return payload

    def _event(
        self, context: RequestContext, outcome: Outcome, targets: list[str], names: list[str], code: str | None
    ) -> StoredEvent:
        return audit_event(
            context.viewer,
            self.operation,
            outcome,
            targets=targets,
            fields=names,
            code=code,
            request_id=context.request_id,
        )


def audit_mutations(mutation: type) -> type:
    """Put :class:`AuditedMutation` on every field of ``mutation`` (once; returns it)."""
    for f in mutation.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(e, AuditedMutation) for e in f.extensions):
            f.extensions.append(AuditedMutation())
    return mutation


# --- personal data shown unmasked --------------------------------------------------------------


class DisclosureAudit(SchemaExtension):
    """After each operation: one event naming the nodes whose personal fields it showed
    unmasked, and for a query refused in part as FORBIDDEN (e.g. an area outside the viewer's
    scope), one DENIED event naming the refused fields."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, RequestContext):
            return
        await self._denied_reads(context)
        disclosed = context.viewer.disclosures
        if not disclosed:
            return
        name = self.execution_context.operation_name
        await record(
            context,
            audit_event(
                context.viewer,
                f"revealPii:{name}" if name else "revealPii",
                Outcome.ALLOWED,
                targets=sorted(disclosed.ids),
                fields=[camel(f) for f in disclosed.fields],
                request_id=context.request_id,
            ),
        )
        disclosed.ids.clear()
        disclosed.fields.clear()

    async def _denied_reads(self, context: RequestContext) -> None:
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors or self.execution_context.operation_type.value == "mutation":
            return  # mutations are recorded field by field (AuditedMutation)
        paths = [
            ".".join(str(p) for p in e.path) for e in errors if e.path and (e.extensions or {}).get("code") == FORBIDDEN
        ]
        if paths:
            await record(
                context,
                audit_event(
                    context.viewer,
                    paths[0].split(".", 1)[0],
                    Outcome.DENIED,
                    fields=paths,
                    code=FORBIDDEN,
                    request_id=context.request_id,
                ),
            )


# --- reading the trail -------------------------------------------------------------------------


@strawberry.enum(description="Whether an audited action was let through.")
class AuditOutcome(Enum):
    ALLOWED = strawberry.enum_value(
        "ALLOWED", description="The viewer was allowed to do it (code says why nothing was written, if so)."
    )
    DENIED = strawberry.enum_value(
        "DENIED", description="The viewer was refused: a bad or missing token, or an action outside their rights."
    )


@strawberry.type(description="One entry of the audit trail: who did what to which nodes, and whether it was allowed.")
class AuditEvent:
    at: dt.datetime = strawberry.field(description="When it happened (UTC).")
    actor: str | None = strawberry.field(
        description="The token's subject (sub); null for an anonymous request or a token that failed verification."
    )
    actor_name: str | None = strawberry.field(description="The token holder's display name (the name claim).")
    role: str | None = strawberry.field(description="The viewer's role (ADMIN, CITY, GRID_WORKER, …).")
    scope: str | None = strawberry.field(
        description="The local id of the node the viewer's role is bound to; null for the whole city."
    )
    operation: str = strawberry.field(
        description="What was attempted: a mutation's name, revealPii[:operation name] for a response that showed "
        "personal data unmasked, authenticate for a refused token, auditLog, import or export."
    )
    targets: list[str] = strawberry.field(description="Local ids of the nodes it touched or showed.")
    fields: list[str] = strawberry.field(
        description="Names of the input fields set, or of the personal fields shown (never their values)."
    )
    outcome: AuditOutcome = strawberry.field(description="Whether it was allowed.")
    code: str | None = strawberry.field(
        description="Why it was denied (FORBIDDEN, TOKEN_EXPIRED, …) or why an allowed write wrote nothing "
        "(NOT_FOUND, REQUIRED, …); null when it was applied."
    )
    request_id: str | None = strawberry.field(description="The request id (X-Request-ID) of the HTTP request.")

    @classmethod
    def of(cls, e: StoredEvent) -> AuditEvent:
        return cls(
            at=e.at,
            actor=e.actor,
            actor_name=e.name,
            role=e.role,
            scope=e.scope,
            operation=e.operation,
            targets=list(e.targets),
            fields=list(e.fields),
            outcome=AuditOutcome(e.outcome.value),
            code=e.code,
            request_id=e.request_id,
        )


@strawberry.type(description="An audit event with its cursor.")
class AuditEventEdge:
    node: AuditEvent = strawberry.field(description="The event.")
    cursor: str = strawberry.field(description="Opaque position of this event: pass it as after.")


@strawberry.type(description="A page of the audit trail, oldest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="The events of this page, with cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the trail.")

    @strawberry.field(description="The events of this page (the edges' nodes).")
    def nodes(self) -> list[AuditEvent]:
        return [e.node for e in self.edges]


@strawberry.input(description="Which audit events to list; every given condition must hold.")
class AuditFilterInput:
    actor: str | None = strawberry.field(default=None, description="Only events of this token subject (sub).")
    outcome: AuditOutcome | None = strawberry.field(default=None, description="Only ALLOWED or only DENIED events.")
    since: dt.datetime | None = strawberry.field(
        default=None, description="Only events at or after this time (with a time zone; UTC if none)."
    )
    until: dt.datetime | None = strawberry.field(
        default=None, description="Only events before this time (with a time zone; UTC if none)."
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit trail, oldest first: every mutation, every import and export, every denied attempt "
        "and every response that showed personal data unmasked. ADMIN only (others: FORBIDDEN)."
    )
    async def audit_log(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size (default 100).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Continue after this cursor.")] = None,
        filter: Annotated[AuditFilterInput | None, strawberry.argument(description="Which events to list.")] = None,
    ) -> AuditEventConnection:
        context = info.context
        if context.viewer.role is not Role.ADMIN:  # recorded as DENIED by DisclosureAudit
            raise ClientError("only an ADMIN may read the audit log", FORBIDDEN)
        limit = context.config.max_page_size
        size = first if first is not None else min(context.config.default_page_size, limit)
        if size < 0 or size > limit:
            raise ClientError(f"first must be between 0 and {limit}, got {size}", "BAD_PAGE")
        f = filter or AuditFilterInput()
        flt = AuditFilter(
            actor=f.actor,
            outcome=Outcome(str(f.outcome.value)) if f.outcome is not None else None,
            since=_aware(f.since),
            until=_aware(f.until),
        )
        try:
            page = await context.store.read_audit(filter=flt, first=size, after=after)
        except ValueError as exc:
            raise ClientError(f"after: {exc}", "BAD_CURSOR") from None
        pairs = zip(page.events, page.cursors, strict=True)
        edges = [AuditEventEdge(node=AuditEvent.of(e), cursor=c) for e, c in pairs]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_more,
                has_previous_page=after is not None,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )
