"""How the Neo4j store meets an unreachable server: :func:`guarded` and :data:`UNREACHABLE`.

Used by :class:`~loaders.stores.neo4j_store.S` and its mixins (the audit trail, the
import-in-progress marker); see docs/design.md "Outages".
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from neo4j.exceptions import ConnectionAcquisitionTimeoutError, IncompleteCommit, ServiceUnavailable, SessionExpired

from loaders.store import Availability, StoreBusy, StoreUnavailable, report_store_failure

UNREACHABLE = (ServiceUnavailable, SessionExpired, IncompleteCommit, ConnectionError)
"""What the driver raises when the server cannot be reached (or went away during a commit)."""

P = ParamSpec("P")
T = TypeVar("T")


class _Guarded(Protocol):
    """What :func:`guarded` needs of the store: its availability."""

    availability: Availability


S = TypeVar("S", bound=_Guarded)


def guarded(
    cancellable: bool,
) -> Callable[[Callable[Concatenate[S, P], Awaitable[T]]], Callable[Concatenate[S, P], Coroutine[Any, Any, T]]]:
    """A store method that fails at once while the server is known to be down, marks it down
    when the server cannot be reached, and raises :class:`StoreUnavailable` (never the
    driver's exception, which names the address).

    A call that waited longer than the acquisition timeout for a pooled connection (all in use:
    many requests, or long ones such as a projection) raises :class:`StoreBusy` without marking
    the store down: a busy server is not an outage.  Every answered call tells the
    availability so (:meth:`Availability.answered`): pings that timed out meanwhile were slow,
    not a hang."""

    def wrap(
        fn: Callable[Concatenate[S, P], Awaitable[T]],
    ) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
        @functools.wraps(fn)
        async def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            async with self.availability.calling(cancellable=cancellable):
                try:
                    result = await fn(self, *args, **kwargs)
                except UNREACHABLE as exc:
                    self.availability.mark_down(exc)
                    raise StoreUnavailable() from exc
                except ConnectionAcquisitionTimeoutError as exc:
                    report_store_failure()
                    raise StoreBusy() from exc
                self.availability.answered()
                if not self.availability.up:
                    self.availability.mark_up()  # a probe (or a call begun before the outage) got through
                return result

        return guarded

    return wrap
