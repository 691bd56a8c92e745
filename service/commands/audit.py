"""``civicmesh audit``: read the audit trail from the store; and the events the command line
itself leaves there (imports and exports)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import json
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from service.settings import Settings

if TYPE_CHECKING:
    from loaders.store import AuditEvent, GraphStore

FORMATS = ("table", "json", "csv")
COLUMNS = ("at", "outcome", "code", "actor", "name", "role", "scope", "operation", "targets", "fields", "request_id")
_AGO = re.compile(r"^(\d+)([mhd])$")


def register(sub: Any) -> None:
    a: argparse.ArgumentParser = sub.add_parser(
        "audit",
        help="list the audit trail: mutations, imports, exports, denied attempts, personal data shown",
        description=(
            "List audit events, oldest first. Times are ISO 8601 (UTC unless they carry an offset, e.g. "
            "2026-05-01T08:00+08:00), or a duration back from now: 30m, 12h, 7d."
        ),
    )
    a.add_argument("--since", type=when, help="events at or after this time (e.g. 2026-05-01 or 24h)")
    a.add_argument("--until", type=when, help="events before this time")
    a.add_argument("--actor", help="only this token subject (sub)")
    a.add_argument("--outcome", choices=("ALLOWED", "DENIED"), help="only allowed or only denied events")
    a.add_argument("--format", choices=FORMATS, default="table", help="table (default), json or csv")
    a.add_argument("--limit", type=int, help="at most this many events")
    a.set_defaults(run=run_audit)


def when(text: str) -> dt.datetime:
    """A time for --since/--until: ISO 8601 (UTC when naive) or ``N[mhd]`` ago.

    >>> when("2026-05-01T08:00+08:00").isoformat()
    '2026-05-01T08:00:00+08:00'
    >>> when("2026-05-01").isoformat()
    '2026-05-01T00:00:00+00:00'
    """
    ago = _AGO.match(text.strip())
    if ago:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[ago.group(2)]
        return dt.datetime.now(dt.UTC) - dt.timedelta(**{unit: int(ago.group(1))})
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time: give ISO 8601 (2026-05-01, 2026-05-01T08:00+08:00) or 30m, 12h, 7d"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _row(e: AuditEvent) -> dict[str, Any]:
    return {
        "at": e.at.isoformat().replace("+00:00", "Z"),
        "outcome": e.outcome.value,
        "code": e.code,
        "actor": e.actor,
        "name": e.name,
        "role": e.role,
        "scope": e.scope,
        "operation": e.operation,
        "targets": list(e.targets),
        "fields": list(e.fields),
        "request_id": e.request_id,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def write_events(events: Iterable[AuditEvent], fmt: str, out: Any) -> int:
    """Print ``events`` in ``fmt``; returns how many."""
    rows = [_row(e) for e in events]
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([[_cell(r[c]) for c in COLUMNS] for r in rows])
    else:
        shown = ("at", "outcome", "code", "actor", "role", "scope", "operation", "targets", "fields")
        cells = [[_cell(r[c]) or "-" for c in shown] for r in rows]
        for r, row in zip(rows, cells, strict=True):
            if r["actor"] is None:
                row[3] = "(anonymous)" if r["role"] else "(unknown)"
        widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(shown)]
        out.write("  ".join(c.upper().ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip() + "\n")
        for row in cells:
            out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(rows)


def run_audit(args: argparse.Namespace, settings: Settings) -> int:
    from loaders.store import AuditFilter, Outcome
    from service.commands.data import _with_store

    if args.limit is not None and args.limit < 1:
        print("civicmesh: --limit must be at least 1", file=sys.stderr)
        return 2
    flt = AuditFilter(
        actor=args.actor,
        outcome=Outcome(args.outcome) if args.outcome else None,
        since=args.since,
        until=args.until,
    )

    async def work(store: GraphStore) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        after = None
        while args.limit is None or len(events) < args.limit:
            size = 1000 if args.limit is None else min(1000, args.limit - len(events))
            page = await store.read_audit(filter=flt, first=size, after=after)
            events += page.events
            if not page.has_more or not page.cursors:
                break
            after = page.cursors[-1]
        return events

    events = _with_store(settings, work)
    write_events(events, args.format, sys.stdout)
    if args.format == "table":
        print(f"civicmesh: {len(events)} event{'s' if len(events) != 1 else ''}", file=sys.stderr)
    return 0


def console_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


async def record_cli(
    store: GraphStore,
    operation: str,
    *,
    targets: Iterable[str] = (),
    fields: Iterable[str] = (),
    code: str | None = None,
) -> None:
    """One ALLOWED event for a command run at the console (it acts as ADMIN: it holds the store)."""
    from loaders.store import Outcome
    from resolvers.audit import append, audit_event
    from resolvers.privacy import Viewer

    user = console_user()
    viewer = Viewer(sub=f"cli:{user}", name=user)
    await append(store, audit_event(viewer, operation, Outcome.ALLOWED, targets=targets, fields=fields, code=code))
