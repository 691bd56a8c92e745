"""The appeals of a projection, read once: where each lies and who handles it.

:class:`AppealIndex` reads every Appeal node with its CONCERNS, RAISED_BY, ASSIGNED_TO and the
DISCUSSED into it; :class:`Appeal` is one appeal as the analyses read it.  How an appeal is
placed in areas: it lies where what it concerns is (an appeal about a household, where the
household's building is), and so in every area above that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import name_of, node_data, pred, succ
from analytics.areas import AreaIndex
from graph_schema import Label, RelType

HandlerKind = Literal["vanguard", "member", "organization", "unit", "alliance", "none"]
"""Who handles an appeal: a vanguard, another party member, a party organization, an alliance
member unit, an alliance, or nobody yet (``none``)."""
HANDLER_KINDS: tuple[HandlerKind, ...] = ("vanguard", "member", "organization", "unit", "alliance", "none")

_CONCERNS = RelType.CONCERNS.value
_ASSIGNED_TO = RelType.ASSIGNED_TO.value
_RAISED_BY = RelType.RAISED_BY.value
_DISCUSSED = RelType.DISCUSSED.value
_HOUSEHOLD = Label.HOUSEHOLD.value
_MEMBER = Label.PARTY_MEMBER.value
_ACTIVITY = Label.ACTIVITY.value
_KIND_OF_LABEL: dict[str, HandlerKind] = {
    Label.PARTY_ORGANIZATION.value: "organization",
    Label.ALLIANCE_MEMBER.value: "unit",
    Label.ALLIANCE.value: "alliance",
}


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Appeal:
    """One appeal as the analyses read it (dates parsed; None when absent or unreadable)."""

    id: str
    category: str
    status: str
    reported: dt.date | None
    accepted: dt.date | None
    rejected: dt.date | None
    resolved: dt.date | None
    due: dt.date | None
    satisfaction: str | None
    difficult: bool
    concerns: str | None
    """What it CONCERNS (a Household, Building, Grid or Community id)."""
    anchor: str | None
    """The area it lies in: what it concerns, or the building of the household it concerns."""
    household: str | None
    """The household it speaks for: the one that raised it (a member's residence), else the one it concerns."""
    handler: str | None
    handler_kind: HandlerKind
    roundtable: bool
    """Discussed (DISCUSSED) at a ROUNDTABLE activity."""
    days: int | None = None
    """Days from ``reported_on`` to ``resolved_on`` (None when either is missing)."""

    def response(self) -> dt.date | None:
        """The earlier of ``accepted_on`` and ``rejected_on``."""
        days = [d for d in (self.accepted, self.rejected) if d is not None]
        return min(days) if days else None


class AppealIndex:
    """Every appeal of a projection, read once, with where it lies and who handles it.

    Examples
    --------
    >>> from analytics.projection import tiny_appeals
    >>> G = tiny_appeals()
    >>> ix = AppealIndex.build(G, AreaIndex.build(G))
    >>> [(a.id, a.anchor, a.handler_kind) for a in ix.appeals][:3]
    [('a1', 'b1', 'vanguard'), ('a2', 'b1', 'unit'), ('a3', 'b2', 'organization')]
    >>> [a.id for a in ix.in_area("c2")], len(ix.in_area(None))
    (['a5'], 6)
    """

    __slots__ = ("appeals", "chains", "index", "names")

    def __init__(self, index: AreaIndex, appeals: Sequence[Appeal], names: Mapping[str, str | None]) -> None:
        self.index = index
        self.appeals: tuple[Appeal, ...] = tuple(appeals)
        """Every Appeal node, sorted by id."""
        self.names: Mapping[str, str | None] = names
        """The names of the handlers (None for party members: their names are personal data)."""
        self.chains: dict[str, tuple[str, ...]] = {
            a.id: (a.anchor, *index.ancestors(a.anchor)) if a.anchor is not None else () for a in self.appeals
        }
        """Appeal id → its anchor area and the areas above it."""

    @classmethod
    def build(cls, G: Any, index: AreaIndex | None = None) -> AppealIndex:
        """Read the Appeal nodes, their CONCERNS, RAISED_BY and ASSIGNED_TO, and the DISCUSSED into them."""
        idx = index or AreaIndex.build(G)
        nodes = node_data(G)
        out, into = succ(G), pred(G)
        names: dict[str, str | None] = {}
        appeals: list[Appeal] = []
        appeal_label = Label.APPEAL.value
        for a in sorted(n for n, d in nodes.items() if d.get("label") == appeal_label):
            data = nodes[a]
            concerns = raised = handler = None
            for target, keys in out[a].items():
                if _CONCERNS in keys:
                    concerns = target
                if _RAISED_BY in keys:
                    raised = target
                if _ASSIGNED_TO in keys:
                    handler = target
            anchor: str | None = None
            if concerns is not None:
                anchor = idx.building_of(concerns) if idx.label(concerns) is None else concerns
            household = None
            if raised is not None:
                raised_label = nodes.get(raised, {}).get("label")
                household = raised if raised_label == _HOUSEHOLD else idx.residence(raised)
            if household is None and concerns is not None and nodes.get(concerns, {}).get("label") == _HOUSEHOLD:
                household = concerns
            kind: HandlerKind = "none"
            if handler is not None:
                hdata = nodes.get(handler, {})
                hlabel = str(hdata.get("label"))
                if hlabel == _MEMBER:
                    kind = "vanguard" if hdata.get("vanguard") is True else "member"
                else:
                    kind = _KIND_OF_LABEL.get(hlabel, "none")
                    names[handler] = name_of(hdata)
            roundtable = False
            for src, keys in into[a].items():
                if _DISCUSSED in keys:
                    source = nodes.get(src, {})
                    if source.get("label") == _ACTIVITY and source.get("kind") == "ROUNDTABLE":
                        roundtable = True
                        break
            sat = data.get("satisfaction")
            reported, resolved = _day(data.get("reported_on")), _day(data.get("resolved_on"))
            appeals.append(
                Appeal(
                    id=a,
                    category=str(data.get("category") or "OTHER"),
                    status=str(data.get("status") or ""),
                    reported=reported,
                    accepted=_day(data.get("accepted_on")),
                    rejected=_day(data.get("rejected_on")),
                    resolved=resolved,
                    due=_day(data.get("due")),
                    satisfaction=str(sat) if sat else None,
                    difficult=data.get("difficult") is True,
                    concerns=concerns,
                    anchor=anchor,
                    household=household,
                    handler=handler,
                    handler_kind=kind,
                    roundtable=roundtable,
                    days=(resolved - reported).days if resolved is not None and reported is not None else None,
                )
            )
        return cls(idx, appeals, names)

    def in_area(self, area: str | None) -> list[Appeal]:
        """The appeals in ``area`` (all of them for the city)."""
        if area is None:
            return list(self.appeals)
        chains = self.chains
        return [a for a in self.appeals if area in chains[a.id]]


__all__ = ["HANDLER_KINDS", "Appeal", "AppealIndex", "HandlerKind"]
