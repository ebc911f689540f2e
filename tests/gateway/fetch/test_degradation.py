"""Degradation at the gateway: stale answers for public queries when a subgraph fails, retries
for queries only, and circuit breakers that fail fast (in-process subgraphs, one of them down)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop, shop_supergraph

CATALOGUE = {"query": "{ products { id name } }"}
NAMES = {"products": [{"id": "p1", "name": "Chair"}, {"id": "p2", "name": "Lamp"},
                      {"id": "p3", "name": "Rug"}]}
STALE_PRODUCTS = {"traffic": {"subgraphs": {"products": {"serve_stale_seconds": 60}}}}


class Outage(httpx.AsyncBaseTransport):
    """The shop's subgraphs, with ``down`` ones unreachable; ``calls`` counts products requests."""

    def __init__(self) -> None:
        self.inner = Shop().transport
        self.down: set[str] = set()
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        subgraph = request.url.path.split("/")[1]
        self.calls += subgraph == "products"
        if subgraph in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def gateway(**options: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Outage, Any]]:
    outage = Outage()
    app = create_app(shop_supergraph(), config=GatewayConfig(mode="production", **options),
                     transport=outage)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://gateway") as client:
            yield client, outage, app


async def test_a_public_catalogue_query_is_answered_stale_and_marked_when_products_is_down():
    async with gateway(**STALE_PRODUCTS) as (client, outage, _):
        # given products answered the catalogue once
        fresh = await client.post("/graphql", json=CATALOGUE)
        assert fresh.json() == {"data": NAMES} and "x-served-stale" not in fresh.headers
        # when products goes down
        outage.down.add("products")
        stale = await client.post("/graphql", json=CATALOGUE)
    # then the same answer comes back, marked stale in extensions and a header
    body = stale.json()
    assert body["data"] == NAMES and "errors" not in body
    assert [entry["subgraph"] for entry in body["extensions"]["stale"]] == ["products"]
    assert body["extensions"]["stale"][0]["ageSeconds"] >= 0
    assert stale.headers["x-served-stale"] == "products"


async def test_an_authorised_query_is_never_answered_stale():
    signed_in = {"authorization": "Bearer someone"}
    async with gateway(**STALE_PRODUCTS) as (client, outage, _):
        # given the same query answered once for a signed-in caller and once for anyone
        await client.post("/graphql", json=CATALOGUE, headers=signed_in)
        await client.post("/graphql", json=CATALOGUE)
        outage.down.add("products")
        # when products is down, the signed-in caller asks again
        answer = await client.post("/graphql", json=CATALOGUE, headers=signed_in)
    # then the caller gets the failure, never a kept answer
    body = answer.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "SUBGRAPH_FETCH_FAILED"
    assert "extensions" not in body and "x-served-stale" not in answer.headers


async def test_without_a_stale_window_a_failed_fetch_is_an_error():
    async with gateway() as (client, outage, _):
        await client.post("/graphql", json=CATALOGUE)
        outage.down.add("products")
        body = (await client.post("/graphql", json=CATALOGUE)).json()
    assert body["data"] is None and "extensions" not in body


async def test_a_query_is_retried_once_and_a_mutation_is_sent_once():
    rename = {"query": 'mutation { rename(id: "p1", name: "Seat") { name } }'}
    async with gateway() as (client, outage, _):
        outage.down.add("products")
        await client.post("/graphql", json=CATALOGUE)
        after_query = outage.calls
        await client.post("/graphql", json=rename)
    assert (after_query, outage.calls - after_query) == (2, 1)


async def test_the_breaker_opens_after_consecutive_failures_fails_fast_and_recovers():
    breaker = {"breaker_failures": 3, "breaker_reset_seconds": 0.2, "retries": 0}
    async with gateway(traffic={"all": breaker}) as (client, outage, app):
        breakers = app.state.gateway.breakers
        # given three failed fetches to products
        outage.down.add("products")
        for _ in range(3):
            await client.post("/graphql", json=CATALOGUE)
        # when a fourth query comes
        refused = (await client.post("/graphql", json=CATALOGUE)).json()
        # then it fails fast without reaching products, with a clear error
        assert outage.calls == 3
        assert refused["errors"][0]["extensions"] == {"code": "SUBGRAPH_CIRCUIT_OPEN",
                                                      "serviceName": "products"}
        assert "circuit breaker is open" in refused["errors"][0]["message"]
        assert [(s.name, s.state) for s in breakers.snapshot()] == [("products", "open")]
        # and once products is back and the reset time passed, a probe closes the breaker
        outage.down.clear()
        await asyncio.sleep(0.3)
        answer = (await client.post("/graphql", json=CATALOGUE)).json()
    assert answer == {"data": NAMES}
    assert [(s.name, s.state) for s in breakers.snapshot()] == [("products", "closed")]
