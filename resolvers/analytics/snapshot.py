"""The analysis set-up the analytics fields share: one :class:`analytics.AnalyticsSession` per store.

The projection is kept between requests (:mod:`loaders.projection_cache`); the session built
on it (area index, linkage, and lazily the reach model) is kept with it, one per store, held
weakly like the projection cache.  Each data version is a new projection object with a new
version number (:attr:`loaders.projection_cache.ProjectionCache.version`; a write never changes
a projection in place), and the session is keyed by both: indexes built on one version are
never served for the next.

**Coalesced versions** (:func:`configure`, ``CIVICMESH_ANALYSIS_STALENESS_S``): with writes
every second, a session per version would rebuild its indexes (about 1 s of CPU on a large
city, in this process) after every write.  With a staleness of ``s`` seconds, a session whose
projection was last seen to be the newest at most ``s`` seconds ago still answers after a
write; the next request after that builds one on the newest version.  Its figures are then of
the store as it was at most ``s`` seconds before: the response says so in
``extensions.analyticsData`` (:class:`AnalyticsDataVersion`: the version answered from, the
newest, and how many seconds the answer may be behind).  0 (the default of
:class:`~service.settings.Settings`) always answers from the newest version.

**Where the session is built**: on a worker thread of this process, or, when analyses run in
forked children and the fork server is on (:func:`configure`, ``CIVICMESH_ANALYSIS_FORKSERVER``),
in a fork server per projection (:mod:`resolvers.forkserver`): a process forked from this one
once per data version, which builds the index and linkage there and forks each analysis from
itself.  The resolvers then get a :class:`_Deferring` session whose parts this process never
builds (a worker thread building them held the interpreter lock against the event loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from strawberry.extensions import SchemaExtension

import analytics as A
from analytics.appeals import AppealIndex
from analytics.areas import AreaIndex
from analytics.coverage import Linkage
from analytics.session import Part
from analytics.work.index import WorkIndex
from loaders.projection_cache import ProjectionCache, projection_cache
from loaders.projection_cache import forget_inherited as forget_projection_caches
from loaders.store import GraphStore, StoreUnavailable, report_store_failure
from resolvers import forkserver, offload
from resolvers.analytics import flights
from resolvers.context import Info
from resolvers.errors import ClientError

_Snapshot = A.AnalyticsSession
"""The analytics session of one projection: the graph, its index, linkage and reach model."""

log = logging.getLogger("civicmesh.analytics")

_STALENESS = 0.0
_FORKSERVER = False


def configure(staleness_s: float, forkserver: bool | None = None) -> None:
    """Analyses may answer from a session up to ``staleness_s`` seconds behind the newest
    write (0: never behind; see the module docstring); ``forkserver``: with analyses in forked
    children (:mod:`resolvers.offload`), the session's indexes are built in a fork server per
    data version instead of in this process (:class:`_Deferring`)."""
    global _STALENESS, _FORKSERVER
    _STALENESS = max(0.0, staleness_s)
    if forkserver is not None:
        _FORKSERVER = forkserver


def _remote() -> bool:
    """Whether sessions are built in a fork server (see :func:`configure`)."""
    return _FORKSERVER and offload.enabled()


class _Deferring(A.AnalyticsSession):
    """The session as the resolvers see it when it is built in a fork server: its parts are
    :class:`resolvers.forkserver.Deferred` (read where the analysis runs: by the server, once,
    or by a child forked from this process), so this process never builds them."""

    def __init__(self, inner: A.AnalyticsSession) -> None:
        super().__init__(inner.graph, version=inner.version)
        self.inner = inner

    def _part(self, part: str) -> Any:
        return forkserver.Deferred(self.inner, "session", part)

    @property
    def index(self) -> AreaIndex:
        return cast(AreaIndex, self._part("index"))

    @property
    def linkage(self) -> Linkage:
        return cast(Linkage, self._part("linkage"))

    @property
    def model(self) -> A.ReachModel:
        return cast(A.ReachModel, self._part("model"))

    @property
    def appeals(self) -> AppealIndex:
        return cast(AppealIndex, self._part("appeals"))

    @property
    def work(self) -> WorkIndex:
        return cast(WorkIndex, self._part("work"))

    def work_for(self, *analyses: str) -> WorkIndex:
        """The work index with the parts ``analyses`` need, read once by the fork server (so its
        children inherit them), never in this process."""
        if not analyses:
            return self.work
        return cast(WorkIndex, forkserver.Deferred(self.inner, "session", "work_for", analyses))

    @property
    def built(self) -> tuple[Part, ...]:
        return self.inner.built


_SERVER_OF: weakref.WeakKeyDictionary[GraphStore, forkserver.ForkServer] = weakref.WeakKeyDictionary()
"""Each store's newest fork server: the one before it is closed :data:`SERVER_GRACE_S` after it is replaced."""

