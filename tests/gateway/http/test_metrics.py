"""GET /metrics on the gateway: operations, errors by code, subgraph fetches and the plan cache,
read back from the scrape text after requests (gateway/metrics.py)."""

from __future__ import annotations

import httpx

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.http.test_cli import _free_port
from tests.gateway.pipeline.shop import shop_supergraph
from tests.scrape import sample

NAMED = "query ProductName($id: ID!) { product(id: $id) { name } }"


async def _scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def test_each_operation_is_counted_and_timed_by_name_and_kind(client) -> None:
    before = await _scrape(client)
    for _ in range(2):
        await client.post("/graphql", json={"query": NAMED, "variables": {"id": "p1"}})
    await client.post("/graphql", json={"query": 'mutation Rename { rename(id: "p1", name: "x")'
                                                 " { name } }"})
    after = await _scrape(client)
    query = {"operation": "ProductName", "kind": "query"}
    mutation = {"operation": "Rename", "kind": "mutation"}
    for name, labels, added in (("gateway_requests_total", query, 2),
                                ("gateway_request_duration_seconds_count", query, 2),
                                ("gateway_requests_total", mutation, 1)):
        assert sample(after, name, **labels) - sample(before, name, **labels) == added, name
    assert sample(after, "gateway_request_errors_total", **query) == \
        sample(before, "gateway_request_errors_total", **query)


async def test_a_failed_operation_counts_as_an_error_and_by_its_code(client) -> None:
    before = await _scrape(client)
    response = await client.post("/graphql", json={"query": "{ product(id: 1) { nope } }"})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    after = await _scrape(client)
    code = {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert sample(after, "gateway_graphql_errors_total", **code) - \
        sample(before, "gateway_graphql_errors_total", **code) == 1
    assert sample(after, "gateway_request_errors_total", kind="unknown") - \
        sample(before, "gateway_request_errors_total", kind="unknown") == 1
    assert "nope" not in after  # no query text in any label


async def test_each_subgraph_fetch_is_timed_per_subgraph(client) -> None:
    before = await _scrape(client)
    query = '{ product(id: "p1") { name stock } }'  # name from products, stock from inventory
    assert "errors" not in (await client.post("/graphql", json={"query": query})).json()
    after = await _scrape(client)
    for subgraph in ("products", "inventory"):
        name = "gateway_subgraph_fetch_duration_seconds_count"
        assert sample(after, name, subgraph=subgraph) - \
            sample(before, name, subgraph=subgraph) == 1, subgraph


async def test_the_plan_cache_counts_a_miss_then_hits() -> None:
    app = create_app(shop_supergraph(), transport=None)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://gateway",
            headers={"apollo-require-preflight": "true"}) as client:
        before = await _scrape(client)
        for _ in range(3):
            await client.post("/graphql", json={"query": "query Plan { __typename }"})
        after = await _scrape(client)
    added = {result: sample(after, "gateway_plan_cache_total", result=result)
             - sample(before, "gateway_plan_cache_total", result=result)
             for result in ("hit", "miss")}
    assert added == {"miss": 1, "hit": 2}


async def test_an_unreachable_subgraph_counts_as_a_fetch_failure() -> None:
    dead = f"http://127.0.0.1:{_free_port()}/graphql"  # nothing listens there
    # every attempt that fails is counted; with no retry one request is one failed fetch
    config = GatewayConfig.model_validate({"traffic": {"all": {"retries": 0}}})
    app = create_app(shop_supergraph(), subgraph_urls={"products": dead, "inventory": dead},
                     config=config)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://gateway",
            headers={"apollo-require-preflight": "true"}) as client:
        before = await _scrape(client)
        body = (await client.post("/graphql", json={"query": NAMED,
                                                    "variables": {"id": "p1"}})).json()
        after = await _scrape(client)
    assert body["errors"][0]["extensions"]["code"] == "SUBGRAPH_FETCH_FAILED"
    labels = {"subgraph": "products", "code": "SUBGRAPH_FETCH_FAILED"}
    assert sample(after, "gateway_subgraph_fetch_failures_total", **labels) - \
        sample(before, "gateway_subgraph_fetch_failures_total", **labels) == 1
