"""The rules of a resident's appeal (诉求): its workflow, and how its status and dates agree.

The workflow follows 接、派、办、督、评 (receive, dispatch, handle, supervise, evaluate)::

    REPORTED --accept--> ACCEPTED --assign--> ASSIGNED --resolve--> RESOLVED --close--> CLOSED
        \\--reject--> REJECTED   (from REPORTED or ACCEPTED)
    ASSIGNED --escalate--> ASSIGNED (a new handler)          RESOLVED --reopen--> ASSIGNED

``review`` rates a RESOLVED appeal; an ``UNSATISFIED`` review reopens it to its handler.

Every transition is kept in the appeal's ``history``, one entry each, oldest first, written
``<ISO timestamp>|<from status or ->|<to status>|<actor>``:

>>> entry = history_entry("2026-03-01T09:30:00+00:00", None, "REPORTED", "grid-worker-7")
>>> entry
'2026-03-01T09:30:00+00:00|-|REPORTED|grid-worker-7'
>>> parse_history_entry(entry)
('2026-03-01T09:30:00+00:00', None, 'REPORTED', 'grid-worker-7')
>>> history_entry_problem("yesterday|-|REPORTED|me")
('FORMAT', "the time must be an ISO date-time such as 2026-03-01T09:30:00+00:00, got 'yesterday'")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from graph_schema.contract import AppealStatus

S = AppealStatus

TRANSITIONS: Final[dict[str, tuple[frozenset[AppealStatus], AppealStatus]]] = {
    "accept": (frozenset({S.REPORTED}), S.ACCEPTED),
    "reject": (frozenset({S.REPORTED, S.ACCEPTED}), S.REJECTED),
    "assign": (frozenset({S.ACCEPTED, S.ASSIGNED}), S.ASSIGNED),
    "escalate": (frozenset({S.ASSIGNED}), S.ASSIGNED),
    "resolve": (frozenset({S.ASSIGNED}), S.RESOLVED),
    "review": (frozenset({S.RESOLVED}), S.RESOLVED),
    "close": (frozenset({S.RESOLVED}), S.CLOSED),
    "reopen": (frozenset({S.RESOLVED}), S.ASSIGNED),
}
"""Each workflow action: the statuses it may start from, and the status it leads to."""

OPEN_STATUSES: Final[frozenset[AppealStatus]] = frozenset({S.REPORTED, S.ACCEPTED, S.ASSIGNED})
"""Statuses of an appeal still being worked on (it can be overdue)."""


def transition_problem(action: str, status: str) -> str | None:
    """Why ``action`` cannot be applied to an appeal in ``status``, or None when it can.

    >>> transition_problem("resolve", "ASSIGNED") is None
    True
    >>> transition_problem("close", "ASSIGNED")
    'an appeal that is ASSIGNED cannot be closed (only one that is RESOLVED)'
    """
    allowed, _ = TRANSITIONS[action]
    if status in allowed:
        return None
    past = {
        "accept": "accepted",
        "reject": "rejected",
        "assign": "assigned",
        "escalate": "escalated",
        "resolve": "resolved",
        "review": "reviewed",
        "close": "closed",
        "reopen": "reopened",
    }[action]
    return f"an appeal that is {status} cannot be {past} (only one that is {' or '.join(sorted(allowed))})"


def history_entry(at: str, from_status: str | None, to_status: str, actor: str) -> str:
    """One ``history`` entry (``actor`` may not contain ``|``)."""
    return f"{at}|{from_status or '-'}|{to_status}|{actor.replace('|', '/')}"


def parse_history_entry(entry: str) -> tuple[str, str | None, str, str]:
    """``(at, from_status or None, to_status, actor)`` of a well-formed entry."""
    at, from_status, to_status, actor = entry.split("|", 3)
    return at, (None if from_status == "-" else from_status), to_status, actor


def history_entry_problem(entry: str) -> tuple[str, str] | None:
    """``("FORMAT", why)`` when ``entry`` is not a well-formed ``history`` entry, else None."""
    why = _history_entry_reason(entry)
    return None if why is None else ("FORMAT", why)


def _history_entry_reason(entry: str) -> str | None:
    parts = entry.split("|", 3)
    if len(parts) != 4:
        return "expected '<ISO date-time>|<from status or ->|<to status>|<actor>'"
    at, from_status, to_status, actor = parts
    try:
        dt.datetime.fromisoformat(at)
    except ValueError:
        return f"the time must be an ISO date-time such as 2026-03-01T09:30:00+00:00, got {at!r}"
    statuses = {s.value for s in AppealStatus}
    if from_status != "-" and from_status not in statuses:
        return f"{from_status!r} is not a status (one of {', '.join(sorted(statuses))}, or - for the first entry)"
    if to_status not in statuses:
        return f"{to_status!r} is not a status (one of {', '.join(sorted(statuses))})"
    if not actor.strip():
        return "the actor is missing"
    return None


def status_date_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, reason)`` for every way an appeal's status and dates disagree.

    >>> for field, reason in status_date_problems({"status": "CLOSED", "reported_on": "2026-03-01"}):
    ...     print(field, "-", reason)
    resolved_on - a CLOSED appeal needs resolved_on
    closed_on - a CLOSED appeal needs closed_on
    >>> dates = {"reported_on": "2026-03-05", "accepted_on": "2026-03-05", "resolved_on": "2026-03-01"}
    >>> status_date_problems({"status": "RESOLVED", **dates})
    [('resolved_on', 'resolved_on 2026-03-01 is before reported_on 2026-03-05')]
    """
    status = props.get("status")
    out: list[tuple[str, str]] = []
    needs = {
        S.ACCEPTED: ("accepted_on",),
        S.ASSIGNED: ("accepted_on",),
        S.RESOLVED: ("accepted_on", "resolved_on"),
        S.CLOSED: ("resolved_on", "closed_on"),
        S.REJECTED: ("rejected_on",),
    }
    for field in needs.get(S(status), ()) if isinstance(status, str) and status in S.__members__ else ():
        if not props.get(field):
            out.append((field, f"a {status} appeal needs {field}"))
    if status in (S.REPORTED, S.ACCEPTED, S.ASSIGNED) and props.get("resolved_on"):
        out.append(("resolved_on", f"a {status} appeal cannot have a resolved_on date (it is not resolved)"))
    if props.get("satisfaction") and status not in (S.RESOLVED, S.CLOSED, S.ASSIGNED):
        out.append(("satisfaction", f"only a resolved appeal can be reviewed, this one is {status}"))
    reported = props.get("reported_on")
    for field in ("accepted_on", "rejected_on", "resolved_on", "closed_on", "due"):
        value = props.get(field)
        if reported and value and str(value) < str(reported):
            out.append((field, f"{field} {value} is before reported_on {reported}"))
    resolved, closed = props.get("resolved_on"), props.get("closed_on")
    if resolved and closed and str(closed) < str(resolved):
        out.append(("closed_on", f"closed_on {closed} is before resolved_on {resolved}"))
    return out
