"""The report's section on the 双强双优 star ratings in rounds (``analytics.assessment``)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from service.formatting import html_table, limit, num

_RESULTS = ("DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", "unassessed")
_ZH = {"DEMONSTRATION": "示范", "EXCELLENT": "优秀", "QUALIFIED": "合格", "UNQUALIFIED": "不合格", "unassessed": "未评"}
_KIND_ZH = {"SELF": "自查", "SECOND": "复查", "CROSS": "交叉互查", "SPOT": "重点抽查"}
TOP = 15


def assessment_section(f: Any, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Spread of results per street and round, who made the checks (organizations, instructors),
    disagreeing checks, overdue rectifications, changes."""
    r = getattr(f, "assessment", None)
    parts = ['<section id="assessment"><h2>Star ratings in rounds (双强双优)</h2>']
    if r is None or not r.rounds:
        parts.append('<p class="note">No assessments on record.</p></section>')
        return "".join(parts)
    parts.append(
        f'<p class="note">{num(r.branches)} branches (grid, unit and rated community-level branches; party groups '
        f"are not rated), {num(r.assessed)} assessed in round {escape(r.round)}. A branch's result in a round is its "
        "final check: the spot-check, else the cross-check, the second check, its own. Rectifications are overdue "
        f"as of {escape(r.as_of or '-')}. The template's categories are partly synthetic (see docs/design.md 7.13).</p>"
    )
    parts.append(
        html_table(
            ("street", "name", "round", *(f"{k} {_ZH[k]}" for k in _RESULTS)),
            [(s.street or "-", s.name or "", s.round, *(num(s.counts.get(k, 0)) for k in _RESULTS)) for s in r.spread],
            numeric=(False, False, False, *([True] * len(_RESULTS))),
        )
    )
    assessors = getattr(r, "assessors", ())
    if assessors:
        parts.append(f"<h3>Who made the checks of round {escape(r.round)} (考核单位)</h3>")
        parts.append(
            '<p class="note">A SELF check is made by the branch, a SECOND check by the organization it reports to, '
            "a CROSS check by another street's committee and an instructor of that street's guidance station, a "
            "SPOT check by an instructor of the branch's own street's station (党建指导员).</p>"
        )
        parts.append(
            html_table(
                ("check", "checks", "by an organization", "by an instructor", "instructors", "not recorded"),
                [
                    (
                        f"{a.kind} {_KIND_ZH.get(a.kind, '')}".strip(),
                        num(a.checks),
                        num(a.by_organization),
                        num(a.by_instructor),
                        num(a.instructors),
                        num(a.unrecorded),
                    )
                    for a in assessors
                ],
                numeric=(False, True, True, True, True, True),
            )
        )
    shown, more = limit(r.disagreements, TOP)
    parts.append(f"<h3>Cross- and spot-checks that disagree with the self-check ({num(len(r.disagreements))})</h3>")
    parts.append(
        html_table(
            ("branch", "name", "check", "on", "self", "check said", "levels"),
            [(d.branch, d.name or "", d.kind, d.on, d.self_result, d.result, f"{d.levels:+d}") for d in shown],
            numeric=(False, False, False, False, False, False, True),
            more=more,
        )
    )
    shown, more = limit(r.overdue, TOP)
    parts.append(f"<h3>Rectifications overdue (限期整改, {num(len(r.overdue))})</h3>")
    parts.append(
        html_table(
            ("branch", "name", "round", "rectify by", "days over"),
            [(o.branch, o.name or "", o.round, o.rectify_by, num(o.days_overdue)) for o in shown],
            numeric=(False, False, False, False, True),
            more=more,
        )
    )
    parts.append(f"<h3>Since the round before: {num(len(r.rose))} branches rose, {num(len(r.fell))} fell</h3>")
    changes = [*r.rose, *r.fell]
    shown, more = limit(sorted(changes, key=lambda c: (-abs(c.levels), c.branch)), TOP)
    parts.append(
        html_table(
            ("branch", "name", "before", "now", "levels"),
            [(c.branch, c.name or "", f"{c.before} ({c.before_round})", c.after, f"{c.levels:+d}") for c in shown],
            numeric=(False, False, False, False, True),
            more=more,
        )
    )
    parts.append("</section>")
    return "".join(parts)
