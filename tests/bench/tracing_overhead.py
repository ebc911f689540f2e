"""What tracing costs the gateway per request: off, on at 0 %, 10 % and 100 % sampling.

In one process: the gateway app (real pipeline, real HTTP/1.1 subgraph client), called through
ASGI directly, requests one after another, with the BatchSpanProcessor exporting through the
real OTLP/HTTP exporter (protobuf) to a sink in another process. Two workloads:

- ``shop``: one fetch per request to a canned local subgraph (the cheapest request there is;
  the canned server runs in this process, so its CPU is counted too);
- ``federation``: the federation benchmark's TestQuery (several fetches, ``_entities`` batches)
  against its four Node subgraphs in another process, so only the gateway's CPU is counted.

Reports CPU microseconds per request (process time): blocks of ``--requests`` requests
alternate between the modes for ``--rounds`` rounds; the cost of a mode is the median of its
block minus the tracing-off block of the same round, so a noisy neighbour hurts both sides.

``python tests/bench/tracing_overhead.py --workload federation --requests 200 --rounds 15``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opentelemetry.sdk.trace import TracerProvider

from common.gc_tuning import tune_for_serving
from common.telemetry.settings import TelemetrySettings
from common.telemetry.tracing import provider_for, span_exporters
from gateway.app import create_app
from gateway.config import GatewayConfig

ROOT = Path(__file__).resolve().parents[2]
FEDERATION = ROOT / "tests" / "bench" / "federation"
SUBGRAPHS = ("accounts", "inventory", "products", "reviews")
SUBGRAPH_PORT = 4251  # apart from run.py's 4201-4204, so both may run at once
SINK_PORT = 4358
SHOP_BODY = b'{"query":"query Shelf { products { id name } }","operationName":"Shelf"}'
ANSWER = b'{"data":{"products":[{"id":"p1","name":"Chair"},{"id":"p2","name":"Lamp"}]}}'
RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
    len(ANSWER), ANSWER)
SINK = """
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *_): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
"""
MODES = (("off", None), ("0%", 0.0), ("10%", 0.1), ("100%", 1.0))


async def _canned(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:  # keep-alive: one canned answer per request, until the client closes
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        writer.write(RESPONSE)


async def _call(app: Any, body: bytes) -> None:
    scope = {"type": "http", "method": "POST", "path": "/graphql", "query_string": b"",
             "headers": [(b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "scheme": "http"}
    sent = iter([{"type": "http.request", "body": body, "more_body": False}])
    status: list[int] = []

    async def receive() -> Any:
        return next(sent)

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    assert status == [200], status


def _provider(ratio: float | None) -> TracerProvider | None:
    """The provider setup_tracing installs for ``parentbased_traceidratio`` at ``ratio``,
    exporting over OTLP/HTTP to the sink."""
    if ratio is None:
        return None
    settings = TelemetrySettings(sampler="parentbased_traceidratio", sampler_arg=ratio,
                                 otlp_endpoint=f"http://127.0.0.1:{SINK_PORT}")
    return provider_for("gateway", settings, span_exporters(settings))


async def _block(app: Any, provider: TracerProvider | None, body: bytes, requests: int
                 ) -> float:
    """CPU microseconds per request over ``requests`` requests, their export included."""
    start = time.process_time()
    for _ in range(requests):
        await _call(app, body)
    if provider is not None:
        provider.force_flush()  # what the requests queued for export is part of their cost
    return (time.process_time() - start) / requests * 1e6


@contextlib.contextmanager
def _spawned(argv: list[str], cwd: Path = ROOT) -> Iterator[None]:
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


async def _wait_port(port: int) -> None:
    for _ in range(300):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def _federation() -> tuple[str, dict[str, str], bytes]:
    shared = Path("/work/shared/bench")
    sdl = (shared / "federation-supergraph.graphql").read_text()
    query = (shared / "federation-query.graphql").read_text()
    urls = {name: f"http://127.0.0.1:{SUBGRAPH_PORT + i}/graphql"
            for i, name in enumerate(SUBGRAPHS)}
    return sdl, urls, json.dumps({"query": query, "operationName": "TestQuery"}).encode()


async def _rounds(sdl: str, urls: dict[str, str], body: bytes, args: argparse.Namespace) -> None:
    """Every mode's app side by side; blocks of requests alternate between them, and each
    mode's cost is the median over the rounds of its block minus the off block of that round
    (paired: a busy neighbour in one round shifts both)."""
    apps = []
    for _, ratio in MODES:
        provider = _provider(ratio)
        app = create_app(sdl, subgraph_urls=urls, tracer_provider=provider)
        for _ in range(100):  # warm caches and connections
            await _call(app, body)
        apps.append((app, provider))
    spent: list[list[float]] = [[] for _ in MODES]
    for _ in range(args.rounds):
        for index, (app, provider) in enumerate(apps):
            spent[index].append(await _block(app, provider, body, args.requests))
    for app, provider in apps:
        await app.state.gateway.aclose()
        if provider is not None:
            provider.shutdown()
    off = spent[0]
    for (label, _), blocks in zip(MODES, spent, strict=True):
        extra = statistics.median(b - o for b, o in zip(blocks, off, strict=True))
        print(f"tracing {label:>4}: {statistics.median(blocks):7.1f} us CPU per request "
              f"(paired median {extra:+6.1f} us, {extra / statistics.median(off):+6.1%})")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", choices=("shop", "federation"), default="shop")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}", flush=True)
    tune_for_serving(GatewayConfig().gc_young_threshold)  # as `python -m gateway serve` does
    with _spawned([sys.executable, "-c", SINK, str(SINK_PORT)]), tempfile.TemporaryDirectory():
        await _wait_port(SINK_PORT)
        if args.workload == "shop":
            from tests.gateway.pipeline.shop import shop_supergraph

            server = await asyncio.start_server(_canned, "127.0.0.1", 0)
            url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
            await _rounds(shop_supergraph(), {"products": url}, SHOP_BODY, args)
            server.close()
            return
        sdl, urls, body = _federation()
        with _spawned(["node", "subgraphs.mjs", str(SUBGRAPH_PORT)], cwd=FEDERATION):
            for port in range(SUBGRAPH_PORT, SUBGRAPH_PORT + len(SUBGRAPHS)):
                await _wait_port(port)
            await _rounds(sdl, urls, body, args)


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
