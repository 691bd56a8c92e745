"""The report's monthly-work sections: monthly contact (月联), registration (三报到), activities and
secretary projects, points (积分), over the twelve months up to the report's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.formatting import escape, html_table, limit, num, pct
from service.table_rows import contact_area_row

if TYPE_CHECKING:
    from analytics import AnalyticsSession

TOP = 20
"""Rows of a list shown in the page (all of them are in report.json)."""

WORK_NAV: tuple[tuple[str, str], ...] = (
    ("contact", "Monthly contact"),
    ("registration", "Registration"),
    ("activities", "Activities"),
    ("points", "Points"),
)
"""The page's anchors and titles of the sections here."""


@dataclass
class WorkFindings:
    """The monthly-work analyses of the report (``analytics.work``), on one period."""

    date_from: dt.date
    date_to: dt.date
    contact: Any
    registration: Any
    plan: Any
    """:class:`analytics.RegistrationPlan`: the coverage plan with the candidate vanguards."""
    activities: Any
    points: Any


def analyse_work(
    session: AnalyticsSession, area: str | None, label: str, date_from: dt.date, as_of: dt.date
) -> WorkFindings:
    """Run the four monthly-work analyses for ``area`` over ``[date_from, as_of]``."""
    import analytics as A

    G, idx, work = session.graph, session.index, session.work
    by = "Community" if label in ("City", "Street") else None
    kw: dict[str, Any] = {"date_from": date_from, "date_to": as_of, "index": idx, "work": work}
    return WorkFindings(
        date_from=date_from,
        date_to=as_of,
        contact=A.monthly_contact(G, area, by=by, breakdown=label != "Building", linkage=session.linkage, **kw),
        registration=A.registration(G, area, **kw),
        plan=A.registration_plan(G, area, linkage=session.linkage, **kw),
        activities=A.activity_stats(G, area, **kw),
        points=A.points_stats(G, area, **kw),
    )


def _period(w: WorkFindings) -> str:
    return f"{w.date_from.isoformat()} to {w.date_to.isoformat()}"


def contact_section(w: WorkFindings) -> str:
    """Monthly contact: the share in contact per month and per area, the lapsed vanguards."""
    c = w.contact
    parts = [
        '<section id="contact"><h2>Monthly contact (月联)</h2>',
        f'<p class="note">{_period(w)}. A vanguard is in contact in a month when they met the members they link '
        "(a MONTHLY_CONTACT activity they held, attended by one of them) or visited a household they link; lapsed: "
        f"two months in a row with neither. {num(c.vanguards)} vanguards with links ({num(c.idle)} idle); in the last "
        f"month {num(c.in_contact.covered)} ({pct(c.in_contact.rate)}) were in contact; {num(c.lapsed)} lapsed. Active "
        f"coverage on {escape(c.date_to)}: {pct(c.active_coverage.rate)} of the households.</p>",
        html_table(
            ("month", "vanguards", "met", "visited", "visited all", "in contact"),
            [
                (m.month, num(m.vanguards), num(m.met), num(m.visited), num(m.visited_all), pct(m.in_contact.rate))
                for m in c.months
            ],
            numeric=(False, True, True, True, True, True),
        ),
    ]
    if c.breakdown:
        shown, more = limit(sorted(c.breakdown, key=lambda a: (a.in_contact.rate or 0.0, a.area)), TOP)
        parts.append(f"<h3>Per {escape(str(c.by).lower())}, lowest share in contact first</h3>")
        parts.append(
            html_table(
                ("area", "name", "vanguards", "in contact", "lapsed", "active coverage"),
                [contact_area_row(a) for a in shown],
                numeric=(False, False, True, True, True, True),
                more=more,
            )
        )
    shown, more = limit([v for v in c.vanguards_detail if v.lapsed], TOP)
    parts.append("<h3>Lapsed vanguards</h3>")
    parts.append(
        html_table(
            ("vanguard", "building", "first month out", "months in contact"),
            [(v.vanguard, v.building or "", v.lapsed_from or "", num(v.months_in_contact)) for v in shown],
            numeric=(False, False, False, True),
            more=more,
        )
    )
    parts.append("</section>")
    return "".join(parts)


def registration_section(w: WorkFindings) -> str:
    """三报到: the rates, per community and unit, and what the candidate vanguards add to the coverage plan."""
    r, p = w.registration, w.plan
    parts = [
        '<section id="registration"><h2>Registration of in-service members (三报到)</h2>',
        f'<p class="note">{_period(w)}. In service: IN_SERVICE members living here, {num(r.in_service)}; reported to '
        f"the community they live in: {num(r.reported.count)} ({pct(r.reported.rate)}); of those, served there (an "
        f"activity held in it, or an appeal there assigned to them, in the period): {num(r.served.count)} "
        f"({pct(r.served.rate)}). Offered to the coverage plan as candidate vanguards ({p.candidate_capacity} "
        f"households each), the {num(len(p.candidates))} registered members who served would cover "
        f"{num(p.extra_households)} more households ({num(p.without.after.covered)} → "
        f"{num(p.with_candidates.after.covered)} of {num(p.without.after.total)}).</p>",
    ]
    shown, more = limit(r.communities, TOP)
    parts.append("<h3>Per community</h3>")
    parts.append(
        html_table(
            ("community", "name", "in service", "reported", "served"),
            [(c.community, c.name or "", num(c.in_service), pct(c.reported.rate), pct(c.served.rate)) for c in shown],
            numeric=(False, False, True, True, True),
            more=more,
        )
    )
    shown, more = limit(r.units, TOP)
    parts.append("<h3>Per workplace unit, lowest share reported first</h3>")
    parts.append(
        html_table(
            ("unit", "kind", "name", "in service", "reported"),
            [(u.unit or "", u.kind, u.name or "", num(u.in_service), pct(u.reported.rate)) for u in shown],
            numeric=(False, False, False, True, True),
            more=more,
        )
    )
    unregistered = num(len(r.unregistered))
    parts.append(f'<p class="note">{unregistered} in-service members did not report home (ids in report.json).</p>')
    parts.append("</section>")
    return "".join(parts)


