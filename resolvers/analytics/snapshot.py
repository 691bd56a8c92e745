"""The analysis set-up the analytics fields share: one :class:`analytics.AnalyticsSession` per store.

The projection is kept between requests (:mod:`loaders.projection_cache`); the session built
on it (area index, linkage, and lazily the reach model) is kept with it, one per store, held
weakly like the projection cache.  Each data version is a new projection object with a new
version number (:attr:`loaders.projection_cache.ProjectionCache.version`; a write never changes
a projection in place), and the session is keyed by both: indexes built on one version are
never served for the next.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import analytics as A
from loaders.projection_cache import projection_cache
from loaders.store import GraphStore, StoreUnavailable, report_store_failure
from resolvers.context import Info
from resolvers.errors import ClientError

_Snapshot = A.AnalyticsSession
"""The analytics session of one projection: the graph, its index, linkage and reach model."""

log = logging.getLogger("civicmesh.analytics")

_SESSIONS: weakref.WeakKeyDictionary[GraphStore, A.AnalyticsSession] = weakref.WeakKeyDictionary()
"""Each store's session, on the projection it was built from; a new projection gets a new one."""


async def _snapshot(info: Info) -> A.AnalyticsSession:
    """The session of the store's current projection, its index and linkage built; refused
    (``IMPORT_IN_PROGRESS``) while the store holds part of an import."""
    store = info.context.store
    unfinished = await store.current_import()
    if unfinished is not None:
        raise ClientError(
            f"The store holds part of an import: {unfinished.describe()}. Analytics answer again once it completes.",
            "IMPORT_IN_PROGRESS",
        )
    cache = projection_cache(store)
    graph = await _shared(_BUILDING, store, cache.graph)
    version = cache.version_of(graph)
    session = _SESSIONS.get(store)
    if session is None or session.graph is not graph or session.version != version:
        session = _SESSIONS[store] = A.AnalyticsSession(graph, version=version)
    if "index" not in session.built or "linkage" not in session.built:  # on a worker thread: the loop stays free
        await _shared(_INDEXING, session, lambda: asyncio.to_thread(_index_and_linkage, session))
    return session


def _index_and_linkage(session: A.AnalyticsSession) -> None:
    """The session's area index with all its parts read (an analysis in a forked child would
    otherwise read them again each time, and keep them only until it exits) and its linkage."""
    session.build("index", "linkage").index.ensure()


_BUILDING: weakref.WeakKeyDictionary[Any, asyncio.Future[Any]] = weakref.WeakKeyDictionary()
_INDEXING: weakref.WeakKeyDictionary[Any, asyncio.Future[Any]] = weakref.WeakKeyDictionary()


async def _shared(running: weakref.WeakKeyDictionary[Any, asyncio.Future[Any]], key: Any, start: Any) -> Any:
    """``start()`` run once for everybody who waits for it at the same time, and carried on when
    they stop waiting: a projection that takes longer to build than a request's deadline (a
    whole city on a loaded machine) is finished by the next request instead of thrown away and
    started again by each one.

    Its failure reaches every waiter as a coded error, never as "Unexpected error.": the store
    becoming unavailable (or too busy) as :class:`StoreUnavailable`, reported in each waiter's
    own request (the task runs in the first one's context) so that each is answered 503
    ``STORE_UNAVAILABLE``; the work stopped (cancelled) or failed otherwise as
    ``ANALYSIS_INTERRUPTED``, the cause logged once."""
    task = running.get(key)
    if task is None:
        task = running[key] = asyncio.ensure_future(start())

        def landed(done: asyncio.Future[Any]) -> None:
            if running.get(key) is done:
                del running[key]  # kept no longer than it runs: its result is the caller's to keep
            if not done.cancelled():
                failure = done.exception()  # its waiters may all have gone: not the loop's to log
                if failure is not None and not isinstance(failure, (StoreUnavailable, ClientError)):
                    log.error("the shared analysis set-up failed", exc_info=failure)

        task.add_done_callback(landed)
    try:
        return await asyncio.shield(task)
    except StoreUnavailable:
        report_store_failure()
        raise
    except ClientError:
        raise
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not task.cancelled() or (current is not None and current.cancelling()):
            raise  # this request was cancelled (its deadline, its client gone): not the shared work
        raise _interrupted("was stopped before it finished") from None
    except Exception as exc:
        raise _interrupted("failed") from exc


def _interrupted(what: str) -> ClientError:
    return ClientError(
        f"The analysis could not be made: preparing the store's graph for it {what}; nothing was changed. "
        "Try again in a few seconds; if it keeps failing, the service's log says why.",
        "ANALYSIS_INTERRUPTED",
    )


def _model(snap: A.AnalyticsSession) -> A.ReachModel:
    """The session's reach model (built on first use: call it on a worker thread)."""
    return snap.model
