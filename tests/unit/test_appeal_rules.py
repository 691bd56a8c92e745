"""The rules of an appeal on their own (no store): status and dates, history, handler, enums' Chinese terms."""

from __future__ import annotations

from enum import StrEnum

import pytest

from graph_schema import NODE_SPECS, REL_SPECS, Node, Relationship, RelRef, WriteBatch
from graph_schema.appeals import TRANSITIONS, history_entry, history_problems, transition_problem
from graph_schema.contract import ENUM_ZH, enum_value
from graph_schema.validation import Existing, validate_batch

T = "2026-03-0{}T09:00:00+08:00"


def appeal(status: str, **props: object) -> dict[str, object]:
    base: dict[str, object] = {"title": "楼顶渗漏", "category": "HOUSING_SAFETY", "source": "HOTLINE"}
    return {**base, "status": status, "reported_on": "2026-03-01", **props}


def codes(batch: WriteBatch, existing: Existing | None = None) -> list[tuple[str, str, str]]:
    return [(p.record, p.field, p.code) for p in validate_batch(batch, existing or Existing())]


def path(*steps: str) -> list[str]:
    """A history through ``steps`` (the first from -), one day apart."""
    out, previous = [], None
    for day, step in enumerate(steps, start=1):
        out.append(history_entry(T.format(day), previous, step, "org-g1"))
        previous = step
    return out


CLOSED = appeal(
    "CLOSED",
    accepted_on="2026-03-01",
    resolved_on="2026-03-04",
    closed_on="2026-03-05",
    satisfaction="SATISFIED",
    history=path("REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED", "RESOLVED", "CLOSED"),
)


def test_a_consistent_closed_appeal_with_its_handler_passes() -> None:
    batch = WriteBatch(
        [Node("Appeal", "ap1", CLOSED), Node("PartyMember", "pm1", {"name": "王", "kind": "RESIDENT"})],
        [Relationship("ASSIGNED_TO", "ap1", "pm1", {"since": "2026-03-02"})],
    )
    assert codes(batch) == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (appeal("CLOSED", accepted_on="2026-03-01", closed_on="2026-03-05"), [("resolved_on", "STATUS_DATES")]),
        (
            appeal("RESOLVED", accepted_on="2026-03-01", resolved_on="2026-02-27"),
            [("resolved_on", "STATUS_DATES")],
        ),
        (appeal("REPORTED", accepted_on="2026-03-02"), [("accepted_on", "STATUS_DATES")]),
        (appeal("REJECTED"), [("rejected_on", "STATUS_DATES")]),
        (appeal("ACCEPTED", accepted_on="2026-03-01", rejection_reason="重复"), [("rejection_reason", "STATUS_DATES")]),
        (appeal("ACCEPTED", accepted_on="2026-03-01", satisfaction="SATISFIED"), [("satisfaction", "STATUS_DATES")]),
        (appeal("REPORTED", due="2026-02-01"), [("due", "STATUS_DATES")]),
        (appeal("REPORTED", history=path("REPORTED", "RESOLVED")), [("history", "HISTORY")]),
        (appeal("ACCEPTED", accepted_on="2026-03-01", history=path("REPORTED")), [("history", "HISTORY")]),
        (appeal("REPORTED", history=["2026-03-01|-|REPORTED|me"]), [("history", "FORMAT")]),
    ],
)
def test_status_dates_and_history_must_agree(props: dict[str, object], expected: list[tuple[str, str]]) -> None:
    found = [(f, c) for _, f, c in codes(WriteBatch([Node("Appeal", "ap1", props)]))]
    assert found == expected


def test_history_entries_in_time_order() -> None:
    history = [
        history_entry(T.format(2), None, "REPORTED", "a"),
        history_entry(T.format(1), "REPORTED", "ACCEPTED", "a"),
    ]
    assert history_problems({"status": "ACCEPTED", "history": history}) == [
        ("history", "entry 2 (2026-03-01T09:00:00+08:00) is earlier than entry 1")
    ]


