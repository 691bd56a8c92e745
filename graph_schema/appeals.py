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
    """One ``history`` entry.  ``|`` and ``;`` in ``actor`` become ``/``: ``|`` separates the
    entry's parts, and ``;`` separates list items in CSV, GraphML and GEXF."""
    return f"{at}|{from_status or '-'}|{to_status}|{actor.replace('|', '/').replace(';', '/')}"


def parse_history_entry(entry: str) -> tuple[str, str | None, str, str]:
    """``(at, from_status or None, to_status, actor)`` of a well-formed entry."""
    at, from_status, to_status, actor = entry.split("|", 3)
    return at, (None if from_status == "-" else from_status), to_status, actor


def history_entry_problem(entry: str) -> tuple[str, str] | None:
    """``("FORMAT", why)`` when ``entry`` is not a well-formed ``history`` entry, else None.

    >>> history_entry_problem("2026-03-01T09:30:00+08:00|REPORTED|ACCEPTED|grid;worker")[1]
    "the actor may not contain ';' (it separates list items in CSV, GraphML and GEXF)"
    """
    why = _history_entry_reason(entry)
    return None if why is None else ("FORMAT", why)


_STATUSES: Final = frozenset(s.value for s in AppealStatus)


def _history_entry_reason(entry: str) -> str | None:
    parts = entry.split("|", 3)
    if len(parts) != 4:
        return "expected '<ISO date-time>|<from status or ->|<to status>|<actor>'"
    at, from_status, to_status, actor = parts
    try:
        if "T" not in at:
            raise ValueError
        dt.datetime.fromisoformat(at)
    except ValueError:
        return f"the time must be an ISO date-time such as 2026-03-01T09:30:00+00:00, got {at!r}"
    if from_status != "-" and from_status not in _STATUSES:
        return f"{from_status!r} is not a status (one of {', '.join(sorted(_STATUSES))}, or - for the first entry)"
    if to_status not in _STATUSES:
        return f"{to_status!r} is not a status (one of {', '.join(sorted(_STATUSES))})"
    if not actor.strip():
        return "the actor is missing"
    if ";" in actor:
        return "the actor may not contain ';' (it separates list items in CSV, GraphML and GEXF)"
    return None


_STEPS: Final[frozenset[tuple[str, str]]] = frozenset(
    (frm.value, to.value) for allowed, to in TRANSITIONS.values() for frm in allowed
)
"""Every (from, to) pair some workflow action makes."""


def history_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``("history", reason)`` when a well-formed ``history`` does not tell a path of the
    workflow that ends at ``status``: the first entry comes from ``-`` to ``REPORTED``, each
    next one starts where the one before ended, by a step some action makes, no earlier than
    it, and the last ends at the appeal's status.  An appeal without history has none to check.

    >>> h = ["2026-03-01T09:00:00+08:00|-|REPORTED|hotline", "2026-03-02T10:00:00+08:00|REPORTED|RESOLVED|w"]
    >>> history_problems({"status": "RESOLVED", "history": h})
    [('history', 'entry 2 goes from REPORTED to RESOLVED, which no action does')]
    >>> history_problems({"status": "ACCEPTED", "history": h[:1]})
    [('history', 'the last entry ends at REPORTED, but the status is ACCEPTED')]
    """
    history = props.get("history")
    if not isinstance(history, (list, tuple)) or not history:
        return []
    entries = []
    for entry in history:
        if not isinstance(entry, str) or _history_entry_reason(entry) is not None:
            return []  # reported as a FORMAT problem of the entry
        entries.append(parse_history_entry(entry))
    previous_to: str | None = None
    previous_at: dt.datetime | None = None
    for n, (at, frm, to, _) in enumerate(entries, start=1):
        when = dt.datetime.fromisoformat(at)
        if n == 1 and (frm is not None or to != S.REPORTED):
            return [("history", f"the first entry must go from - to REPORTED, not from {frm or '-'} to {to}")]
        if n > 1 and frm != previous_to:
            return [("history", f"entry {n} starts from {frm or '-'}, but entry {n - 1} ended at {previous_to}")]
        if n > 1 and (frm, to) not in _STEPS:
            return [("history", f"entry {n} goes from {frm} to {to}, which no action does")]
        if previous_at is not None and _comparable(when, previous_at) and when < previous_at:
            return [("history", f"entry {n} ({at}) is earlier than entry {n - 1}")]
        previous_to, previous_at = to, when
    status = props.get("status")
    if isinstance(status, str) and status in _STATUSES and previous_to != status:
        return [("history", f"the last entry ends at {previous_to}, but the status is {status}")]
    return []


def _comparable(a: dt.datetime, b: dt.datetime) -> bool:
    return (a.tzinfo is None) == (b.tzinfo is None)


def was_assigned(props: Mapping[str, Any]) -> bool:
    """Whether an appeal must have a handler (``ASSIGNED_TO``): it is ``ASSIGNED``, or it is
    ``RESOLVED`` or ``CLOSED`` and its history shows it was assigned on the way.

    >>> was_assigned({"status": "ASSIGNED"})
    True
    >>> was_assigned({"status": "CLOSED", "history": ["2026-03-01T09:00:00+08:00|ACCEPTED|ASSIGNED|s"]})
    True
    >>> was_assigned({"status": "RESOLVED"}), was_assigned({"status": "REJECTED"})
    (False, False)
    """
    status = props.get("status")
    if status == S.ASSIGNED:
        return True
    if status not in (S.RESOLVED, S.CLOSED):
        return False
    history = props.get("history")
    if not isinstance(history, (list, tuple)):
        return False
    return any(isinstance(e, str) and e.count("|") >= 3 and e.split("|", 3)[2] == S.ASSIGNED for e in history)


def _date(value: Any) -> str | None:
    """An ISO date string, or None for anything else (a wrong type is reported elsewhere)."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value


