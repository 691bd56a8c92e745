"""The audit trail of the GraphStore port, on both adapters: append-only, time-ordered,
filtered, paged, kept by ``clear`` and by reopening, never part of the graph, and written with a
write in its own transaction when the write carries events."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph_schema import Node, ValidationError, WriteBatch
from loaders.store import AuditEvent, AuditFilter, GraphStore, Outcome
from loaders.stores.embedded import EmbeddedStore
from tests.conftest import Neo4jPool

pytestmark = pytest.mark.asyncio

T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def _actor() -> str:
    """A subject no other test uses (the Neo4j store is shared by the session, and ``clear``
    keeps the trail)."""
    return f"test-{uuid.uuid4().hex[:10]}"


def _events(actor: str, n: int = 5) -> list[AuditEvent]:
    return [
        AuditEvent(
            at=T0 + dt.timedelta(minutes=i),
            operation="updateHousehold" if i % 2 == 0 else "createGrid",
            outcome=Outcome.ALLOWED if i % 3 else Outcome.DENIED,
            actor=actor,
            name="王五",
            role="GRID_WORKER",
            scope="g1",
            targets=(f"hh{i}", "b1"),
            fields=("phone", "headName") if i % 2 == 0 else (),
            code=None if i % 3 else "FORBIDDEN",
            request_id=f"req-{i}",
        )
        for i in range(n)
    ]


async def _all(store: GraphStore, flt: AuditFilter, first: int = 2) -> list[AuditEvent]:
    out: list[AuditEvent] = []
    after: str | None = None
    while True:
        page = await store.read_audit(filter=flt, first=first, after=after)
        out += page.events
        assert len(page.cursors) == len(page.events)
        if not page.has_more:
            return out
        after = page.cursors[-1]


async def test_events_round_trip_in_time_order(store: GraphStore) -> None:
    actor = _actor()
    events = _events(actor)
    await store.append_audit(list(reversed(events[:3])))  # appended out of order
    await store.append_audit(events[3:])
    got = await _all(store, AuditFilter(actor=actor))
    assert got == events  # every field survives, ordered by time
    assert got[0].targets == ("hh0", "b1") and got[0].fields == ("phone", "headName") and got[1].fields == ()


async def test_same_instant_events_are_ordered_by_id_and_pages_do_not_skip(store: GraphStore) -> None:
    actor = _actor()
    same = [AuditEvent(at=T0, operation=f"op{i}", outcome=Outcome.ALLOWED, actor=actor) for i in range(7)]
    await store.append_audit(same)
    got = await _all(store, AuditFilter(actor=actor), first=3)
    assert [e.id for e in got] == sorted(e.id for e in same)


async def test_filters_by_actor_outcome_and_time(store: GraphStore) -> None:
    actor, other = _actor(), _actor()
    await store.append_audit(_events(actor) + _events(other, 2))
    denied = await _all(store, AuditFilter(actor=actor, outcome=Outcome.DENIED))
    assert [e.request_id for e in denied] == ["req-0", "req-3"]
    window = await _all(
        store, AuditFilter(actor=actor, since=T0 + dt.timedelta(minutes=1), until=T0 + dt.timedelta(minutes=3))
    )
    assert [e.request_id for e in window] == ["req-1", "req-2"]  # since inclusive, until exclusive
    # time zones are instants: 16:01 in Beijing is 08:01 UTC
    cst = dt.timezone(dt.timedelta(hours=8))
    late = await _all(store, AuditFilter(actor=actor, since=dt.datetime(2026, 5, 1, 16, 3, tzinfo=cst)))
    assert [e.request_id for e in late] == ["req-3", "req-4"]
    assert len(await _all(store, AuditFilter(actor=other))) == 2


async def test_the_trail_is_not_part_of_the_graph_and_survives_clear(store: GraphStore) -> None:
    actor = _actor()
    await store.upsert([Node("Street", "st-audit", {"name": "澄江街道"})])
    await store.append_audit(_events(actor, 2))
    assert [n.id for batch in [b async for b in store.scan_nodes()] for n in batch] == ["st-audit"]
    assert set((await store.project()).nodes) == {"st-audit"}
    assert await store.search("GRID_WORKER") == [] and await store.get_nodes([_events(actor, 1)[0].id]) == [None]
    await store.clear()
    assert len(await _all(store, AuditFilter(actor=actor))) == 2


@contextlib.asynccontextmanager
async def _reopened(store: GraphStore) -> AsyncIterator[GraphStore]:
    """The same store opened anew: what was made durable (the embedded store serves its reads from
    memory, so a write that reached its file but not its memory shows only here)."""
    if isinstance(store, EmbeddedStore):
        await store.close()
        reopened: GraphStore = EmbeddedStore(store.path)
    else:
        from loaders.stores.neo4j_store import Neo4jStore

        assert isinstance(store, Neo4jStore)
        reopened = Neo4jStore(store.uri, auth=store._auth, database=store.database)
    await reopened.open()
    try:
        yield reopened
    finally:
        await reopened.close()
        if isinstance(store, EmbeddedStore):
            await store.open()  # the fixture closes it


async def test_the_trail_survives_reopening(store: GraphStore, tmp_path: Path, neo4j_pool: Neo4jPool) -> None:
    actor = _actor()
    await store.append_audit(_events(actor, 3))
    async with _reopened(store) as reopened:
        assert [e.request_id for e in await _all(reopened, AuditFilter(actor=actor))] == ["req-0", "req-1", "req-2"]


async def test_a_bad_cursor_is_refused(store: GraphStore) -> None:
    with pytest.raises(ValueError, match="not a cursor this service handed out"):
        await store.read_audit(after="not-a-cursor")


async def test_the_embedded_trail_refuses_changes_even_through_sqlite(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite")
    await store.open()
    await store.append_audit(_events("someone", 1))
    await store.close()
    db = sqlite3.connect(tmp_path / "s.sqlite")
    try:
        for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)
        assert db.execute("SELECT count(*) FROM audit").fetchone() == (1,)
    finally:
        db.close()


async def test_a_write_and_its_events_are_committed_together(store: GraphStore) -> None:
    actor = _actor()
    events = _events(actor, 2)
    await store.write(WriteBatch([Node("Street", "st-a", {"name": "审计街"})]), audit=events)
    assert [n.id if n else None for n in await store.get_nodes(["st-a"])] == ["st-a"]
    assert await _all(store, AuditFilter(actor=actor)) == events
    await store.write(WriteBatch([Node("Street", "st-a", {"name": "审计街二"})], patch=True))  # no events: none
    assert await _all(store, AuditFilter(actor=actor)) == events


async def test_a_refused_write_writes_none_of_its_events(store: GraphStore) -> None:
    actor = _actor()
    await store.write(WriteBatch([Node("Street", "st-a", {"name": "审计街"})]))
    with pytest.raises(ValidationError):  # the id is taken
        await store.write(
            WriteBatch([Node("Street", "st-a", {"name": "又一条"})], create_only=True), audit=_events(actor, 1)
        )
    assert await _all(store, AuditFilter(actor=actor)) == []


async def test_a_write_whose_event_cannot_be_written_is_not_applied(store: GraphStore) -> None:
    """The trail refuses a second copy of an event (its id is unique): the write that carries it
    fails whole, and neither its node nor its other event is kept."""
    actor = _actor()
    first, second = _events(actor, 2)
    await store.append_audit([first])
    with pytest.raises(Exception):  # noqa: B017 - each store's own constraint error
        await store.write(WriteBatch([Node("Street", "st-b", {"name": "未写街"})]), audit=[second, first])
    assert await store.get_nodes(["st-b"]) == [None]
    assert await _all(store, AuditFilter(actor=actor)) == [first]
    async with _reopened(store) as reopened:
        assert await reopened.get_nodes(["st-b"]) == [None]
        assert await _all(reopened, AuditFilter(actor=actor)) == [first]
