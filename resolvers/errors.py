# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Errors a client can act on.

Two kinds: a :class:`ClientError` is a GraphQL error of a query (bad ID, page too large, …)
and carries a stable ``extensions.code``; a :class:`UserError` is a typed entry of a mutation
payload's ``errors`` list (from a :class:`graph_schema.Problem`): nothing was written.
"""

from __future__ import annotations

import re

import strawberry
from graphql import GraphQLError

from graph_schema import Problem


class ClientError(GraphQLError):
    """A request the client can fix; its message is shown as is (never masked)."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})
        self.code = code


ERRORS = (
    "Why nothing was written, one entry per problem (every problem of the input at once); empty when the "
    "mutation succeeded."
)

_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """``head_id_number`` → ``headIdNumber`` (how GraphQL names a property).

    >>> camel("head_id_number")
    'headIdNumber'
    """
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


@strawberry.type(description="Why a mutation wrote nothing: one problem with one input field.")
class UserError:
    field: str | None = strawberry.field(description="The input field (camelCase), when one is to blame.")
    code: str = strawberry.field(
        description="A stable machine code: REQUIRED, TYPE, RANGE, ENUM, FORMAT, CHECKSUM, UNKNOWN_PROPERTY, "
        "DUPLICATE_ID, MISSING_ENDPOINT, ENDPOINT_LABEL, SECOND_PARENT, BAD_ID, NOT_FOUND, WRONG_TYPE, "
        "HAS_CHILDREN, NOT_VANGUARD, SELF_LINK, NO_PARENT, WORKFLOW_OWNED, …"
    )
    message: str = strawberry.field(description="A sentence for a person.")
    record: str | None = strawberry.field(default=None, description="The record the problem is about.")

    @classmethod
    def from_problem(cls, problem: Problem, fields: dict[str, str] | None = None) -> UserError:
        name = problem.field
        shown = (fields or {}).get(name, camel(name)) if name else None
        return cls(field=shown, code=problem.code, message=problem.message, record=problem.record or None)

    @classmethod
    def of(cls, field: str | None, code: str, message: str, record: str | None = None) -> UserError:
        return cls(field=field, code=code, message=message, record=record)
