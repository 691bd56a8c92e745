"""Settings, read from the environment once at start-up (``Settings.from_env``)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graph_schema.contract import POINTS_TABLE, AppealCategory, points_table
from service.gc_policy import parse_thresholds

DEFAULT_STORE = "civicmesh.sqlite"

READ_PROCESSES: Mapping[str, int] = {"embedded": 1, "neo4j": 1}
"""The service's reader processes by store when ``CIVICMESH_READ_PROCESSES`` is not set: measured
in docs/design.md "heavy reads in a reader process" and "analyses in the reader" (issue 14; on
Neo4j one reader since it takes the analyses too: ``node(id)`` p99 in the mix 399–422 → 149–183 ms)."""

APPEAL_DUE_DAYS: Mapping[str, int] = {
    "HOUSING_SAFETY": 3,
    "PUBLIC_SAFETY": 3,
    "SANITATION": 5,
    "ELDERLY_CARE": 5,
    "FACILITIES": 7,
    "PROPERTY_SERVICE": 7,
    "PARKING": 10,
    "NEIGHBOUR_DISPUTE": 15,
    "OTHER": 15,
}
"""Days from an appeal's report to its due day, by category (doubled for a difficult one): urgent
safety matters in 3, everyday services within a week or so, disputes in 15.  An estimate of
common 接诉即办 practice, not a rule of the seed article; ``CIVICMESH_APPEAL_DUE_DAYS`` changes it."""


def parse_points(text: str | None) -> dict[str, int]:
    """The points table with the overrides of ``CIVICMESH_POINTS``, a JSON object (key → points).

    >>> parse_points('{"VOLUNTEER_SERVICE": 8}')["VOLUNTEER_SERVICE"], parse_points(None)["SecretaryProject"]
    (8, 20)
    >>> parse_points("[1]")
    Traceback (most recent call last):
    ...
    ValueError: CIVICMESH_POINTS must be a JSON object of whole numbers by key, e.g. {"VOLUNTEER_SERVICE": 8}
    """
    if not text or not text.strip():
        return points_table()
    try:
        overrides = json.loads(text)
    except json.JSONDecodeError:
        overrides = None
    if not isinstance(overrides, dict):
        raise ValueError(
            'CIVICMESH_POINTS must be a JSON object of whole numbers by key, e.g. {"VOLUNTEER_SERVICE": 8}'
        )
    try:
        return points_table(overrides)
    except ValueError as exc:
        raise ValueError(f"CIVICMESH_POINTS: {exc}") from None


def parse_due_days(text: str | None) -> dict[str, int]:
    """The due table with the overrides of ``CIVICMESH_APPEAL_DUE_DAYS`` (``CATEGORY=days,…``).

    >>> parse_due_days("PARKING=20, housing_safety=1")["PARKING"], parse_due_days("HOUSING_SAFETY=1")["HOUSING_SAFETY"]
    (20, 1)
    >>> parse_due_days("PARKING=soon")
    Traceback (most recent call last):
    ...
    ValueError: CIVICMESH_APPEAL_DUE_DAYS: 'PARKING=soon' must be CATEGORY=days with days a whole number of at least 1
    """
    table = dict(APPEAL_DUE_DAYS)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, _, days = item.partition("=")
        category = name.strip().upper()
        if category not in AppealCategory.__members__:
            known = ", ".join(AppealCategory.__members__)
            raise ValueError(f"CIVICMESH_APPEAL_DUE_DAYS: {name.strip()!r} is not an appeal category (one of {known})")
        if not days.strip().isdigit() or int(days) < 1:
            raise ValueError(
                f"CIVICMESH_APPEAL_DUE_DAYS: {item.strip()!r} must be CATEGORY=days with days a whole number of at "
                "least 1"
            )
        table[category] = int(days)
    return table


SERVICE_GC_THRESHOLDS = "20000,20,10"
"""The service's collector thresholds: a young generation of 20,000 objects rather than 700, so
that most of a request's objects are freed by reference counting before any collection looks at
them, and the big answers in flight are traversed a thirtieth as often (docs/design.md 2.9)."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with.

    ``store`` is a file path (the embedded store) or a ``bolt://``, ``neo4j://``,
    ``bolt+s://`` or ``neo4j+s://`` URI (Neo4j).
    """

    store: str = DEFAULT_STORE
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    reveal_pii: bool = False
    access_file: str | None = None
    jwt_secret: str | None = None
    jwt_secret_file: str | None = None
    jwks: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    profile: str = "development"
    introspection: bool = True
    graphiql: bool = True
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 500
    max_cost: int = 100_000
    deadline: float = 10.0
    max_analyses: int = 2
    demo_when_empty: bool = True
    log_level: str = "INFO"
    appeal_due_days: Mapping[str, int] = field(default_factory=lambda: dict(APPEAL_DUE_DAYS))
    points: Mapping[str, int] = field(default_factory=lambda: dict(POINTS_TABLE))
    """Points (积分) by activity kind, SecretaryProject and Appeal (``CIVICMESH_POINTS``, a JSON object)."""
    neo4j_retry_s: float = 5.0
    """How long the Neo4j driver retries a transaction that met a transient failure (its default is 30 s)."""
    neo4j_connect_timeout_s: float = 3.0
    """How long the Neo4j driver waits for a connection (to open one, or from the pool)."""
    store_probe_s: float = 1.0
    """How often the service pings a Neo4j store while it is up (four times as often while it is down)."""
    heavy_slots: int = 1
    """How many heavy GraphQL requests (nested, analytics) run at once per process; 0: no limit."""
    analysis_processes: int = 0
    """Analyses run in up to this many forked child processes at once (off the service's
    interpreter lock); 0 runs them on worker threads.  ``from_env`` (the service) defaults to 2."""
    loop_watch_ms: float = 0.0
    """A diagnostic: log where the event loop stalls for more than this many ms (0: off;
    ``CIVICMESH_LOOP_WATCH``, :mod:`service.loop_watch`)."""
    analysis_staleness_s: float = 0.0
    """Analyses may answer from the analytics session of a data version taken up to this many
    seconds ago, rather than build one per write (the version is named in the response's
    ``extensions``); 0: always the newest.  ``from_env`` (the service) defaults to 5."""
    search_cache_s: float = 0.0
    """Neo4j: a name search's answer is kept up to this many seconds, following this process's
    writes exactly; writes from elsewhere (another worker, the import command) show in searches
    within it (:mod:`loaders.search_cache`; 0: every search asks the server).  ``from_env`` (the
    service) defaults to 30, as long as a resolved scope is kept (:class:`loaders.scope.ScopeCache`)."""
    answer_cache_s: float = 0.0
    """A point lookup's whole answer (``node(id)``/``nodes(ids)`` selecting the nodes' own
    properties) is kept up to this many seconds, dropped by this process's writes that touch
    what it read; writes from elsewhere (another worker, the import command) show within it
    (:mod:`service.kept_answers`; 0: none kept).  ``from_env`` (the service) defaults to 300, the
    kept analytics projection's bound for the same writes; an import from elsewhere is seen within
    a second and drops them all (``Neo4jStore.writes_elsewhere``)."""
    light_first_ms: float = 5.0
    """Heavy work on the event loop waits up to this many ms at each of its yields while light
    requests are in progress (``CIVICMESH_LIGHT_FIRST_MS``, :mod:`resolvers.lanes`; 0: it only yields)."""
    analysis_forkserver: bool = True
    """With analyses in forked children: fork them from one long-lived process per data version,
    which builds the analytics session's indexes once, off this process (``CIVICMESH_ANALYSIS_FORKSERVER``,
    :mod:`resolvers.analytics.forkserver`); false: fork each from the service, indexes built here."""

    analysis_nice: int = 5
    """Analyses' processes (the fork server and its children) run this many steps below the
    service's CPU priority (``CIVICMESH_ANALYSIS_NICE``; 0: the same), so that on a busy machine
    the operating system schedules the service's threads first; 5, the reader's
    (:data:`service.reader.NICE`): the two kinds of heavy work share what the light work leaves."""
    switch_interval_ms: float = 0.0
    """How long a thread holds the interpreter lock before another may take it
    (``sys.setswitchinterval``; ``CIVICMESH_SWITCH_INTERVAL_MS``; 0: the interpreter's 5 ms): what
    the event loop waits at most each time a worker thread (a write, the audit) holds the lock."""
    gc_thresholds: tuple[int, ...] | None = None
    """The cycle collector's thresholds (``CIVICMESH_GC_THRESHOLDS``, ``gc.set_threshold``'s one to
    three numbers; None: the interpreter's), :mod:`service.gc_policy`.  ``from_env`` (the service)
    defaults to :data:`SERVICE_GC_THRESHOLDS`."""
    read_processes: int = 0
    """Heavy reads (nested selections, big listings) are answered by this many reader processes
    forked from the service (``CIVICMESH_READ_PROCESSES``, :mod:`service.reader_relay`; 0: by the
    service itself).  ``from_env`` (the service) defaults to :data:`READ_PROCESSES` by store."""
    gc_freeze: bool = True
    """Move every object alive once the store has opened out of the cycle collector's sight
    (``gc.freeze``; ``CIVICMESH_GC_FREEZE``), :mod:`service.gc_policy`."""

    @property
    def tokens_configured(self) -> bool:
        """Whether requests must carry a token (a JWT secret or key set, or an access file)."""
        return bool(self.jwt_secret or self.jwt_secret_file or self.jwks or self.access_file)

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def is_neo4j(self) -> bool:
        return self.store.split("://", 1)[0] in {"bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc"}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        e = os.environ if env is None else env
        base = cls(
            store=e.get("CIVICMESH_STORE") or DEFAULT_STORE,
            neo4j_user=e.get("NEO4J_USER") or None,
            neo4j_password=e.get("NEO4J_PASSWORD") or None,
            neo4j_database=e.get("NEO4J_DATABASE") or "neo4j",
            reveal_pii=_flag(e.get("CIVICMESH_REVEAL_PII"), False),
            access_file=e.get("CIVICMESH_ACCESS_FILE") or None,
            jwt_secret=e.get("CIVICMESH_JWT_SECRET") or None,
            jwt_secret_file=e.get("CIVICMESH_JWT_SECRET_FILE") or None,
            jwks=e.get("CIVICMESH_JWKS") or None,
            jwt_issuer=e.get("CIVICMESH_JWT_ISSUER") or None,
            jwt_audience=e.get("CIVICMESH_JWT_AUDIENCE") or None,
            profile=(e.get("CIVICMESH_PROFILE") or "development").strip().lower(),
            introspection=_flag(e.get("CIVICMESH_INTROSPECTION"), True),
            graphiql=_flag(e.get("CIVICMESH_GRAPHIQL"), True),
            max_depth=int(e.get("CIVICMESH_MAX_DEPTH") or 12),
            max_aliases=int(e.get("CIVICMESH_MAX_ALIASES") or 30),
            max_tokens=int(e.get("CIVICMESH_MAX_TOKENS") or 2000),
            max_page_size=int(e.get("CIVICMESH_MAX_PAGE_SIZE") or 500),
            max_cost=int(e.get("CIVICMESH_MAX_COST") or 100_000),
            deadline=float(e.get("CIVICMESH_DEADLINE") or 10.0),
            max_analyses=int(e.get("CIVICMESH_MAX_ANALYSES") or 2),
            demo_when_empty=_flag(e.get("CIVICMESH_DEMO_WHEN_EMPTY"), True),
            log_level=e.get("CIVICMESH_LOG_LEVEL") or "INFO",
            appeal_due_days=parse_due_days(e.get("CIVICMESH_APPEAL_DUE_DAYS")),
            points=parse_points(e.get("CIVICMESH_POINTS")),
            neo4j_retry_s=float(e.get("CIVICMESH_NEO4J_RETRY_S") or 5.0),
            neo4j_connect_timeout_s=float(e.get("CIVICMESH_NEO4J_CONNECT_TIMEOUT_S") or 3.0),
            store_probe_s=float(e.get("CIVICMESH_STORE_PROBE_S") or 1.0),
            heavy_slots=int(e.get("CIVICMESH_HEAVY_SLOTS") or 1),
            analysis_processes=int(e.get("CIVICMESH_ANALYSIS_PROCESSES") or 2),
            loop_watch_ms=float(e.get("CIVICMESH_LOOP_WATCH") or 0),
            analysis_staleness_s=float(e.get("CIVICMESH_ANALYSIS_STALENESS_S") or 5),
            search_cache_s=float(e.get("CIVICMESH_SEARCH_CACHE_S") or 30),
            answer_cache_s=float(e.get("CIVICMESH_ANSWER_CACHE_S") or 300),
            light_first_ms=float(e.get("CIVICMESH_LIGHT_FIRST_MS") or 5.0),
            analysis_forkserver=_flag(e.get("CIVICMESH_ANALYSIS_FORKSERVER"), True),
            analysis_nice=int(e.get("CIVICMESH_ANALYSIS_NICE") or 5),
            switch_interval_ms=float(e.get("CIVICMESH_SWITCH_INTERVAL_MS") or 0),
            gc_thresholds=parse_thresholds(e.get("CIVICMESH_GC_THRESHOLDS") or SERVICE_GC_THRESHOLDS),
            gc_freeze=_flag(e.get("CIVICMESH_GC_FREEZE"), True),
        )
        readers = e.get("CIVICMESH_READ_PROCESSES")
        base = replace(
            base,
            read_processes=int(readers) if readers else READ_PROCESSES["neo4j" if base.is_neo4j else "embedded"],
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})
