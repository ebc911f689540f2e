"""Time to first payload: an order page with ``@defer`` on its payment vs the whole query
without it, when the payments subgraph answers slowly.

    .venv/bin/python tests/bench/defer_first_payload.py [--delay 0.2] [--requests 30]

Everything (two Strawberry subgraphs, our gateway, the client) runs in one process and one
event loop; payments waits ``--delay`` seconds before each request. Prints medians and p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from strawberry.asgi import GraphQL

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gateway.app import create_app
from gateway.composition import SubgraphSource, compose
from tests.gateway.subscriptions.harness import _serve
from tests.gateway.subscriptions.subgraphs import Bus, orders_schema, payments_schema

DEFERRED = ('query Page($id: ID!) { order(id: $id) { id status '
            '... @defer(label: "payment") { payment { status } } } }')
WHOLE = "query Page($id: ID!) { order(id: $id) { id status payment { status } } }"
ACCEPT = "multipart/mixed;deferSpec=20220824,application/json"


class _Slow:
    def __init__(self, app: Any, delay: float) -> None:
        self.app, self.delay = app, delay

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


async def _first_part(client: httpx.AsyncClient, url: str) -> float:
    started = time.perf_counter()
    async with client.stream("POST", url, json={"query": DEFERRED, "variables": {"id": "o1"}},
                             headers={"accept": ACCEPT}) as response:
        buffer, first = b"", 0.0
        async for chunk in response.aiter_bytes():
            buffer += chunk
            if not first and buffer.count(b"--graphql") >= 2:  # the first part is complete
                first = time.perf_counter() - started
    return first


async def _whole(client: httpx.AsyncClient, url: str) -> float:
    started = time.perf_counter()
    response = await client.post(url, json={"query": WHOLE, "variables": {"id": "o1"}})
    assert response.json()["data"]["order"]["payment"]["status"] == "SUCCEEDED:o1"
    return time.perf_counter() - started


async def main(delay: float, requests: int) -> None:
    bus = Bus()
    schemas = {"orders": orders_schema(bus), "payments": payments_schema(bus)}
    served = {"orders": await _serve(GraphQL(schemas["orders"])),
              "payments": await _serve(_Slow(GraphQL(schemas["payments"]), delay))}
    result = compose([SubgraphSource(n, f"http://127.0.0.1:{s.port}/graphql", schemas[n].as_str())
                      for n, s in served.items()])
    assert result.supergraph is not None
    served["gateway"] = await _serve(create_app(result.supergraph))
    url = f"http://127.0.0.1:{served['gateway'].port}/graphql"
    async with httpx.AsyncClient(timeout=30) as client:
        for measure in (_first_part, _whole):  # warm-up: plans cached, connections open
            await measure(client, url)
        firsts = [await _first_part(client, url) for _ in range(requests)]
        wholes = [await _whole(client, url) for _ in range(requests)]
    for s in served.values():
        s.server.should_exit = True
    await asyncio.gather(*(s.task for s in served.values()), return_exceptions=True)
    for name, values in (("@defer: first payload", firsts), ("no @defer: whole response", wholes)):
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"{name}: median {statistics.median(values) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms ({len(values)} requests, payments delay {delay}s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.delay, args.requests))
