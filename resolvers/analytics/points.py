# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``pointsStats``: party members' points (积分) per month and year, and leaderboards per branch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
)
from graphql.execution.values import VariableValues
from strawberry.scalars import JSON

import analytics as A
from analytics.work import LEADERBOARD_TOP
from resolvers.analytics.common import AreaArg, AreaRef, area_ref, as_json, gid
from resolvers.analytics.work_common import (
    FirstArg,
    FromArg,
    NamedCount,
    ToArg,
    first_rows,
    named,
    run_work,
)
from resolvers.context import Info
from resolvers.errors import ClientError

OffsetArg = Annotated[int, strawberry.argument(description="Skip this many rows first (0 or more).")]


@strawberry.type(description="One party member's points over the period (by id: no names).")
class PointsOfMember:
    member: strawberry.ID = strawberry.field(description="Global ID of the party member.")
    points: int = strawberry.field(description="Points EARNED on a day of the period.")
    by_source: list[NamedCount] = strawberry.field(
        description="Per source (name: an ActivityKind value, SecretaryProject or Appeal)."
    )
    by_month: list[NamedCount] = strawberry.field(description="Per month with points (name: YYYY-MM).")
    by_year: list[NamedCount] = strawberry.field(description="Per year (name: YYYY), the part inside the period.")


@strawberry.type(description="One branch's leaderboard: its members of the area with points, most first.")
class BranchPoints:
    branch: strawberry.ID | None = strawberry.field(
        description="Global ID of the PartyOrganization the members are MEMBER_OF; null: members of none."
    )
    name: str | None = strawberry.field(description="Its name.")
    members: int = strawberry.field(description="Its members living in the area with points in the period.")
    points: int = strawberry.field(description="Their points.")
    by_source: list[NamedCount] = strawberry.field(description="Their points per source.")
    leaders: list[PointsOfMember] = strawberry.field(description="The top of them (the leaders argument), most first.")


@strawberry.type(
    description="Points (积分) of an area's party members over a period: per month and source, and leaderboards "
    "per branch with their sources. Definitions: docs/design.md 7.15."
)
class PointsStats:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    date_from: dt.date = strawberry.field(name="from", description="The first day of the period.")
    date_to: dt.date = strawberry.field(name="to", description="The last day of the period.")
    points: int = strawberry.field(description="Points EARNED in the period by party members living in the area.")
    members: int = strawberry.field(description="Members of the area with points in the period.")
    by_source: list[NamedCount] = strawberry.field(description="Points per source.")
    by_month: list[NamedCount] = strawberry.field(description="Points per month of the period (name: YYYY-MM).")
    details: JSON = strawberry.field(
        description="The figures as JSON (what `civicmesh analyze points --format json` prints, without the "
        "members list: see members)."
    )
    _branches: strawberry.Private[list[dict[str, Any]]]
    """The boards the query selects (see :func:`_selected`), as JSON: made into objects when read."""
    _members: strawberry.Private[list[dict[str, Any]]]
    """The rows of members_detail the query selects (see :func:`_selected`), from ``_offset``."""
    _offset: strawberry.Private[int]

    @strawberry.field(description="Leaderboards per branch, most points first.")
    def branches(self, first: FirstArg = None) -> list[BranchPoints]:
        return [
            BranchPoints(
                branch=gid("PartyOrganization", b["branch"]) if b["branch"] else None,
                name=b["name"],
                members=b["members"],
                points=b["points"],
                by_source=named(b["by_source"]),
                leaders=[_member(m) for m in b["leaders"] if m["member"]],
            )
            for b in first_rows(self._branches, first)
        ]

    @strawberry.field(
        description="The members of the area with points, most first (then by id): first rows from offset (all "
        "when first is null; members counts them all)."
    )
    def members_detail(self, first: FirstArg = None, offset: OffsetArg = 0) -> list[PointsOfMember]:
        _check_page(first, offset)
        rows = self._members[offset - self._offset :]
        return [_member(m) for m in first_rows(rows, first) if m["member"]]


