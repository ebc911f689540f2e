"""A new supergraph is swapped in without disturbing requests; a broken one is ignored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop, shop_supergraph

OTHER = (Path(__file__).parents[1] / "samples" / "simple-entity-jump" / "supergraph.graphql")
HAS_REVIEW = {"query": '{ __type(name: "Review") { name } }'}


async def _review_type(client: httpx.AsyncClient) -> object:
    return (await client.post("/graphql", json=HAS_REVIEW)).json()["data"]["__type"]


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_reload_swaps_the_schema_and_a_broken_supergraph_is_ignored():
    app = Shop().app()
    gateway = app.state.gateway
    async with _client(app) as client:
        assert await _review_type(client) is None
        assert gateway.reload("type Query {") is False
        assert await _review_type(client) is None
        assert gateway.reload(OTHER.read_text()) is True
        assert await _review_type(client) == {"name": "Review"}


async def test_a_request_in_flight_finishes_on_the_supergraph_it_started_with():
    shop = Shop()
    release = asyncio.Event()

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await release.wait()
            return await shop.transport.handle_async_request(request)

    app = create_app(shop_supergraph(), transport=Slow())
    async with _client(app) as client:
        pending = asyncio.create_task(
            client.post("/graphql", json={"query": '{ product(id: "p1") { name } }'}))
        await asyncio.sleep(0.05)
        assert app.state.gateway.reload(OTHER.read_text()) is True
        release.set()
        response = await pending
    assert response.json() == {"data": {"product": {"name": "Chair"}}}


async def test_the_supergraph_file_is_watched_when_configured(tmp_path: Path):
    file = tmp_path / "supergraph.graphql"
    file.write_text(shop_supergraph())
    config = GatewayConfig(supergraph_path=file, supergraph_poll_seconds=0.02)
    app = create_app(file.read_text(), config=config, transport=Shop().transport)
    async with app.router.lifespan_context(app), _client(app) as client:
        file.write_text("broken {")
        await asyncio.sleep(0.1)
        assert await _review_type(client) is None  # still serving the old one
        file.write_text(OTHER.read_text())
        for _ in range(100):
            if await _review_type(client) is not None:
                break
            await asyncio.sleep(0.02)
        assert await _review_type(client) == {"name": "Review"}