_LEAVING: weakref.WeakKeyDictionary[GraphStore, forkserver.ForkServer] = weakref.WeakKeyDictionary()
"""Each store's replaced fork server, until it closes (the one before it is closed at once)."""

SERVER_GRACE_S = 15.0
"""How long a replaced fork server still takes work (the analyses of its version already asked
for, waiting for a slot: longer than a request's deadline), before it is closed."""


def _served(store: GraphStore, session: A.AnalyticsSession) -> A.AnalyticsSession:
    """``session`` deferred to the fork server of its projection (started now unless it runs:
    it builds the index and linkage at once, as :func:`_index_and_linkage` does here).  One
    server per store and version: the previous one is closed :data:`SERVER_GRACE_S` later, or
    when a third starts (the answers it started still come; analyses of its version that start
    after that fork from this process), so at most two per store hold memory."""

    def prepare() -> dict[str, Any]:
        _index_and_linkage(session)
        return {"graph": session.graph, "session": session}

    server = forkserver.serve(session.graph, prepare)
    previous = _SERVER_OF.get(store)
    if previous is not None and previous is not server:
        leaving = _LEAVING.get(store)
        if leaving is not None:
            leaving.close()  # at most two per store: each holds up to a projection's worth of pages
        _LEAVING[store] = previous
        asyncio.get_running_loop().call_later(SERVER_GRACE_S, previous.close)
    _SERVER_OF[store] = server
    return _Deferring(session)


@dataclass(slots=True)
class _Kept:
    session: A.AnalyticsSession
    newest_at: float
    """When its projection was last seen to be the store's newest (``time.monotonic``)."""


_SESSIONS: weakref.WeakKeyDictionary[GraphStore, _Kept] = weakref.WeakKeyDictionary()
"""Each store's session, on the projection it was built from; a new projection gets a new one
(at once, or once the kept one is more than the staleness behind)."""

_ANSWERED: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("analytics_data", default=None)
"""The data version the current request's analyses answered from (set by :func:`_snapshot`)."""


async def _snapshot(info: Info) -> A.AnalyticsSession:
    """The session of the store's current projection (or of one at most the staleness behind),
    its index and linkage built; refused (``IMPORT_IN_PROGRESS``) while the store holds part of
    an import."""
    store = info.context.store
    unfinished = await store.current_import()
    if unfinished is not None:
        raise ClientError(
            f"The store holds part of an import: {unfinished.describe()}. Analytics answer again once it completes.",
            "IMPORT_IN_PROGRESS",
        )
    cache = projection_cache(store)
    kept = _SESSIONS.get(store)
    if kept is not None and _STALENESS > 0 and store.name != "embedded":
        newest = cache.kept()
        now = time.monotonic()
        if newest is None and (cache.streams_next or now - kept.newest_at <= _STALENESS):
            # the newest projection must be streamed (seconds), or writes folded into it while
            # the kept session may still answer: that runs in the background, the kept one answers
            _task(_BUILDING, store, cache.graph)
            _note(kept.session.version, cache.newest_version, now - kept.newest_at)
            if _remote():
                return _served(store, kept.session)
            if "index" not in kept.session.built or "linkage" not in kept.session.built:
                await _shared(_INDEXING, kept.session, lambda: asyncio.to_thread(_index_and_linkage, kept.session))
            return kept.session
        graph = newest if newest is not None else await _shared(_BUILDING, store, cache.graph)
    else:
        graph = await _shared(_BUILDING, store, cache.graph)
    version = cache.version_of(graph)
    now = time.monotonic()
    kept = _SESSIONS.get(store)  # again: a request that waited for the same graph may have made its session
    if kept is not None and kept.session.graph is graph and kept.session.version == version:
        kept.newest_at = now
    elif (
        kept is None
        or kept.session.version > version
        or (now - kept.newest_at > _STALENESS and not _renamed(cache, kept, graph, now))
    ):
        _built(version, "first use" if kept is None else f"data version {kept.session.version} superseded")
        kept = _SESSIONS[store] = _Kept(A.AnalyticsSession(graph, version=version), now)
    session = kept.session
    _note(session.version, version, now - kept.newest_at)
    if _remote():
        return _served(store, session)
    if "index" not in session.built or "linkage" not in session.built:  # on a worker thread: the loop stays free
        await _shared(_INDEXING, session, lambda: asyncio.to_thread(_index_and_linkage, session))
    return session


