"""Inbound request collapsing (collapse_requests): identical queries in flight share one execution.

A gate in front of the in-process subgraphs holds every subgraph request until the test opens
it, so the requests of a test are surely in flight together; ``gate.calls`` counts executions
that reached a subgraph. (Timeouts below only keep a broken build from hanging the run.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop, shop_supergraph

PRODUCTS = {"query": "{ products { id name } }"}
ALL_NAMES = {"data": {"products": [{"id": "p1", "name": "Chair"}, {"id": "p2", "name": "Lamp"},
                                   {"id": "p3", "name": "Rug"}]}}
HANG_GUARD = 10


class Gate(httpx.AsyncBaseTransport):
    """Holds subgraph requests until ``opened``; ``fail`` answers them with a connection error."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls = 0
        self.opened = asyncio.Event()
        self.fail = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        await self.opened.wait()
        if self.fail:
            raise httpx.ConnectError("subgraph unreachable", request=request)
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def gateway(**options: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Gate, Any]]:
    gate = Gate(Shop().transport)
    app = create_app(shop_supergraph(), config=GatewayConfig(mode="production", **options),
                     transport=gate)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway",
                                     headers={"content-type": "application/json"}) as client:
            yield client, gate, app


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 (internal counts, polled: tests only)
            await asyncio.sleep(0)
    await asyncio.wait_for(poll(), HANG_GUARD)


def post(client: httpx.AsyncClient, body: dict[str, Any], **headers: str
         ) -> asyncio.Task[httpx.Response]:
    return asyncio.create_task(client.post("/graphql", json=body, headers=headers))


async def in_flight(client: httpx.AsyncClient, gate: Gate, app: Any, followers: int
                    ) -> tuple[asyncio.Task[httpx.Response], list[asyncio.Task[httpx.Response]]]:
    """A leader whose execution waits at the gate and ``followers`` waiting for it."""
    leader = post(client, PRODUCTS)
    await until(lambda: gate.calls == 1)
    waiting = [post(client, PRODUCTS) for _ in range(followers)]
    await until(lambda: app.endpoint.collapser.waiting() == followers)
    return leader, waiting


async def test_identical_concurrent_queries_share_one_execution_and_get_the_same_answer():
    async with gateway(collapse_requests=True) as (client, gate, app):
        leader, followers = await in_flight(client, gate, app, 9)
        gate.opened.set()
        answers = await asyncio.gather(leader, *followers)
    assert gate.calls == 1
    assert [a.status_code for a in answers] == [200] * 10
    assert all(a.json() == ALL_NAMES for a in answers)
    assert len({a.content for a in answers}) == 1
    assert len({a.headers["x-request-id"] for a in answers}) == 10  # ids stay per request


async def test_collapsing_is_off_by_default():
    assert GatewayConfig().collapse_requests is False
    # subgraph deduplication (on by default) would share the subgraph request: off here, so
    # gate.calls counts executions
    async with gateway(traffic={"all": {"deduplicate_queries": False}}) as (client, gate, _):
        answers = [post(client, PRODUCTS) for _ in range(3)]
        await until(lambda: gate.calls == 3)
        gate.opened.set()
        assert all(a.json() == ALL_NAMES for a in await asyncio.gather(*answers))


async def test_different_authorization_headers_never_share_an_execution():
    whoami = {"query": "{ whoami }"}
    async with gateway(collapse_requests=True) as (client, gate, _):
        alice = post(client, whoami, authorization="Bearer alice")
        bob = post(client, whoami, authorization="Bearer bob")
        await until(lambda: gate.calls == 2)
        gate.opened.set()
        answers = await asyncio.gather(alice, bob)
    assert [a.json()["data"]["whoami"] for a in answers] == ["Bearer alice|None",
                                                             "Bearer bob|None"]


async def test_different_variables_never_share_an_execution():
    query = "query ($id: ID!) { product(id: $id) { name } }"
    async with gateway(collapse_requests=True) as (client, gate, _):
        chair = post(client, {"query": query, "variables": {"id": "p1"}})
        rug = post(client, {"query": query, "variables": {"id": "p3"}})
        await until(lambda: gate.calls == 2)
        gate.opened.set()
        answers = await asyncio.gather(chair, rug)
    assert [a.json()["data"]["product"]["name"] for a in answers] == ["Chair", "Rug"]


async def test_identical_concurrent_mutations_each_execute():
    rename = {"query": 'mutation { rename(id: "p1", name: "Seat") { name } }'}
    async with gateway(collapse_requests=True) as (client, gate, _):
        answers = [post(client, rename) for _ in range(4)]
        await until(lambda: gate.calls == 4)  # all four reached the subgraph together
        gate.opened.set()
        results = await asyncio.gather(*answers)
    assert all(r.json() == {"data": {"rename": {"name": "Seat"}}} for r in results)


async def test_an_error_result_reaches_every_follower():
    # no retry: each execution then reaches the failing subgraph exactly once
    async with gateway(collapse_requests=True, traffic={"all": {"retries": 0}}) as (
            client, gate, app):
        gate.fail = True
        leader, followers = await in_flight(client, gate, app, 4)
        gate.opened.set()
        answers = await asyncio.gather(leader, *followers)
    assert gate.calls == 1
    bodies = [a.json() for a in answers]
    assert bodies[0]["data"] is None and bodies[0]["errors"]
    assert all(body == bodies[0] for body in bodies)
    assert {a.status_code for a in answers} == {200}


async def test_the_leaders_client_going_away_does_not_stop_its_followers():
    async with gateway(collapse_requests=True) as (client, gate, app):
        leader, followers = await in_flight(client, gate, app, 3)
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        gate.opened.set()
        answers = await asyncio.gather(*followers)
    assert gate.calls == 1
    assert all(a.json() == ALL_NAMES for a in answers)


async def test_rate_limits_still_count_every_collapsed_request():
    limit = {"enabled": True, "requests_per_second": 0.001, "burst": 2}
    async with gateway(collapse_requests=True, rate_limit=limit) as (client, gate, app):
        leader, followers = await in_flight(client, gate, app, 1)
        refused = await post(client, PRODUCTS)
        gate.opened.set()
        answers = await asyncio.gather(leader, *followers)
    assert refused.status_code == 429
    assert all(a.json() == ALL_NAMES for a in answers)


async def test_a_query_plan_asked_for_in_a_header_is_not_shared_with_requests_without_it():
    debug = {"x-debug-query-plan": "1"}
    # subgraph deduplication off, so gate.calls counts executions
    async with gateway(collapse_requests=True, expose_query_plan=True,
                       traffic={"all": {"deduplicate_queries": False}}) as (client, gate, _):
        plain = post(client, PRODUCTS)
        planned = post(client, PRODUCTS, **debug)
        await until(lambda: gate.calls == 2)
        gate.opened.set()
        plain_answer, planned_answer = await asyncio.gather(plain, planned)
    assert "extensions" not in plain_answer.json()
    assert "queryPlan" in planned_answer.json()["extensions"]
