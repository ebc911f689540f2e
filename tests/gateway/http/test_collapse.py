"""Request collapsing (collapse_requests, on by default) through the whole gateway.

The shop's subgraphs run on a real port (uvicorn in a thread) behind a gate that holds every
subgraph request until the test opens it, so the client requests of a test are surely in
flight together. Subgraph in-flight deduplication is off unless a test says otherwise, so the
requests the subgraphs receive count executions. A request is accounted for once it reached the
gate (it leads an execution) or waits for another's execution (``flights.waiting()``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.routing import Mount
from strawberry.asgi import GraphQL

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.plugins import GraphQLRequest, Plugin
from tests.gateway.pipeline.shop import SCHEMAS, shop_supergraph
from tests.scrape import sample

pytestmark = pytest.mark.timeout(60)

WHOAMI = {"query": "query WhoAmI { whoami }", "operationName": "WhoAmI"}
PRODUCTS = {"query": "{ products { id name } }"}
ALL_NAMES = {"data": {"products": [{"id": "p1", "name": "Chair"}, {"id": "p2", "name": "Lamp"},
                                   {"id": "p3", "name": "Rug"}]}}
RENAME = {"query": 'mutation { rename(id: "p1", name: "Seat") { name } }'}
NO_DEDUP = {"all": {"deduplicate_queries": False}}
HANG_GUARD = 20


class GatedSubgraphs:
    """The shop's subgraphs on a real port; each request is recorded, then waits for ``open``."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.opened = threading.Event()
        routes = [Mount(f"/{name}", app=GraphQL(schema)) for name, schema in SCHEMAS.items()]
        inner = Starlette(routes=routes)

        async def gated(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.received.append({k.decode(): v.decode() for k, v in scope["headers"]})
                while not self.opened.is_set():  # noqa: ASYNC110 (another thread opens it)
                    await asyncio.sleep(0.002)
            await inner(scope, receive, send)

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(gated, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self._sock])), daemon=True)

    @property
    def urls(self) -> dict[str, str]:
        port = self._sock.getsockname()[1]
        return {name: f"http://127.0.0.1:{port}/{name}/graphql" for name in SCHEMAS}

    @contextmanager
    def running(self) -> Iterator[GatedSubgraphs]:
        self._thread.start()
        deadline = time.monotonic() + HANG_GUARD
        while not self._server.started:
            assert time.monotonic() < deadline, "subgraphs did not start"
            time.sleep(0.01)
        try:
            yield self
        finally:
            self.opened.set()
            self._server.should_exit = True
            self._thread.join(HANG_GUARD)


class Hooks(Plugin):
    """Counts on_request/on_response calls; stamps each response with the request's own id."""

    def __init__(self) -> None:
        self.requests = self.responses = 0
        self.refuse_collapse = False
        self.seen: list[dict[str, Any]] = []  # every response object handed to on_response

    def on_request(self, request: GraphQLRequest) -> GraphQLRequest:
        self.requests += 1
        return request

    def on_response(self, request: GraphQLRequest, response: dict[str, Any]) -> dict[str, Any]:
        self.responses += 1
        self.seen.append(response)
        # mutates the object it was given: a shared response would leak ids across clients
        response.setdefault("extensions", {})["client"] = request.headers.get("x-request-id")
        return response

    def on_collapse(self, request: GraphQLRequest) -> bool | None:
        return False if self.refuse_collapse else None


class Gateway:
    def __init__(self, client: httpx.AsyncClient, subgraphs: GatedSubgraphs, app: Any,
                 hooks: Hooks) -> None:
        self.client, self.subgraphs, self.app, self.hooks = client, subgraphs, app, hooks

    def waiting(self) -> int:
        shared = self.app.state.gateway.pipeline.shared
        return 0 if shared is None else shared.flights.waiting()

    async def concurrently(self, calls: list[tuple[dict[str, Any], dict[str, str]]],
                           ) -> list[httpx.Response]:
        """Send every (body, headers) at once, each with its own x-request-id; open the gate
        once every request leads an execution or waits for one."""
        async def call(index: int, body: dict[str, Any], headers: dict[str, str]
                       ) -> httpx.Response:
            return await self.client.post("/graphql", json=body,
                                          headers={"x-request-id": f"client-{index}", **headers})

        tasks = [asyncio.create_task(call(i, body, headers))
                 for i, (body, headers) in enumerate(calls)]
        await until(lambda: len(self.subgraphs.received) + self.waiting() >= len(calls))
        self.subgraphs.opened.set()
        return list(await asyncio.gather(*tasks))