NAMES_STALENESS_S = 60.0
"""How long a session may answer, with a staleness allowed, for a newer projection that
differs from its own only in names (:func:`loaders.projection_cache.renames_only` writes):
its figures are the newest's, the labels in them at most this many seconds old."""


def _renamed(cache: ProjectionCache, kept: _Kept, graph: Any, now: float) -> bool:
    """Whether ``kept`` answers on for ``graph``: a staleness is allowed, only renames came
    between them (the figures are the same) and it is at most :data:`NAMES_STALENESS_S` behind."""
    if _STALENESS <= 0 or now - kept.newest_at > NAMES_STALENESS_S:
        return False
    counted = cache.counted_version(kept.session.graph)
    return counted != 0 and counted == cache.counted_version(graph)


SESSIONS_BUILT = 0
"""Analytics sessions made in this process (each builds its indexes again: counted, not timed)."""

_session_log = logging.getLogger("civicmesh.analytics.session")


def _built(version: int, why: str) -> None:
    global SESSIONS_BUILT
    SESSIONS_BUILT += 1
    _session_log.info("a new analytics session on data version %d (%s)", version, why)


def _note(answered: int, newest: int, behind: float) -> None:
    """Name the version this request's analyses answer from (the oldest, when several do)."""
    holder = _ANSWERED.get()
    if holder is None:
        return
    if "version" not in holder or answered < holder["version"]:
        holder["version"] = answered
        holder["behindAtMostSeconds"] = round(behind, 3) if answered != newest else 0.0
    holder["newestVersion"] = max(newest, holder.get("newestVersion", 0))


class AnalyticsDataVersion(SchemaExtension):
    """``extensions.analyticsData`` of a response whose analyses answered: ``version`` (the
    data version answered from), ``newestVersion`` (the store's newest, as this process knows
    it) and ``behindAtMostSeconds`` (0 when they are the same)."""

    def on_execute(self) -> Iterator[None]:
        self._holder: dict[str, Any] = {}
        token = _ANSWERED.set(self._holder)
        try:
            yield
        finally:
            with contextlib.suppress(ValueError):  # finished in another context: the value dies with it
                _ANSWERED.reset(token)

    def get_results(self) -> dict[str, Any]:
        holder = getattr(self, "_holder", None)
        return {"analyticsData": dict(holder)} if holder else {}


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
    task = _task(running, key, start)
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


def _task(running: weakref.WeakKeyDictionary[Any, asyncio.Future[Any]], key: Any, start: Any) -> asyncio.Future[Any]:
    """The task of ``start()`` for ``key``, started unless it runs (see :func:`_shared`)."""
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
    return task


def _interrupted(what: str) -> ClientError:
    return ClientError(
        f"The analysis could not be made: preparing the store's graph for it {what}; nothing was changed. "
        "Try again in a few seconds; if it keeps failing, the service's log says why.",
        "ANALYSIS_INTERRUPTED",
    )


def _model(snap: A.AnalyticsSession) -> A.ReachModel:
    """The session's reach model (built on first use: call it on a worker thread)."""
    return snap.model


_INHERITED: list[Any] = []
"""What a forked process set aside of its parent's analytics state (kept alive, never used)."""


def forget_inherited() -> None:
    """In a process forked from the service that serves analyses of its own (a reader,
    :mod:`service.reader`): set aside the parent's sessions, fork servers, running and shared
    analyses and its projection caches.  They belong to the parent's event loop and processes;
    they are kept referenced, not freed, so that no finalizer of the parent's (a fork server's
    close) runs here."""
    for state in (_SESSIONS, _SERVER_OF, _LEAVING, _BUILDING, _INDEXING):
        _INHERITED.append(list(state.items()))
        state.clear()
    _INHERITED.append(flights.forget_inherited())
    _INHERITED.append(forkserver.forget_inherited())
    _INHERITED.append(offload.forget_inherited())
    _INHERITED.append(forget_projection_caches())
