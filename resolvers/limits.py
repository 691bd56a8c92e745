"""Protection of the API: depth, alias and token limits, introspection, error codes, masking.

Extensions are given to the schema as factories, so each request gets its own instances.
Every error a client can act on carries ``extensions.code``; unexpected errors are masked
("Unexpected error.") and logged with their traceback and the request id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)


@dataclass(frozen=True, slots=True)
class SchemaLimits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    introspection: bool = True
    suggestions: bool = True
    """Whether validation errors suggest field names ("Did you mean …?"); off in production."""


_CODES = (
    ("exceeds maximum operation depth", "MAX_DEPTH_EXCEEDED"),
    ("aliases found. Allowed", "MAX_ALIASES_EXCEEDED"),
    ("Document contains more than", "MAX_TOKENS_EXCEEDED"),
    ("introspection has been disabled", "INTROSPECTION_DISABLED"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("Variable '$", "BAD_VARIABLES"),
    ("Unknown operation named", "OPERATION_NOT_FOUND"),
)


def error_code(error: GraphQLError) -> str:
    """The code of an error raised before execution (parsing or validation)."""
    for needle, code in _CODES:
        if needle in error.message:
            return code
    return "GRAPHQL_VALIDATION_FAILED"


def add_code(error: GraphQLError) -> None:
    """Give a parse, validation or variables error its stable ``extensions.code`` (once)."""
    if error.path is None and error.original_error is None:
        extensions = dict(error.extensions or {})
        extensions.setdefault("code", error_code(error))
        error.extensions = extensions


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors that come from a bug or an outage rather than from the request."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def limit_extensions(limits: SchemaLimits) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """The schema's extensions, as per-request factories.

    The validation rules are made once, here, so that the validation cache (keyed by the
    parsed document and the rules) serves a repeated query without validating it again.
    """
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    if not limits.introspection:
        rules += DisableIntrospection().validation_rules
    return [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(AddValidationRules, rules),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        partial(MaskErrors, should_mask_error=is_unexpected),
    ]


__all__ = ["SchemaLimits", "add_code", "error_code", "is_unexpected", "limit_extensions"]
