"""CPU per subgraph /graphql request in-process: the kit's app (Strawberry's ASGI view as a plain
Starlette route behind the app's middleware) against the same view behind the same three
middlewares called directly, which is what the removed ``SubgraphApp`` fast path did.

    flock /work/bench.lock .venv/bin/python tests/bench/subgraph_route.py [--rounds 8]

Each round times 1000 requests of each in turn (process CPU time; 20 items of three fields).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import strawberry

from common.telemetry.server_span import ServerSpans
from subgraphs.kit.app import CorrelationMiddleware, GraphQLEndpoint, create_app
from subgraphs.kit.context import RequestContext
from subgraphs.kit.metrics import RequestMetrics
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.service_auth import ServiceAuthMiddleware, trusted_callers
from subgraphs.kit.settings import ServiceSettings


@strawberry.type
class Item:
    id: str
    name: str
    price: int


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(id=str(i), name=f"n{i}", price=i) for i in range(20)]


SETTINGS = ServiceSettings(service="bench", environment="test", service_auth_required=False,
                           jwt_secret="bench-secret-0123456789abcdef0123456789")
BODY = b'{"query":"{ items { id name price } }"}'
SCOPE = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
         "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
         "root_path": "", "headers": [(b"content-type", b"application/json"), (b"host", b"x")],
         "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}


def kit_app():
    return create_app(settings=SETTINGS, schema=federation_schema(query=Query), services={})


def direct_chain():
    app = kit_app()

    async def context() -> RequestContext:
        return RequestContext(app.state.verifier, {})

    view = GraphQLEndpoint(federation_schema(query=Query), context)
    chain = CorrelationMiddleware(RequestMetrics(
        ServiceAuthMiddleware(view, trusted_callers(SETTINGS)), SETTINGS.service))
    spans = ServerSpans()

    async def serve(scope, receive, send) -> None:
        scope["app"] = app
        await spans.serve(chain, scope, receive, send)

    return serve


async def request(app) -> None:
    messages = [{"type": "http.request", "body": BODY, "more_body": False}]

    async def receive():
        return messages.pop() if messages else {"type": "http.disconnect"}

    sent = []

    async def send(message) -> None:
        sent.append(message)

    await app({**SCOPE, "state": {}}, receive, send)
    assert sent[0]["status"] == 200, sent


async def main(rounds: int) -> None:
    apps = {"kit app (route)": kit_app(), "direct chain (old fast path)": direct_chain()}
    for app in apps.values():
        for _ in range(300):
            await request(app)
    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            start = time.process_time()
            for _ in range(1000):
                await request(app)
            times[name].append(time.process_time() - start)  # seconds per 1000 = ms per request
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} ms, min {min(values):.3f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    asyncio.run(main(parser.parse_args().rounds))
