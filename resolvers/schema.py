"""The schema, composed per feature.

Each feature module contributes a ``Query`` part (and mutations a ``Mutation`` part); this
module merges them.  A new feature (e.g. analytics: ``coverage``, ``allianceReach``,
``structure``, ``brokerage``, ``coveragePlan``) adds its own module with a query class and
lists it in ``QUERY_PARTS``.

The printed schema is committed as ``schema.graphql`` at the repository root; regenerate it
with ``python -m resolvers.schema > schema.graphql``.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from loaders.store import StoreUnavailable
from resolvers.alliances import Alliance, AllianceMember, AllianceQuery
from resolvers.analytics import AnalyticsQuery
from resolvers.analytics.snapshot import AnalyticsDataVersion
from resolvers.appeals.mutations import AppealMutation
from resolvers.appeals.query import AppealQuery
from resolvers.appeals.subscription import AppealSubscription
from resolvers.appeals.types import Activity, Appeal
from resolvers.areas import AreaQuery, Building, Community, Grid, Household, Street
from resolvers.assessments.mutations import AssessmentMutation
from resolvers.assessments.types import Assessment
from resolvers.audit import AuditQuery, DisclosureAudit, audit_mutations
from resolvers.cost import RequestCost
from resolvers.execution import FastExecutionContext
from resolvers.extension_hooks import PlannedRunner
from resolvers.limits import CodedExecutionContext, SchemaLimits, is_unexpected, limit_extensions
from resolvers.lookup import LookupQuery
from resolvers.mutations import MUTATION_PARTS
from resolvers.organization import OrganizationQuery, PartyMember, PartyOrganization, VanguardStation
from resolvers.work.mutations import WorkMutation
from resolvers.work.query import WorkQuery
from resolvers.work.types import SecretaryProject
from resolvers.workers.mutations import WorkerMutation
from resolvers.workers.query import WorkerQuery
from resolvers.workers.types import GuidanceStation, Worker

QUERY_PARTS: tuple[type, ...] = (
    LookupQuery,
    AreaQuery,
    OrganizationQuery,
    AllianceQuery,
    AnalyticsQuery,
    AppealQuery,
    AuditQuery,
    WorkerQuery,
    WorkQuery,
)
NODE_TYPES: tuple[type, ...] = (
    Street,
    Community,
    Grid,
    Building,
    Household,
    PartyOrganization,
    PartyMember,
    VanguardStation,
    Alliance,
    AllianceMember,
    Appeal,
    Activity,
    Worker,
    GuidanceStation,
    SecretaryProject,
    Assessment,
)


def compose(name: str, parts: tuple[type, ...], description: str) -> type:
    """One strawberry type with the fields of every part, in order (``merge_types`` with a description)."""
    return strawberry.type(type(name, parts, {}), description=description)


Query = compose(
    "Query",
    QUERY_PARTS,
    "Reading the community-governance graph: nodes by ID or name, paged listings of every node type (personal "
    "information masked unless the viewer may see it), and the analytics (coverage, allianceReach, structure, "
    "brokerage, coveragePlan) and, for administrators, the audit log.",
)
Mutation = audit_mutations(
    compose(
        "Mutation",
        (*MUTATION_PARTS, AppealMutation, WorkerMutation, WorkMutation, AssessmentMutation),
        "Writing the graph. Every mutation is one atomic write: it applies all of its input or, with errors in its "
        "payload, nothing.",
    )
)

Subscription = compose(
    "Subscription",
    (AppealSubscription,),
    "Live updates over WebSocket (the graphql-transport-ws protocol at /graphql): the appeal queue.",
)

log = logging.getLogger("civicmesh.graphql")


class CivicSchema(strawberry.Schema):
    """The strawberry schema; every error passes here once, with its code (see
    :mod:`resolvers.limits`), and gets a log line."""

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return PlannedRunner(execution_context, extensions)  # hooks found once per class

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if isinstance(error.original_error, StoreUnavailable):
                continue  # an outage, not a bug: the store's availability logged it once (a warning)
            if is_unexpected(error):
                log.error("unexpected error in %s: %s", error.path, error.message, exc_info=error.original_error)
            else:
                log.info("client error: %s", error.message)


def build_schema(limits: SchemaLimits | None = None, *, fast: bool = True) -> strawberry.Schema:
    """The executable schema with the protection of ``limits``; ``fast=False`` completes every
    value through graphql-core's own executor (no fast path, see :mod:`resolvers.execution`:
    for the differential tests and the benchmark)."""
    limits = limits or SchemaLimits()
    return CivicSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(NODE_TYPES),
        extensions=[
            *limit_extensions(limits),
            partial(RequestCost, max_cost=limits.max_cost),
            DisclosureAudit,
            AnalyticsDataVersion,
        ],
        config=StrawberryConfig(disable_field_suggestions=not limits.suggestions),
        execution_context_class=FastExecutionContext if fast else CodedExecutionContext,
    )


def printed_schema() -> str:
    """The SDL of the schema (what ``schema.graphql`` holds)."""
    schema = CivicSchema(query=Query, mutation=Mutation, subscription=Subscription, types=list(NODE_TYPES))
    return schema.as_str() + "\n"


def main(*_: Any) -> None:
    print(printed_schema(), end="")


if __name__ == "__main__":
    main()
