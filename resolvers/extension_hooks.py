"""The schema extensions' hooks, found once per extension class instead of once per request.

strawberry runs every request's extensions through four context managers (operation,
parsing, validation, execution).  Each one, for every request, asks every extension whether
it defines the stage's hook (``inspect`` on the method: a generator, an async generator or a
plain function) and wraps each hook it finds in a new ``contextlib`` decorator
(``functools.update_wrapper`` included).  With nine extensions that is 36 look-ups and about
eight decorated wrappers per request, ~6 % of a ``node(id)``'s CPU in the service
(docs/design.md "2026-12-03").  The answer depends only on the extension's class, so
:func:`hook_of` finds it once per (class, stage), and :class:`PlannedRunner` enters the same
hooks, in the same order, through the same exit stacks as strawberry does: the order, the
exceptions passed to each hook, and an exception that goes on even when a hook swallowed it
(strawberry's exits return None), unchanged.

>>> from strawberry.extensions import SchemaExtension
>>> class Seen(SchemaExtension):
...     def on_parse(self):
...         yield
>>> hook_of(Seen, "on_parse")[1], hook_of(Seen, "on_execute") is None
(False, True)
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any, ClassVar

from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner

HookFactory = Callable[[SchemaExtension], Any]
"""Makes the (sync or async) context manager of one extension's hook."""

Hook = tuple[HookFactory, bool]

_hooks: dict[tuple[type[SchemaExtension], str], Hook | None] = {}


def hook_of(kind: type[SchemaExtension], name: str) -> Hook | None:
    """The context-manager factory of ``kind``'s hook ``name`` (called with the extension) and
    whether it is async; None when ``kind`` keeps :class:`SchemaExtension`'s own (no hook).

    The same reading of a hook as strawberry's: a generator function is a context manager, an
    async generator an async one, a coroutine function is awaited on entering, any other
    callable is called on entering."""
    key = (kind, name)
    if key not in _hooks:
        _hooks[key] = _find(kind, name)
    return _hooks[key]


def _find(kind: type[SchemaExtension], name: str) -> Hook | None:
    fn = getattr(kind, name)
    if fn is getattr(SchemaExtension, name):
        return None
    if inspect.isgeneratorfunction(fn):
        return contextlib.contextmanager(fn), False
    if inspect.isasyncgenfunction(fn):
        return contextlib.asynccontextmanager(fn), True
    if inspect.iscoroutinefunction(fn):

        @contextlib.asynccontextmanager
        async def awaited(extension: SchemaExtension) -> AsyncIterator[None]:
            await fn(extension)
            yield

        return awaited, True
    if callable(fn):

        @contextlib.contextmanager
        def called(extension: SchemaExtension) -> Iterator[None]:
            fn(extension)
            yield

        return called, False
    raise ValueError(f"hook {name} of {kind.__name__} must be callable, got {fn!r}")


class PlannedStage:
    """One stage's hooks of one request's extensions, entered in order and left in reverse."""

    __slots__ = ("hooks", "stack", "sync_stack")
    HOOK_NAME: ClassVar[str]

    def __init__(self, extensions: list[SchemaExtension]) -> None:
        name = self.HOOK_NAME
        self.hooks = [(hook, extension) for extension in extensions if (hook := hook_of(type(extension), name))]

    async def __aenter__(self) -> None:
        self.stack = contextlib.AsyncExitStack()
        await self.stack.__aenter__()
        for (factory, is_async), extension in self.hooks:
            if is_async:
                await self.stack.enter_async_context(factory(extension))
            else:
                self.stack.enter_context(factory(extension))

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # None, as strawberry's: an exception goes on even when a hook swallowed it
        await self.stack.__aexit__(exc_type, exc, tb)

    def __enter__(self) -> None:
        self.sync_stack = contextlib.ExitStack()
        self.sync_stack.__enter__()
        for (factory, is_async), extension in self.hooks:
            if is_async:
                raise RuntimeError(
                    f"SchemaExtension hook {extension}.{self.HOOK_NAME} failed to complete synchronously."
                )
            self.sync_stack.enter_context(factory(extension))

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.sync_stack.__exit__(exc_type, exc, tb)


class _Operation(PlannedStage):
    HOOK_NAME = SchemaExtension.on_operation.__name__


class _Validation(PlannedStage):
    HOOK_NAME = SchemaExtension.on_validate.__name__


class _Parsing(PlannedStage):
    HOOK_NAME = SchemaExtension.on_parse.__name__


class _Executing(PlannedStage):
    HOOK_NAME = SchemaExtension.on_execute.__name__


class PlannedRunner(SchemaExtensionsRunner):
    """strawberry's runner with the four stages' hooks found once per class (see the module)."""

    def operation(self) -> Any:
        return _Operation(self.extensions)

    def validation(self) -> Any:
        return _Validation(self.extensions)

    def parsing(self) -> Any:
        return _Parsing(self.extensions)

    def executing(self) -> Any:
        return _Executing(self.extensions)


__all__ = ["PlannedRunner", "PlannedStage", "hook_of"]
