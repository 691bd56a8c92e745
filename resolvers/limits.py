"""Protection of the API: depth, alias and token limits, introspection, error codes, masking.

Extensions are given to the schema as factories, so each request gets its own instances.
Every error a client can act on carries ``extensions.code``, given where the error is
raised: the parser (``GRAPHQL_PARSE_FAILED``, ``MAX_TOKENS_EXCEEDED``), each limiting
validation rule (``MAX_DEPTH_EXCEEDED``, ``MAX_ALIASES_EXCEEDED``, ``INTROSPECTION_DISABLED``),
the other validation rules (``GRAPHQL_VALIDATION_FAILED``), the coercion of variables
(``BAD_VARIABLES``) and the resolvers (:class:`resolvers.errors.ClientError`).  Unexpected
errors are masked ("Unexpected error.") and logged with their traceback and the request id.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, Source, TokenKind, parse
from graphql.execution import Executor
from graphql.language import Lexer
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule, ValidationContext
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True, slots=True)
class SchemaLimits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    introspection: bool = True
    suggestions: bool = True
    """Whether validation errors suggest field names ("Did you mean …?"); off in production."""
    max_cost: int | None = 100_000
    """The static cost a request may have (:mod:`resolvers.cost`); None: no budget."""


def with_code(error: GraphQLError, code: str) -> GraphQLError:
    """``error`` carrying ``extensions.code`` (a code it already has is kept).

    >>> with_code(GraphQLError("Unknown type 'Sreet'."), "GRAPHQL_VALIDATION_FAILED").extensions
    {'code': 'GRAPHQL_VALIDATION_FAILED'}
    """
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


# --- parsing ---------------------------------------------------------------------------------


def _first_token_past(source: Source, limit: int) -> int | None:
    """Where the token after the first ``limit`` tokens starts (comments count), or None
    when the document has no more tokens than that."""
    lexer = Lexer(source)
    counted = 0
    last = lexer.token
    while last.kind != TokenKind.EOF:
        token = lexer.advance()
        between = last.next  # the comments the lexer skipped, then the token itself
        while between is not None and between.kind != TokenKind.EOF:
            counted += 1
            if counted > limit:
                return between.start
            if between is token:
                break
            between = between.next
        last = token
    return None


@functools.lru_cache(maxsize=256)
def parse_document(query: str, max_tokens: int) -> DocumentNode:
    """Parse ``query``, refusing a document of more than ``max_tokens`` tokens before
    parsing it; a refusal is a :class:`GraphQLSyntaxError` with its code.

    >>> parse_document("{ streets { totalCount } }", 10).definitions[0].operation.value
    'query'
    >>> error = None
    >>> try:
    ...     parse_document("{ a b c }", 3)
    ... except GraphQLSyntaxError as exc:
    ...     error = exc
    >>> error.message, error.extensions
    ('Syntax Error: Document contains more than 3 tokens. Parsing aborted.', {'code': 'MAX_TOKENS_EXCEEDED'})
    """
    source = Source(query)
    try:
        past = _first_token_past(source, max_tokens)
        if past is None:
            return parse(source)
    except GraphQLSyntaxError as exc:
        with_code(exc, "GRAPHQL_PARSE_FAILED")
        raise
    too_long = f"Document contains more than {max_tokens} tokens. Parsing aborted."
    raise with_code(GraphQLSyntaxError(source, past, too_long), "MAX_TOKENS_EXCEEDED")


class CodedParser(SchemaExtension):
    """Parses each operation (cached) within the token limit; see :func:`parse_document`."""

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = parse_document(context.query, self.max_tokens)
        yield


# --- validation ------------------------------------------------------------------------------


class _CodingContext:
    """A validation context whose reported errors carry ``code``."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(with_code(error, self._code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule``, every error it reports carrying ``extensions.code`` = ``code``."""

    class Coded(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            coding = cast(ValidationContext, _CodingContext(context, code))
            try:
                super().__init__(coding)
            except KeyError:  # strawberry's depth limiter meets an unknown fragment: the
                ASTValidationRule.__init__(self, coding)  # KnownFragmentNames rule reports it, coded

    Coded.__name__ = Coded.__qualname__ = f"Coded{rule.__name__}"
    return Coded


class ValidationCodes(SchemaExtension):
    """Errors of the GraphQL validation rules that have no code of their own get
    ``GRAPHQL_VALIDATION_FAILED`` (listed first, it sees the errors after validation)."""

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            with_code(error, "GRAPHQL_VALIDATION_FAILED")


# --- variables -------------------------------------------------------------------------------


class CodedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context; the errors met building it (the variables could not
    be coerced to their types) carry ``BAD_VARIABLES``."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> list[GraphQLError] | Executor[Any]:
        built = super().build(*args, **kwargs)
        if isinstance(built, list):
            for error in built:
                with_code(error, "BAD_VARIABLES")
        return built


# --- the extensions --------------------------------------------------------------------------


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors that come from a bug or an outage rather than from the request."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class UnexpectedErrorsMasked(MaskErrors):
    """strawberry's :class:`MaskErrors`, with its check of a result's errors as an attribute
    read: strawberry's is an ``isinstance`` against a runtime-checkable Protocol, which walks
    the Protocol's attributes on every request (~1 % of a ``node(id)``'s CPU)."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def limit_extensions(limits: SchemaLimits) -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """The schema's extensions, as per-request factories.

    The validation rules are made once, here, so that the validation cache (keyed by the
    parsed document and the rules) serves a repeated query without validating it again.
    """
    rules = [
        *(coded_rule(r, "MAX_DEPTH_EXCEEDED") for r in QueryDepthLimiter(max_depth=limits.max_depth).validation_rules),
        *(
            coded_rule(r, "MAX_ALIASES_EXCEEDED")
            for r in MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules
        ),
    ]
    if not limits.introspection:
        rules.append(coded_rule(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"))
    return [
        ValidationCodes,
        partial(CodedParser, max_tokens=limits.max_tokens),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=256),
        partial(UnexpectedErrorsMasked, should_mask_error=is_unexpected),
    ]


__all__ = [
    "CodedExecutionContext",
    "SchemaLimits",
    "UnexpectedErrorsMasked",
    "coded_rule",
    "is_unexpected",
    "limit_extensions",
    "parse_document",
    "with_code",
]