def _check_page(first: int | None, offset: int) -> None:
    if offset < 0:
        raise ClientError(f"offset must be 0 or more, got {offset}", "BAD_USER_INPUT")
    if first is not None and first < 0:
        raise ClientError(f"first must be 0 or more, got {first}", "BAD_USER_INPUT")


def _selected(info: Info) -> tuple[int, int | None, int | None]:
    """What the query selects of the lists, so that the analysis makes JSON rows for those only:
    the rows of ``membersDetail`` under every alias (from the smallest offset asked to the
    largest end, None: to the last; ``(0, 0)`` when it is not selected), and how many boards of
    ``branches`` (the largest ``first``; None: all, also when ``details`` is selected, which
    holds them all; 0 when neither is selected)."""
    raw = info._raw_info
    stats = get_named_type(raw.return_type)
    assert isinstance(stats, GraphQLObjectType)
    variables = raw.variable_values  # strawberry's executor passes the coerced dict
    if isinstance(variables, dict):
        variables = VariableValues(sources={}, coerced=variables)
    windows: list[tuple[int, int | None]] = []
    boards: list[int | None] = []

    def walk(selections: SelectionSetNode | None) -> None:
        for sel in selections.selections if selections is not None else ():
            if isinstance(sel, FieldNode):
                name = sel.name.value
                if name == "membersDetail":
                    args = get_argument_values(stats.fields[name], sel, variables)
                    first, offset = args.get("first"), args.get("offset", 0)
                    _check_page(first, offset)
                    windows.append((offset, None if first is None else offset + first))
                elif name == "branches":
                    first = get_argument_values(stats.fields[name], sel, variables).get("first")
                    _check_page(first, 0)
                    boards.append(first)
                elif name == "details":
                    boards.append(None)
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value in raw.fragments:
                walk(raw.fragments[sel.name.value].selection_set)

    for node in raw.field_nodes:
        walk(node.selection_set)
    lo, hi = (0, 0) if not windows else (min(o for o, _ in windows), _largest(e for _, e in windows))
    return lo, hi, (0 if not boards else _largest(boards))


def _largest(ends: Iterable[int | None]) -> int | None:
    """The largest of ``ends``, None (no end) when one of them is None."""
    listed = list(ends)
    return None if None in listed else max(e for e in listed if e is not None)


def _member(m: dict[str, Any]) -> PointsOfMember:
    return PointsOfMember(
        member=gid("PartyMember", m["member"]),
        points=m["points"],
        by_source=named(m["by_source"]),
        by_month=named(m["by_month"]),
        by_year=named(m["by_year"]),
    )


@strawberry.type(description="The pointsStats field of Query.")
class PointsQuery:
    @strawberry.field(
        description="Points (积分) of the party members of an area (when area is omitted: the viewer's own area, or "
        "the city) over the period [from, to]."
    )
    async def points_stats(
        self,
        info: Info,
        area: AreaArg = None,
        date_from: FromArg = None,
        date_to: ToArg = None,
        leaders: Annotated[
            int, strawberry.argument(description="Members on each branch's leaderboard (0 to 100).")
        ] = LEADERBOARD_TOP,
    ) -> PointsStats:
        if not 0 <= leaders <= 100:
            raise ClientError(f"leaders must be between 0 and 100, got {leaders}", "BAD_USER_INPUT")
        lo, hi, boards = _selected(info)
        start, end, rep = await run_work(
            info,
            A.points_stats,
            area,
            date_from,
            date_to,
            top=leaders,
            members_offset=lo,
            members_limit=None if hi is None else hi - lo,
            branches_limit=boards,
        )
        return PointsStats(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            date_from=start,
            date_to=end,
            points=rep["points"],
            members=rep["members"],
            by_source=named(rep["by_source"]),
            by_month=named(rep["by_month"]),
            details=as_json({k: v for k, v in rep.items() if k != "members_detail"}),
            _branches=rep["branches"],
            _members=rep["members_detail"],
            _offset=lo,
        )
