"""What tracing costs the gateway per request: off, on at 10 % and at 100 % sampling.

In one process: the gateway app (real pipeline, real HTTP/1.1 subgraph client) over a canned
local subgraph server, called through ASGI directly, requests one after another. Reports CPU
microseconds per request (process time, gateway and canned subgraph together, so only the
differences between modes mean anything), best of ``--rounds``.

``python tests/bench/tracing_overhead.py --requests 3000 --rounds 3``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from gateway.app import create_app
from tests.gateway.pipeline.shop import shop_supergraph

BODY = b'{"query":"query Shelf { products { id name } }","operationName":"Shelf"}'
ANSWER = b'{"data":{"products":[{"id":"p1","name":"Chair"},{"id":"p2","name":"Lamp"}]}}'
RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
    len(ANSWER), ANSWER)


class _Dropped(SpanExporter):
    def export(self, spans: Any) -> SpanExportResult:
        return SpanExportResult.SUCCESS


async def _subgraph(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:  # keep-alive: one canned answer per request, until the client closes
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        writer.write(RESPONSE)


async def _call(app: Any) -> None:
    scope = {"type": "http", "method": "POST", "path": "/graphql", "query_string": b"",
             "headers": [(b"content-type", b"application/json"),
                         (b"content-length", str(len(BODY)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "scheme": "http"}
    sent = iter([{"type": "http.request", "body": BODY, "more_body": False}])

    async def receive() -> Any:
        return next(sent)

    async def send(message: Any) -> None:
        return None

    await app(scope, receive, send)


def _provider(ratio: float | None) -> TracerProvider | None:
    if ratio is None:
        return None
    provider = TracerProvider(sampler=ParentBased(TraceIdRatioBased(ratio)))
    provider.add_span_processor(BatchSpanProcessor(_Dropped()))
    return provider


async def _measure(url: str, ratio: float | None, requests: int) -> float:
    app = create_app(shop_supergraph(), subgraph_urls={"products": url},
                     tracer_provider=_provider(ratio))
    for _ in range(200):  # warm caches and connections
        await _call(app)
    start = time.process_time()
    for _ in range(requests):
        await _call(app)
    spent = time.process_time() - start
    await app.state.gateway.aclose()
    return spent / requests * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = await asyncio.start_server(_subgraph, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    for label, ratio in (("off", None), ("0%", 0.0), ("10%", 0.1), ("100%", 1.0)):
        best = min([await _measure(url, ratio, args.requests) for _ in range(args.rounds)])
        print(f"tracing {label:>4}: {best:7.1f} us CPU per request")
    server.close()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
