# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The conditions and orders of appeal listings, and their translation to a store filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum
from typing import Any, cast

import strawberry

from graph_schema import AREA_LABELS, Label
from graph_schema.appeals import OPEN_STATUSES
from loaders.store import NodeFilter, Order
from resolvers.appeals.enums import AppealCategory, AppealStatus
from resolvers.enums import OrderDirection
from resolvers.node import decode_id

HANDLERS = [Label.PARTY_MEMBER.value, Label.ALLIANCE_MEMBER.value, Label.PARTY_ORGANIZATION.value, Label.ALLIANCE.value]
PLACES = [*(a.value for a in AREA_LABELS), Label.HOUSEHOLD.value]
_OPEN = sorted(s.value for s in OPEN_STATUSES)


@strawberry.input(description="Conditions on appeals (诉求); every condition given must hold.")
class AppealFilter:
    status: list[AppealStatus] | None = strawberry.field(
        default=None, description="Appeals in any of these statuses (null or empty: any)."
    )
    category: list[AppealCategory] | None = strawberry.field(
        default=None, description="Appeals of any of these categories (null or empty: any)."
    )
    overdue: bool | None = strawberry.field(
        default=None,
        description="true: only the appeals overdue on asOf (open, with the due day before asOf); false: only those "
        "that are not; null: both.",
    )
    as_of: dt.date | None = strawberry.field(
        default=None, description="The day overdue is judged on (default: today, on the service's clock)."
    )
    within: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only appeals within this place (global ID of a Street, Community, Grid, Building or Household): "
        "what they concern is the place or lies under it.",
    )
    assigned_to: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only appeals assigned to this handler (global ID of a PartyMember, AllianceMember, "
        "PartyOrganization or Alliance).",
    )
    reported_from: dt.date | None = strawberry.field(
        default=None, description="Only appeals reported on this day or later."
    )
    reported_to: dt.date | None = strawberry.field(
        default=None, description="Only appeals reported on this day or earlier."
    )


@strawberry.enum(description="What appeal listings can be sorted by; the local id breaks ties.")
class AppealOrderField(Enum):
    DUE = strawberry.enum_value(
        "due", description="By due day (办理时限): ascending, the overdue come first, then the soonest due."
    )
    REPORTED_ON = strawberry.enum_value("reported_on", description="By the day reported.")
    ID = strawberry.enum_value("id", description="By local id.")


@strawberry.input(description="How to sort appeals; cursors belong to one order: keep it the same while paging.")
class AppealOrder:
    field: AppealOrderField = strawberry.field(
        default=AppealOrderField.DUE, description="What to sort by (default DUE)."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending (default ASC)."
    )


def _values(items: list[Any] | None) -> list[str]:
    return [i.value for i in items or []]


def appeal_filter(flt: AppealFilter | None, area: str | None = None, today: dt.date | None = None) -> NodeFilter:
    """The store filter of an :class:`AppealFilter` (``area``: a local id that replaces ``within``)."""
    flt = flt or AppealFilter()
    one_of: dict[str, Sequence[Any]] = {}
    ranges: dict[str, tuple[Any, Any]] = {}
    unless: NodeFilter | None = None
    statuses = _values(flt.status)
    if statuses:
        one_of["status"] = statuses
    if flt.category:
        one_of["category"] = _values(flt.category)
    as_of = (flt.as_of or today or dt.date.today()).isoformat()
    if flt.overdue is True:
        one_of["status"] = [s for s in statuses or _OPEN if s in _OPEN]
        ranges["due"] = (None, as_of)
    elif flt.overdue is False:
        unless = NodeFilter(one_of={"status": _OPEN}, ranges={"due": (None, as_of)})
    if flt.reported_from or flt.reported_to:
        high = flt.reported_to + dt.timedelta(days=1) if flt.reported_to else None
        ranges["reported_on"] = (
            flt.reported_from.isoformat() if flt.reported_from else None,
            high.isoformat() if high else None,
        )
    within = area
    if within is None and flt.within:
        within = decode_id(flt.within, PLACES, "filter.within")[1]
    linked = {"ASSIGNED_TO": decode_id(flt.assigned_to, HANDLERS, "filter.assignedTo")[1]} if flt.assigned_to else {}
    return NodeFilter(within=within, one_of=one_of, ranges=ranges, linked=linked, unless=unless)


def appeal_order(order: AppealOrder | None) -> Order:
    if order is None:
        return Order(field="due")
    field = cast(str, order.field.value)  # strawberry.enum_value's value, unwrapped by strawberry.enum
    return Order(field=field, descending=order.direction is OrderDirection.DESC)
