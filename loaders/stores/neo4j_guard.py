"""How the Neo4j store meets an unreachable server: :func:`guarded` and :data:`UNREACHABLE`.

Used by :class:`~loaders.stores.neo4j_store.S` and its mixins (the audit trail, the
import-in-progress marker); see docs/design.md "Outages".
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DriverError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
)

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
    not a hang.

    A call begun on the driver that the store's return replaced (:meth:`Neo4jStore.ping`
    after an outage) and failing on it does not mark the store down again: a read runs again
    on the new driver, a write raises :class:`StoreUnavailable` (its outcome is unknown)."""

    def wrap(
        fn: Callable[Concatenate[S, P], Awaitable[T]],
    ) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
        @functools.wraps(fn)
        async def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            async with self.availability.calling(cancellable=cancellable):
                epoch = _epoch(self)
                while True:
                    try:
                        result = await fn(self, *args, **kwargs)
                    except ConnectionAcquisitionTimeoutError as exc:
                        report_store_failure()
                        raise StoreBusy() from exc
                    except (*UNREACHABLE, DriverError) as exc:
                        if _epoch(self) != epoch and self.availability.up:
                            # Begun on the driver of before an outage, which the store's return
                            # replaced (and closed): not a new outage.  A read runs again on the
                            # new driver; a write's outcome is unknown, so it is not repeated.
                            if cancellable:
                                epoch = _epoch(self)
                                continue
                            raise StoreUnavailable() from exc
                        if not isinstance(exc, UNREACHABLE):
                            raise
                        self.availability.mark_down(exc)
                        raise StoreUnavailable() from exc
                    break
                self.availability.answered()
                if not self.availability.up:
                    self.availability.mark_up()  # a probe (or a call begun before the outage) got through
                return result

        return guarded

    return wrap


def _epoch(store: object) -> int:
    """The store's driver generation (``Neo4jStore.driver_epoch``; 0 for one without it)."""
    return int(getattr(store, "driver_epoch", 0))