@asynccontextmanager
async def gateway(tracer_provider: TracerProvider | None = None, **options: Any
                  ) -> AsyncIterator[Gateway]:
    options.setdefault("traffic", NO_DEDUP)
    hooks = GatedSubgraphs(), Hooks()
    subgraphs, plugin = hooks
    with subgraphs.running():
        app = create_app(shop_supergraph(), subgraph_urls=subgraphs.urls,
                         config=GatewayConfig(**options), plugins=[plugin],
                         tracer_provider=tracer_provider)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://gateway") as client:
                yield Gateway(client, subgraphs, app, plugin)


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 (counts of another thread, polled: tests only)
            await asyncio.sleep(0.002)
    await asyncio.wait_for(poll(), HANG_GUARD)


def as_user(token: str | None) -> dict[str, str]:
    return {} if token is None else {"authorization": token}


async def test_collapsing_is_on_by_default():
    assert GatewayConfig().collapse_requests is True


@pytest.mark.parametrize("traffic", [NO_DEDUP, {}], ids=["no-dedup", "default-dedup"])
async def test_alice_bob_and_anonymous_each_get_their_own_answer(traffic):
    identities = ["Bearer alice", "Bearer bob", None]
    calls = [(WHOAMI, as_user(identities[i % 3])) for i in range(12)]
    async with gateway(traffic=traffic) as gw:
        answers = await gw.concurrently(calls)
    for index, ((_, headers), answer) in enumerate(zip(calls, answers, strict=True)):
        body = answer.json()
        assert body["data"] == {"whoami": f"{headers.get('authorization')}|None"}
        assert body["extensions"] == {"client": f"client-{index}"}
        assert answer.headers["x-request-id"] == f"client-{index}"
    # one execution (one subgraph request) per identity: never more sharing than that
    assert sorted(h.get("authorization", "") for h in gw.subgraphs.received) == \
        ["", "Bearer alice", "Bearer bob"]


async def test_a_forwarded_header_other_than_authorization_keeps_requests_apart():
    calls = [(WHOAMI, {"x-secret": secret}) for secret in ("one", "two", "one", "two")]
    async with gateway(propagate_headers=["authorization", "x-secret"]) as gw:
        answers = await gw.concurrently(calls)
    assert [a.json()["data"]["whoami"] for a in answers] == \
        ["None|one", "None|two", "None|one", "None|two"]
    assert len(gw.subgraphs.received) == 2


async def test_one_users_identical_concurrent_queries_make_one_execution():
    async with gateway() as gw:
        answers = await gw.concurrently([(PRODUCTS, as_user("Bearer alice"))] * 8)
    assert len(gw.subgraphs.received) == 1
    assert [a.json()["data"] for a in answers] == [ALL_NAMES["data"]] * 8
    # each client has a response object of its own: on_response's stamp is its own id
    assert [a.json()["extensions"]["client"] for a in answers] == \
        [f"client-{i}" for i in range(8)]
    assert len({id(response) for response in gw.hooks.seen}) == 8


async def test_different_variables_never_share_an_execution():
    query = "query ($id: ID!) { product(id: $id) { name } }"
    calls = [({"query": query, "variables": {"id": pid}}, {}) for pid in ("p1", "p3", "p1")]
    async with gateway() as gw:
        answers = await gw.concurrently(calls)
    assert [a.json()["data"]["product"]["name"] for a in answers] == ["Chair", "Rug", "Chair"]
    assert len(gw.subgraphs.received) == 2