def test_an_assigned_appeal_needs_a_handler_in_the_batch_or_the_store() -> None:
    assigned = appeal("ASSIGNED", accepted_on="2026-03-01")
    node = Node("Appeal", "ap1", assigned)
    assert codes(WriteBatch([node])) == [("Appeal ap1", "ASSIGNED_TO", "NO_HANDLER")]
    stored = Existing({"ap1": "Appeal", "pm1": "PartyMember"}, appeals={"ap1": assigned}, handlers={"ap1": "pm1"})
    assert codes(WriteBatch([node]), stored) == []
    # removing its ASSIGNED_TO, or deleting its handler, without another
    assert codes(WriteBatch(delete_relationships=[RelRef("ASSIGNED_TO", "ap1", "pm1")]), stored) == [
        ("Appeal ap1", "ASSIGNED_TO", "NO_HANDLER")
    ]
    [problem] = validate_batch(WriteBatch(delete_nodes=["pm1"]), stored)
    assert problem.message == (
        "an ASSIGNED appeal needs a handler: this write deletes 'pm1', its handler (assign the appeal to another first)"
    )
    # a reassignment: the old one removed, a new one written
    move = WriteBatch(
        relationships=[Relationship("ASSIGNED_TO", "ap1", "org1")],
        delete_relationships=[RelRef("ASSIGNED_TO", "ap1", "pm1")],
    )
    assert (
        codes(move, Existing({**stored.labels, "org1": "PartyOrganization"}, {}, {}, stored.appeals, stored.handlers))
        == []
    )
    # deleting the appeal with its handler is fine
    assert codes(WriteBatch(delete_nodes=["pm1", "ap1"]), stored) == []


def test_a_resolved_appeal_needs_a_handler_only_when_its_history_shows_an_assignment() -> None:
    plain = appeal("RESOLVED", accepted_on="2026-03-01", resolved_on="2026-03-02")
    assert codes(WriteBatch([Node("Appeal", "ap1", plain)])) == []
    assigned = {**plain, "history": path("REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED")}
    assert codes(WriteBatch([Node("Appeal", "ap1", assigned)])) == [("Appeal ap1", "ASSIGNED_TO", "NO_HANDLER")]


def test_a_patch_is_judged_merged_into_the_stored_appeal() -> None:
    stored = appeal("ACCEPTED", accepted_on="2026-03-01")
    existing = Existing({"ap1": "Appeal"}, appeals={"ap1": stored})
    closing = WriteBatch([Node("Appeal", "ap1", {"status": "CLOSED", "closed_on": "2026-03-05"})], patch=True)
    assert codes(closing, existing) == [("Appeal ap1", "resolved_on", "STATUS_DATES")]
    rejecting = WriteBatch(
        [Node("Appeal", "ap1", {"status": "REJECTED", "rejected_on": "2026-03-02", "rejection_reason": "重复反映"})],
        patch=True,
    )
    assert codes(rejecting, existing) == []
    # assigning by a patch needs the ASSIGNED_TO in the same write
    assign = [Node("Appeal", "ap1", {"status": "ASSIGNED"})]
    assert codes(WriteBatch(assign, patch=True), existing) == [("Appeal ap1", "ASSIGNED_TO", "NO_HANDLER")]
    with_handler = WriteBatch(assign, [Relationship("ASSIGNED_TO", "ap1", "pm1")], patch=True)
    assert codes(with_handler, Existing({"ap1": "Appeal", "pm1": "PartyMember"}, appeals={"ap1": stored})) == []
    # removing a date a status needs
    unaccept = WriteBatch([Node("Appeal", "ap1", {"accepted_on": None})], patch=True)
    assert codes(unaccept, existing) == [("Appeal ap1", "accepted_on", "STATUS_DATES")]


def test_every_transition_that_the_status_does_not_allow_is_explained() -> None:
    for action, (allowed, _) in TRANSITIONS.items():
        for status in ("REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED", "CLOSED", "REJECTED"):
            problem = transition_problem(action, status)
            assert (problem is None) == (status in allowed)
            if problem:
                assert problem.startswith(f"an appeal that is {status} cannot be")


def _property_enums() -> set[type[StrEnum]]:
    specs = [*(s.props for s in NODE_SPECS.values()), *(s.props for s in REL_SPECS.values())]
    return {p.enum for props in specs for p in props.values() if p.enum is not None}


def test_every_enum_of_the_contract_has_its_chinese_terms() -> None:
    enums = _property_enums()
    assert {e.__name__ for e in enums} == set(ENUM_ZH)
    for enum in enums:
        terms = ENUM_ZH[enum.__name__]
        assert set(terms) == {e.value for e in enum}, enum
        assert len(set(terms.values())) == len(terms), f"{enum.__name__}: a term names two values"
        for value, zh in terms.items():
            assert "," not in zh and ";" not in zh
            assert enum_value(enum, zh) == value and enum_value(enum, value) == value