_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    S.ACCEPTED: ("accepted_on",),
    S.ASSIGNED: ("accepted_on",),
    S.RESOLVED: ("accepted_on", "resolved_on"),
    S.CLOSED: ("accepted_on", "resolved_on", "closed_on"),
    S.REJECTED: ("rejected_on",),
}
_FORBIDS: Final[dict[str, tuple[str, ...]]] = {
    S.REPORTED: ("accepted_on", "rejected_on", "resolved_on", "closed_on", "rejection_reason"),
    S.ACCEPTED: ("rejected_on", "resolved_on", "closed_on", "rejection_reason"),
    S.ASSIGNED: ("rejected_on", "resolved_on", "closed_on", "rejection_reason"),
    S.RESOLVED: ("rejected_on", "closed_on", "rejection_reason"),
    S.CLOSED: ("rejected_on", "rejection_reason"),
    S.REJECTED: ("resolved_on", "closed_on", "satisfaction"),
}
_WHY_NOT: Final[dict[str, str]] = {
    "accepted_on": "it is not accepted yet",
    "rejected_on": "it was not rejected",
    "rejection_reason": "it was not rejected",
    "resolved_on": "it is not resolved",
    "closed_on": "it is not closed",
    "satisfaction": "a rejected appeal is not reviewed",
}


def status_date_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, reason)`` for every way an appeal's status and dates disagree.

    The dates a status needs must be there (``accepted_on`` once accepted, ``resolved_on``
    once resolved, ``closed_on`` once closed, ``rejected_on`` once rejected), the ones of
    steps not taken must not (a REPORTED appeal has no ``accepted_on``, only a REJECTED one
    has ``rejected_on`` and ``rejection_reason``), and the dates come in the workflow's order:
    ``reported_on`` ≤ ``accepted_on`` ≤ ``resolved_on`` ≤ ``closed_on``, ``accepted_on`` ≤
    ``rejected_on``, ``reported_on`` ≤ ``due``.  Only a resolved appeal is reviewed
    (``satisfaction``); an ASSIGNED one may keep the UNSATISFIED review that reopened it.

    >>> for field, reason in status_date_problems({"status": "CLOSED", "reported_on": "2026-03-01"}):
    ...     print(field, "-", reason)
    accepted_on - a CLOSED appeal needs accepted_on
    resolved_on - a CLOSED appeal needs resolved_on
    closed_on - a CLOSED appeal needs closed_on
    >>> dates = {"reported_on": "2026-03-05", "accepted_on": "2026-03-05", "resolved_on": "2026-03-01"}
    >>> status_date_problems({"status": "RESOLVED", **dates})
    [('resolved_on', 'resolved_on 2026-03-01 is before accepted_on 2026-03-05')]
    >>> status_date_problems({"status": "REPORTED", "reported_on": "2026-03-05", "resolved_on": "2026-03-06"})
    [('resolved_on', 'a REPORTED appeal cannot have resolved_on (it is not resolved)')]
    """
    status = props.get("status")
    if not isinstance(status, str) or status not in _STATUSES:
        return []  # a missing or unknown status is reported as such
    out: list[tuple[str, str]] = []
    for field in _NEEDS.get(status, ()):
        if props.get(field) in (None, ""):
            out.append((field, f"a {status} appeal needs {field}"))
    for field in _FORBIDS.get(status, ()):
        if props.get(field) not in (None, ""):
            out.append((field, f"a {status} appeal cannot have {field} ({_WHY_NOT[field]})"))
    satisfaction = props.get("satisfaction")
    if satisfaction not in (None, "") and status in (S.REPORTED, S.ACCEPTED):
        out.append(("satisfaction", f"only a resolved appeal can be reviewed, this one is {status}"))
    if satisfaction not in (None, "", "UNSATISFIED") and status == S.ASSIGNED:
        out.append(
            (
                "satisfaction",
                f"an ASSIGNED appeal can only keep the UNSATISFIED review that reopened it, not {satisfaction}",
            )
        )
    # each date no earlier than the step before it
    order = (
        ("accepted_on", "reported_on"),
        ("rejected_on", "accepted_on"),
        ("rejected_on", "reported_on"),
        ("resolved_on", "accepted_on"),
        ("resolved_on", "reported_on"),
        ("closed_on", "resolved_on"),
        ("closed_on", "reported_on"),
        ("due", "reported_on"),
    )
    flagged: set[str] = set()
    for later, earlier in order:
        a, b = _date(props.get(later)), _date(props.get(earlier))
        if a and b and a < b and later not in flagged:
            flagged.add(later)
            out.append((later, f"{later} {a} is before {earlier} {b}"))
    return out