async def test_identical_concurrent_mutations_each_execute():
    async with gateway() as gw:
        answers = await gw.concurrently([(RENAME, as_user("Bearer alice"))] * 4)
    assert len(gw.subgraphs.received) == 4
    assert all(a.json()["data"] == {"rename": {"name": "Seat"}} for a in answers)


async def test_plugin_hooks_and_request_metrics_count_every_client_request():
    async with gateway() as gw:
        before = (await gw.client.get("/metrics")).text
        answers = await gw.concurrently([(WHOAMI, as_user("Bearer alice"))] * 5)
        after = (await gw.client.get("/metrics")).text
    assert len(gw.subgraphs.received) == 1
    assert all(a.status_code == 200 for a in answers)
    assert (gw.hooks.requests, gw.hooks.responses) == (5, 5)
    labels = {"operation": "WhoAmI", "kind": "query"}
    for name in ("gateway_requests_total", "gateway_request_duration_seconds_count"):
        assert sample(after, name, **labels) - sample(before, name, **labels) == 5, name
    assert sample(after, "gateway_collapsed_requests_total") - \
        sample(before, "gateway_collapsed_requests_total") == 4


@pytest.mark.parametrize("opt_out", ["setting", "cache-control", "plugin"])
async def test_each_request_executes_when_collapsing_is_off_or_refused(opt_out):
    options = {"collapse_requests": False} if opt_out == "setting" else {}
    headers = {"cache-control": "no-cache"} if opt_out == "cache-control" else {}
    async with gateway(**options) as gw:
        gw.hooks.refuse_collapse = opt_out == "plugin"
        answers = await gw.concurrently([(PRODUCTS, headers)] * 3)
    assert len(gw.subgraphs.received) == 3
    assert all(a.json()["data"] == ALL_NAMES["data"] for a in answers)


async def test_an_error_result_reaches_every_follower_as_its_own_error():
    async with gateway(traffic={"all": {"deduplicate_queries": False, "retries": 0,
                                        "timeout_seconds": 0.5}}) as gw:
        # the gate stays shut: the one execution times out at its subgraph
        tasks = [asyncio.create_task(gw.client.post("/graphql", json=PRODUCTS))
                 for _ in range(3)]
        answers = await asyncio.gather(*tasks)
    assert len(gw.subgraphs.received) == 1
    bodies = [a.json() for a in answers]
    assert all(body["data"] is None and body["errors"] for body in bodies)


async def test_the_leaders_client_going_away_does_not_stop_its_followers():
    async with gateway() as gw:
        leader = asyncio.create_task(gw.client.post("/graphql", json=PRODUCTS))
        await until(lambda: len(gw.subgraphs.received) == 1)
        followers = [asyncio.create_task(gw.client.post("/graphql", json=PRODUCTS))
                     for _ in range(3)]
        await until(lambda: gw.waiting() == 3)
        leader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leader
        gw.subgraphs.opened.set()
        answers = await asyncio.gather(*followers)
    assert len(gw.subgraphs.received) == 1
    assert all(a.json()["data"] == ALL_NAMES["data"] for a in answers)


async def test_a_followers_trace_names_the_trace_holding_the_shared_fetches():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with gateway(tracer_provider=provider) as gw:
        answers = await gw.concurrently([(PRODUCTS, {})] * 3)
    assert all(a.status_code == 200 for a in answers)
    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.parent is None]
    assert len({s.context.trace_id for s in servers}) == 3  # a trace per client request
    leaders = [s for s in servers if "gateway.collapse.followers" in s.attributes]
    followers = [s for s in servers if "gateway.collapse.trace_id" in s.attributes]
    assert len(leaders) == 1 and len(followers) == 2
    assert leaders[0].attributes["gateway.collapse.followers"] == 2
    leader_trace = format(leaders[0].context.trace_id, "032x")
    assert {s.attributes["gateway.collapse.trace_id"] for s in followers} == {leader_trace}
    fetch_traces = {s.context.trace_id for s in spans if s.kind == SpanKind.CLIENT}
    assert fetch_traces == {leaders[0].context.trace_id}
