"""A subgraph that goes down and comes back, over real HTTP: once it is back, the gateway's
background probe closes its breaker within a probe interval, not after the reset time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from strawberry.asgi import GraphQL

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.edge.conftest import free_port
from tests.gateway.pipeline.shop import SCHEMAS, shop_supergraph

# products answers the product, inventory joins its stock (an _entities fetch)
JOIN = {"query": '{ product(id: "p1") { id name stock } }'}
# a long reset time: the breaker can only close early through a background probe
BREAKER = {"breaker_failures": 3, "breaker_reset_seconds": 30, "retries": 0,
           "breaker_probe_interval_seconds": 0.2, "breaker_probe_max_interval_seconds": 0.5}


class Subgraph:
    """One of the shop's subgraphs under uvicorn on a fixed local port; ``stop`` and ``start``
    it like a process restart (the port refuses connections in between)."""

    def __init__(self, name: str) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}/{name}/graphql"
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        app = Starlette(routes=[Mount(f"/{self.name}", app=GraphQL(SCHEMAS[self.name]))])
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"))
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task


@asynccontextmanager
async def shop(**traffic: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Subgraph, Any]]:
    subgraphs = {name: Subgraph(name) for name in SCHEMAS}
    for subgraph in subgraphs.values():
        await subgraph.start()
    urls = {name: subgraph.url for name, subgraph in subgraphs.items()}
    config = GatewayConfig(mode="production", traffic={"all": traffic})
    app = create_app(shop_supergraph(), subgraph_urls=urls, config=config)
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client, subgraphs["inventory"], app.state.gateway.breakers
    finally:
        for subgraph in subgraphs.values():
            if subgraph._task is not None and not subgraph._task.done():
                await subgraph.stop()


def stock_error(body: dict[str, Any]) -> str | None:
    """The code of the error a failed stock join left, if any."""
    codes = [e.get("extensions", {}).get("code", "") for e in body.get("errors", [])]
    return next((code for code in codes if code.startswith("SUBGRAPH_")), None)


def stock_message(body: dict[str, Any]) -> str:
    """The message of the error a failed stock join left."""
    return next(e["message"] for e in body["errors"]
                if e.get("extensions", {}).get("code", "").startswith("SUBGRAPH_"))


async def metric(client: httpx.AsyncClient, sample: str) -> float:
    """One sample of the gateway's /metrics (0 when absent)."""
    for line in (await client.get("/metrics")).text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def state_of(breakers: Any, subgraph: str) -> str:
    return {s.name: s.state for s in breakers.snapshot()}[subgraph]


async def test_the_first_join_after_a_restarted_subgraph_is_back_and_probed_succeeds():
    async with shop(**BREAKER) as (client, inventory, breakers):
        assert stock_error((await client.post("/graphql", json=JOIN)).json()) is None
        # given inventory went down and failed joins opened its breaker
        await inventory.stop()
        for _ in range(3):
            failed = (await client.post("/graphql", json=JOIN)).json()
            assert stock_error(failed) == "SUBGRAPH_FETCH_FAILED"
        refused = (await client.post("/graphql", json=JOIN)).json()
        assert stock_error(refused) == "SUBGRAPH_CIRCUIT_OPEN"
        # the refusal says it is probed in the background, not the reset time it need not wait
        assert "probed every 0.2-0.5s, used again once it answers" in stock_message(refused)
        # and it stayed down for a while (probes failing meanwhile)
        await asyncio.sleep(1.5)
        assert state_of(breakers, "inventory") == "open"
        # which an operator sees on /metrics, with the failed probes
        assert await metric(client, 'circuit_breaker_state{dependency="inventory"}') == 2.0
        probes = 'gateway_subgraph_breaker_probes_total{outcome="%s",subgraph="inventory"}'
        failed = await metric(client, probes % "failed")
        assert failed >= 1
        answered = await metric(client, probes % "answered")
        # when it is back and one probe interval (at most 0.5 s) has passed
        await inventory.start()
        back = time.monotonic()
        await asyncio.sleep(0.6)
        # then the first join is answered in full, within a second of the restart
        answer = (await client.post("/graphql", json=JOIN)).json()
        assert stock_error(answer) is None, answer
        assert answer["data"]["product"] == {"id": "p1", "name": "Chair", "stock": 5}
        assert time.monotonic() - back < 1.5
        assert state_of(breakers, "inventory") == "closed"
        assert await metric(client, 'circuit_breaker_state{dependency="inventory"}') == 0.0
        assert await metric(client, probes % "answered") == answered + 1


async def test_without_background_probes_the_breaker_waits_out_its_reset_time():
    # the documented opt-out: breaker_probe_interval_seconds 0
    async with shop(**{**BREAKER, "breaker_probe_interval_seconds": 0}) as (client, inventory, _):
        await inventory.stop()
        for _ in range(3):
            await client.post("/graphql", json=JOIN)
        await inventory.start()
        await asyncio.sleep(0.6)
        refused = (await client.post("/graphql", json=JOIN)).json()
    assert stock_error(refused) == "SUBGRAPH_CIRCUIT_OPEN"
    assert "next probe in" in stock_message(refused)
