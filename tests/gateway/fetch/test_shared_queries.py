"""Identical concurrent subgraph queries share one request by default, per caller identity.

Through the whole gateway (in-process shop subgraphs behind a gate that holds every subgraph
request until the test opens it): a user's identical concurrent queries go out once whatever
their request ids and trace context; users with different tokens never share an answer;
mutations never share; ``deduplicate_queries: false`` turns sharing off.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.plugins import GraphQLRequest, Plugin
from tests.gateway.pipeline.shop import Shop, shop_supergraph

pytestmark = pytest.mark.timeout(30)

WHOAMI = {"query": "{ whoami }"}
RENAME = {"query": 'mutation { rename(id: "p1", name: "Seat") { id name } }'}


class Gate(httpx.AsyncBaseTransport):
    """The shop's subgraphs; every request waits for ``opened`` and is recorded first."""

    def __init__(self) -> None:
        self.inner = Shop().transport
        self.opened = asyncio.Event()
        self.received: list[httpx.Headers] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request.headers)
        await self.opened.wait()
        return await self.inner.handle_async_request(request)


class Arrivals(Plugin):
    """Counts client requests that reached their subgraph fetch (headers are made just before)."""

    def __init__(self) -> None:
        self.count, self.expected = 0, 0
        self.all_in = asyncio.Event()

    def on_subgraph_headers(self, subgraph: str, headers: dict[str, str],
                            request: GraphQLRequest) -> dict[str, str]:
        self.count += 1
        if self.count == self.expected:
            self.all_in.set()
        return headers


@asynccontextmanager
async def gateway(**options: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Gate, Arrivals]]:
    gate, arrivals = Gate(), Arrivals()
    app = create_app(shop_supergraph(), config=GatewayConfig(**options), transport=gate,
                     plugins=[arrivals])
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://gateway") as client:
            yield client, gate, arrivals


async def concurrently(client: httpx.AsyncClient, gate: Gate, arrivals: Arrivals,
                       calls: list[tuple[dict, str | None]]) -> tuple[list[dict], int]:
    """Send every (body, token) at once, each with its own request id and trace context; open
    the gate once all of them wait on a subgraph; the answers and the requests that went out."""
    async def call(index: int, body: dict, token: str | None) -> dict:
        headers = {"x-request-id": f"client-{index}",
                   "traceparent": f"00-{index + 1:032x}-{index + 1:016x}-01"}
        if token is not None:
            headers["authorization"] = token
        response = await client.post("/graphql", json=body, headers=headers)
        return response.json()

    arrivals.expected = len(calls)
    tasks = [asyncio.create_task(call(i, body, token)) for i, (body, token) in enumerate(calls)]
    await arrivals.all_in.wait()
    for _ in range(10):  # the last arrival parks on the shared request or at the gate
        await asyncio.sleep(0)
    went_out = len(gate.received)
    gate.opened.set()
    return list(await asyncio.gather(*tasks)), went_out


async def test_one_users_identical_concurrent_queries_share_one_subgraph_request():
    async with gateway() as (client, gate, arrivals):
        answers, went_out = await concurrently(client, gate, arrivals,
                                               [(WHOAMI, "Bearer alice")] * 4)
    # different x-request-id and traceparent per client request did not prevent sharing
    assert went_out == 1
    assert answers == [{"data": {"whoami": "Bearer alice|None"}}] * 4
    # the shared request carries the first caller's request id (documented)
    assert gate.received[0]["x-request-id"] == "client-0"


async def test_users_with_different_tokens_never_receive_each_others_answer():
    identities = ["Bearer alice", "Bearer bob", None]
    calls = [(WHOAMI, identities[i % 3]) for i in range(9)]
    async with gateway() as (client, gate, arrivals):
        answers, went_out = await concurrently(client, gate, arrivals, calls)
    assert went_out == 3  # one request per identity, the anonymous caller included
    for (_, token), answer in zip(calls, answers, strict=True):
        assert answer == {"data": {"whoami": f"{token}|None"}}
    assert sorted(h.get("authorization", "") for h in gate.received) == \
        ["", "Bearer alice", "Bearer bob"]


async def test_identical_concurrent_mutations_each_reach_the_subgraph():
    async with gateway() as (client, gate, arrivals):
        answers, went_out = await concurrently(client, gate, arrivals,
                                               [(RENAME, "Bearer alice")] * 3)
    assert went_out == 3
    assert answers == [{"data": {"rename": {"id": "p1", "name": "Seat"}}}] * 3


async def test_sharing_is_off_for_a_subgraph_whose_deduplicate_queries_is_false():
    off = {"traffic": {"subgraphs": {"products": {"deduplicate_queries": False}}},
           "collapse_requests": False}  # request collapsing would share the execution
    async with gateway(**off) as (client, gate, arrivals):
        answers, went_out = await concurrently(client, gate, arrivals,
                                               [(WHOAMI, "Bearer alice")] * 3)
    assert went_out == 3
    assert answers == [{"data": {"whoami": "Bearer alice|None"}}] * 3