def activities_section(w: WorkFindings) -> str:
    """Activities per month and per holder; secretary projects by stage and category, the stalled ones."""
    a = w.activities
    t = a.total
    parts = [
        '<section id="activities"><h2>Activities and secretary projects (书记项目)</h2>',
        f'<p class="note">{_period(w)}. {num(t.activities)} activities held here '
        f"({', '.join(f'{escape(k)} {num(v)}' for k, v in a.by_kind.items()) or 'none'}); they served "
        f"{num(t.households_served)} households ({num(t.residents_served)} residents); {num(t.members_taking_part)} "
        f"party members and {num(t.units_taking_part)} alliance units took part.</p>",
        html_table(
            ("month", "activities", "households served", "members taking part"),
            [
                (m.month, num(m.served.activities), num(m.served.households_served), num(m.served.members_taking_part))
                for m in a.months
            ],
            numeric=(False, True, True, True),
        ),
    ]
    shown, more = limit(a.holders, TOP)
    parts.append("<h3>Per organization and alliance, most activities first</h3>")
    parts.append(
        html_table(
            ("holder", "name", "activities", "households served", "residents served", "members"),
            [
                (
                    h.holder,
                    h.name or "",
                    num(h.served.activities),
                    num(h.served.households_served),
                    num(h.served.residents_served),
                    num(h.served.members_taking_part),
                )
                for h in shown
            ],
            numeric=(False, False, True, True, True, True),
            more=more,
        )
    )
    parts.append("<h3>Secretary projects by category (组织发起 → 党员领办 → 群众参与 → 居民评议)</h3>")
    parts.append(
        html_table(
            ("category", "projects", "by stage", "reviewed", "mean review"),
            [
                (
                    c.category,
                    num(c.projects),
                    ", ".join(f"{k} {v}" for k, v in c.by_stage.items()),
                    num(c.reviewed),
                    "-" if c.mean_review is None else f"{c.mean_review:.1f}",
                )
                for c in a.projects_by_category
            ],
            numeric=(False, True, False, True, True),
        )
    )
    stalled = [p for p in a.projects if p.stalled]
    parts.append("<h3>Stalled projects (still proposed or led after 90 days)</h3>")
    parts.append(
        html_table(
            ("project", "title", "category", "stage", "since", "days"),
            [
                (p.project, p.title or "", p.category, p.stage, p.since or "", num(p.days_in_stage))
                for p in stalled[:TOP]
            ],
            numeric=(False, False, False, False, False, True),
            more=max(len(stalled) - TOP, 0),
        )
    )
    parts.append("</section>")
    return "".join(parts)


def points_section(w: WorkFindings) -> str:
    """Points per source and month, the leaderboards of the branches with most points."""
    p = w.points
    parts = [
        '<section id="points"><h2>Points (积分)</h2>',
        f'<p class="note">{_period(w)}. {num(p.points)} points earned by {num(p.members)} party members living here; '
        f"by source: {', '.join(f'{escape(k)} {num(v)}' for k, v in p.by_source.items()) or 'none'}. Members by id "
        "only.</p>",
        html_table(("month", "points"), [(k, num(v)) for k, v in p.by_month.items()], numeric=(False, True)),
    ]
    shown, more = limit(p.branches, TOP)
    parts.append("<h3>Branches with most points, and their leaders</h3>")
    parts.append(
        html_table(
            ("branch", "name", "members", "points", "leaders", "sources"),
            [
                (
                    b.branch or "(none)",
                    b.name or "",
                    num(b.members),
                    num(b.points),
                    ", ".join(f"{m.member} {m.points}" for m in b.leaders[:3]),
                    ", ".join(f"{k} {v}" for k, v in sorted(b.by_source.items(), key=lambda kv: -kv[1])[:3]),
                )
                for b in shown
            ],
            numeric=(False, False, True, True, False, False),
            more=more,
        )
    )
    parts.append("</section>")
    return "".join(parts)


def work_sections(w: WorkFindings | None) -> str:
    """The four sections (nothing when the report has no monthly-work findings)."""
    if w is None:
        return ""
    return contact_section(w) + registration_section(w) + activities_section(w) + points_section(w)


def work_json(w: WorkFindings | None) -> dict[str, Any] | None:
    """The monthly-work figures of ``report.json``."""
    if w is None:
        return None
    plan = {
        "candidate_capacity": w.plan.candidate_capacity,
        "candidates": list(w.plan.candidates),
        "covered_without_candidates": w.plan.without.after.covered,
        "covered_with_candidates": w.plan.with_candidates.after.covered,
        "extra_households": w.plan.extra_households,
    }
    return {
        "date_from": w.date_from.isoformat(),
        "date_to": w.date_to.isoformat(),
        "contact": w.contact.to_dict(),
        "registration": {**w.registration.to_dict(), "plan": plan},
        "activities": w.activities.to_dict(),
        "points": w.points.to_dict(),
    }
