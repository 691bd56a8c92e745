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
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from resolvers.alliances import Alliance, AllianceMember, AllianceQuery
from resolvers.analytics import AnalyticsQuery
from resolvers.areas import AreaQuery, Building, Community, Grid, Household, Street
from resolvers.limits import CodedExecutionContext, SchemaLimits, is_unexpected, limit_extensions
from resolvers.lookup import LookupQuery
from resolvers.mutations import MUTATION_PARTS
from resolvers.organization import OrganizationQuery, PartyMember, PartyOrganization, VanguardStation

QUERY_PARTS: tuple[type, ...] = (LookupQuery, AreaQuery, OrganizationQuery, AllianceQuery, AnalyticsQuery)
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
)

Query = merge_types("Query", QUERY_PARTS)
Mutation = merge_types("Mutation", MUTATION_PARTS)

log = logging.getLogger("civicmesh.graphql")


class CivicSchema(strawberry.Schema):
    """The strawberry schema; every error passes here once, with its code (see
    :mod:`resolvers.limits`), and gets a log line."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_unexpected(error):
                log.error("unexpected error in %s: %s", error.path, error.message, exc_info=error.original_error)
            else:
                log.info("client error: %s", error.message)


def build_schema(limits: SchemaLimits | None = None) -> strawberry.Schema:
    """The executable schema with the protection of ``limits``."""
    return CivicSchema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES),
        extensions=limit_extensions(limits or SchemaLimits()),
        execution_context_class=CodedExecutionContext,
    )


def printed_schema() -> str:
    """The SDL of the schema (what ``schema.graphql`` holds)."""
    return CivicSchema(query=Query, mutation=Mutation, types=list(NODE_TYPES)).as_str() + "\n"


def main(*_: Any) -> None:
    print(printed_schema(), end="")


if __name__ == "__main__":
    main()
