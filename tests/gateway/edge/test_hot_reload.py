"""Hot reload under load: the supergraph file is replaced twice (once broken) while a bounded
load loop runs over real HTTP; no request fails and the broken file is logged and ignored."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import httpx

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.edge.conftest import Served
from tests.gateway.edge.shop import secure_supergraph, secure_transport

BODY = {"query": "{ products { id name } }"}
EXPECTED = {"data": {"products": [{"id": "p1", "name": "Product p1"},
                                  {"id": "p2", "name": "Product p2"}]}}
WORKERS = 8


def with_extra_field(sdl: str) -> str:
    """The same supergraph with one more Query field (the secure subgraph resolves it)."""
    marker = "type Query"
    at = sdl.index(marker)
    opening = sdl.index("{", at) + 1
    field = '\n  reloaded: String @join__field(graph: SECURE)'
    return sdl[:opening] + field + sdl[opening:]


def replace(path: Path, text: str) -> None:
    """Write beside the file, then rename over it (what deploy tools do: atomic)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


async def load(client: httpx.AsyncClient, url: str, stop: asyncio.Event) -> tuple[int, list]:
    sent, failures = 0, []
    while not stop.is_set() and sent < 2_000:  # bounded even if the test goes wrong
        response = await client.post(url, json=BODY)
        sent += 1
        if response.status_code != 200 or response.json() != EXPECTED:
            failures.append((response.status_code, response.text[:200]))
    return sent, failures


async def wait_until(predicate, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while True:  # the gateway's watcher offers no event to wait on: poll what it changes
            if predicate():
                return
            await asyncio.sleep(0.02)


async def test_supergraph_replaced_twice_under_load_drops_no_request(tmp_path, caplog):
    path = tmp_path / "supergraph.graphql"
    path.write_text(secure_supergraph())
    config = GatewayConfig(mode="production", supergraph_path=path, supergraph_poll_seconds=0.05)
    app = create_app(path.read_text(), config=config, transport=secure_transport())
    gateway = app.state.gateway
    stop = asyncio.Event()
    caplog.set_level(logging.ERROR, logger="gateway.app")
    headers = {"content-type": "application/json"}
    async with Served(app) as served, httpx.AsyncClient(headers=headers, timeout=10) as client:
        url = f"{served.url}/graphql"
        workers = [asyncio.create_task(load(client, url, stop)) for _ in range(WORKERS)]
        await asyncio.sleep(0.3)
        replace(path, with_extra_field(secure_supergraph()))
        await wait_until(lambda: "reloaded" in gateway.supergraph.api_schema.query_type.fields)
        await asyncio.sleep(0.3)
        replace(path, "type Query {")  # broken
        await wait_until(lambda: "rejected" in caplog.text)
        await asyncio.sleep(0.3)
        stop.set()
        results = await asyncio.gather(*workers)
        after = await client.post(url, json={"query": "{ reloaded: __typename }"})
    sent = sum(count for count, _ in results)
    failures = [failure for _, found in results for failure in found]
    assert sent > 50 and failures == []
    assert "reloaded" in gateway.supergraph.api_schema.query_type.fields  # still the good one
    assert after.status_code == 200


async def test_supergraph_polled_from_a_url_is_swapped_in_and_a_failing_url_ignored(caplog):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    served_sdl = {"text": secure_supergraph(), "status": 200}

    async def artefact(_):
        return PlainTextResponse(served_sdl["text"], served_sdl["status"])

    caplog.set_level(logging.ERROR, logger="gateway.app")
    async with Served(Starlette(routes=[Route("/supergraph", artefact)])) as source:
        config = GatewayConfig(mode="production", supergraph_url=f"{source.url}/supergraph",
                               supergraph_poll_seconds=0.05)
        app = create_app(secure_supergraph(), config=config, transport=secure_transport())
        gateway = app.state.gateway
        async with Served(app):
            served_sdl["status"] = 503
            await wait_until(lambda: "cannot read supergraph" in caplog.text)
            served_sdl.update(text=with_extra_field(secure_supergraph()), status=200)
            await wait_until(lambda: "reloaded" in gateway.supergraph.api_schema.query_type.fields)
