"""The slow start after an outage, through the real app (its gate and its own measure of a
request's weight): while the store is down every request is answered 503 at once; once it is
back, while its most frequent read is warmed up alone, every request waits (and is answered
when that read ends); then light requests are answered and heavy ones wait, until the
warm-up is done and a light request was answered.
Counted in requests, not seconds.  (The whole recovery against a Neo4j that is killed and
started again: tests/faults/test_outage_recovery.py.)"""

from __future__ import annotations

import asyncio
import math

from loaders.store import GraphStore
from service.health import StoreWatch, recovery_of
from tests.api.conftest import gid, open_api
from tests.cities import CITY

HEAVY = "{ coverage { households { total covered rate } } }"
LIGHT = "query($id: ID!) { node(id: $id) { id } }"
STREET = next(n for n in CITY.nodes if n.label == "Street")


async def test_light_requests_are_answered_before_heavy_ones_are_admitted(city: GraphStore) -> None:
    watch = StoreWatch(city, interval=math.inf)  # registered, but its loop never pings: driven here
    watch.start()
    try:
        async with open_api(city) as api:
            assert (await api.post(HEAVY)).status_code == 200  # no slow start: heavy requests pass
            recovery = recovery_of(city)
            assert recovery is watch.recovery

            recovery.arm()  # the watch saw the store down: requests are refused at once
            city.availability.mark_down()
            try:
                refused = await api.post(LIGHT, {"id": gid("Street", STREET.id)})
            finally:
                city.availability.mark_up()
            assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
            assert refused.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
            recovery.back()  # ... and back: the warm-up runs, its first read alone, requests wait
            waiting = asyncio.create_task(api.post(LIGHT, {"id": gid("Street", STREET.id)}))
            for _ in range(20):
                await asyncio.sleep(0)
            assert recovery.closed and not waiting.done(), "held while the first read is warmed"
            recovery.first_warmed()  # the waiting request is answered; heavy ones still wait
            first = await asyncio.wait_for(waiting, 60)
            assert first.status_code == 200 and first.json()["data"]["node"]["id"], first.text
            heavy = asyncio.create_task(api.post(HEAVY))
            for _ in range(20):
                await asyncio.sleep(0)
            assert recovery.heavy_held == 1 and not heavy.done()

            light = await api.post(LIGHT, {"id": gid("Street", STREET.id)})
            assert light.status_code == 200 and light.json()["data"]["node"]["id"]
            await asyncio.sleep(0.05)
            assert not heavy.done(), "a light answer alone does not end the slow start: the warm-up runs"

            recovery.warmed(statements=3, seconds=0.1)
            answered = await asyncio.wait_for(heavy, 60)
            assert answered.status_code == 200 and "errors" not in answered.json(), answered.text
            assert not recovery.holding

            recovery.arm()  # the next outage: held again until a light request is answered
            recovery.back()
            recovery.light_began()  # one in flight
            recovery.warmed(statements=0, seconds=0.0)
            assert recovery.holding
            recovery.light_answered(whole=False)  # failed: no whole light answer yet, none in flight
            assert not recovery.holding
    finally:
        await watch.stop()
