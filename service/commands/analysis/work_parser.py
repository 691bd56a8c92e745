"""The arguments of the monthly-work analyses: ``analyze contact|registration|activities|points``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from graph_schema.contract import HOUSEHOLDS_NORM
from service.commands.analysis.formatters import ACTIVITY_ROWS, CONTACT_ROWS, POINTS_ROWS, REGISTRATION_ROWS
from service.commands.analysis.vocabulary import LEVELS

STALLED_AFTER_DAYS = 90
"""``analyze activities --stalled-after-days`` by default: :data:`analytics.work.STALLED_AFTER_DAYS`."""

CANDIDATE_CAPACITY = HOUSEHOLDS_NORM // 3
"""``analyze registration --candidate-capacity`` by default: :data:`analytics.work.CANDIDATE_CAPACITY`."""


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {n}")
    return n


def register_work(
    analyses: Any,
    common: Callable[..., None],
    date: Callable[[str], Any],
    run: Callable[..., int],
) -> None:
    """Add the four sub-commands to ``analyze`` (``common`` adds --area, --format, --top, --out, ...)."""

    def period(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--from", dest="date_from", type=date, required=True, metavar="YYYY-MM-DD", help="first day of the period"
        )
        p.add_argument(
            "--to", dest="date_to", type=date, required=True, metavar="YYYY-MM-DD", help="last day of the period"
        )

    p = analyses.add_parser(
        "contact", help="monthly contact (月联): vanguards who met their linked members or visited, the lapsed"
    )
    common(p, rows=CONTACT_ROWS)
    period(p)
    p.add_argument("--by", choices=tuple(LEVELS), help="break down by this level (default: one level below)")
    p.set_defaults(run=run)

    p = analyses.add_parser(
        "registration",
        help="in-service members who reported home (三报到) and served there; per community and unit; who did not",
    )
    common(p, rows=REGISTRATION_ROWS)
    period(p)
    p.add_argument(
        "--plan",
        action="store_true",
        help="also run the coverage plan with registered members who served as candidate vanguards",
    )
    p.add_argument(
        "--candidate-capacity",
        type=_count,
        default=CANDIDATE_CAPACITY,
        metavar="N",
        help=f"households a candidate vanguard may take in the plan (default {CANDIDATE_CAPACITY})",
    )
    p.set_defaults(run=run)

    p = analyses.add_parser(
        "activities",
        help="activities per organization and alliance and month, households served; secretary projects (书记项目)",
    )
    common(p, rows=ACTIVITY_ROWS)
    period(p)
    p.add_argument(
        "--stalled-after-days",
        type=_count,
        default=STALLED_AFTER_DAYS,
        metavar="N",
        help=f"a project still proposed or led after N days is stalled (default {STALLED_AFTER_DAYS})",
    )
    p.set_defaults(run=run)

    p = analyses.add_parser("points", help="points (积分) per member and month, leaderboards per branch")
    common(p, rows=POINTS_ROWS)
    period(p)
    p.add_argument(
        "--leaders", type=_count, default=10, metavar="N", help="members on each branch's leaderboard (default 10)"
    )
    p.set_defaults(run=run)
