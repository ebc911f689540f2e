"""HTTP client cost per subgraph call: httpx, aiohttp (default and tuned), the gateway's own
HTTP/1.1 client (through SubgraphClient, what the gateway uses) and the cart's ServiceClient
(what the cart's price lookup uses).

Starts the Node benchmark subgraphs on CPU 1, then, pinned to CPU 0 in this process, sends
``--requests`` copies of one realistic entity fetch (the reviews subgraph's _entities call of
TestQuery) with ``--concurrency`` in flight, through each client in turn, with uvloop; prints
requests per second, CPU milliseconds per call and the p50/p99 latency of a call.
``--only`` picks runs by name prefix.
``.venv/bin/python tests/bench/federation/clients.py``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository, for gateway
import run as fed

ENTITIES = ("query($representations: [_Any!]!) { _entities(representations: $representations) "
            "{ ... on User { __typename reviews { id body product { __typename upc reviews { id "
            "body author { id username __typename reviews { id body product { __typename upc } "
            "} } } } } } } }")
BODY = json.dumps({"query": ENTITIES, "variables": {"representations": [
    {"__typename": "User", "id": str(n)} for n in range(1, 7)]}}).encode()
URL = f"http://127.0.0.1:{fed.SUBGRAPH_BASE_PORT + 3}/graphql"
HEADERS = {"content-type": "application/json", "accept": "application/json"}


async def drive(send: Callable[[], Awaitable[bytes]], requests: int, concurrency: int) -> dict:
    for _ in range(50):
        await send()
    remaining = requests
    latencies: list[float] = []

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            await send()
            latencies.append(time.perf_counter() - start)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    latencies.sort()
    return {"rps": round(requests / wall), "cpu_ms_per_call": round(cpu / requests * 1000, 3),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2)}


async def with_httpx(requests: int, concurrency: int, keepalive: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=100, max_keepalive_connections=keepalive)
    async with httpx.AsyncClient(limits=limits, timeout=None) as client:
        async def send() -> bytes:
            return (await client.post(URL, content=BODY, headers=HEADERS)).content
        return await drive(send, requests, concurrency)


async def with_aiohttp(requests: int, concurrency: int) -> dict:
    import aiohttp

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
        async def send() -> bytes:
            async with session.post(URL, data=BODY, headers=HEADERS) as response:
                return await response.read()
        return await drive(send, requests, concurrency)


async def with_aiohttp_tuned(requests: int, concurrency: int) -> dict:
    """What option (a) would be: no cookie jar, no decompression, no default headers."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=5, ttl_dns_cache=None,
                                     use_dns_cache=True, enable_cleanup_closed=False)
    session = aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False,
        skip_auto_headers=("User-Agent", "Accept-Encoding"), timeout=aiohttp.ClientTimeout(30),
    )
    async with session:
        async def send() -> bytes:
            async with session.post(URL, data=BODY, headers=HEADERS) as response:
                return await response.read()
        return await drive(send, requests, concurrency)


async def with_gateway_client(requests: int, concurrency: int) -> dict:
    """Option (b): the gateway's SubgraphClient over its own HTTP/1.1 client."""
    from gateway.fetch.client import ClientOptions, SubgraphClient

    client = SubgraphClient("reviews", URL, ClientOptions(max_keepalive_connections=100))
    try:
        async def send() -> bytes:
            return await client.post(BODY, {}, replayable=True)
        return await drive(send, requests, concurrency)
    finally:
        await client.aclose()


async def with_cart_client(requests: int, concurrency: int) -> dict:
    """The cart's ServiceClient: the httpx-shaped post the kit's EntityClient makes."""
    from subgraphs.kit.service_http import ServiceClient

    client = ServiceClient(timeout=30, max_connections=100)
    try:
        async def send() -> bytes:
            return (await client.post(URL, content=BODY, headers=HEADERS)).content
        return await drive(send, requests, concurrency)
    finally:
        await client.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--only", action="append", default=[],
                        help="run only the clients whose name starts with this (repeatable)")
    args = parser.parse_args()
    import uvloop

    os.sched_setaffinity(0, {int(fed.GATEWAY_CPU)})
    work = Path(tempfile.mkdtemp(prefix="clients-"))
    subgraphs = ["node", str(fed.HERE / "subgraphs.mjs"), str(fed.SUBGRAPH_BASE_PORT)]
    with fed.process(subgraphs, fed.LOAD_CPU, work / "subgraphs.log"):
        fed.wait_port(fed.SUBGRAPH_BASE_PORT + 3)
        runs: dict[str, Callable[[], Awaitable[dict]]] = {
            "httpx keepalive 20": lambda: with_httpx(args.requests, args.concurrency, 20),
            "httpx keepalive 100": lambda: with_httpx(args.requests, args.concurrency, 100),
            "aiohttp limit 100": lambda: with_aiohttp(args.requests, args.concurrency),
            "aiohttp tuned": lambda: with_aiohttp_tuned(args.requests, args.concurrency),
            "gateway http11": lambda: with_gateway_client(args.requests, args.concurrency),
            "cart ServiceClient": lambda: with_cart_client(args.requests, args.concurrency),
        }
        for name, job in runs.items():
            if args.only and not name.startswith(tuple(args.only)):
                continue
            try:
                print(f"{name}: {uvloop.run(job())}", flush=True)
            except ImportError as error:
                print(f"{name}: skipped ({error})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
