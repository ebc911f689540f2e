"""The query plan comes back in extensions.queryPlan on request, only where enabled."""

from __future__ import annotations

import httpx

from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop

QUERY = {"query": '{ product(id: "p1") { name stock } }'}


async def post(config: GatewayConfig, headers: dict[str, str]) -> dict:
    transport = httpx.ASGITransport(app=Shop().app(config))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return (await client.post("/graphql", json=QUERY, headers=headers)).json()


async def test_dev_mode_returns_the_printed_plan_when_asked():
    body = await post(GatewayConfig(mode="dev"), {"x-debug-query-plan": "1"})
    plan = body["extensions"]["queryPlan"]
    assert plan.startswith("QueryPlan {")
    assert 'Fetch(service: "products")' in plan and 'Flatten(path: "product")' in plan
    assert body["data"] == {"product": {"name": "Chair", "stock": 5}}


async def test_no_plan_without_the_header():
    assert "extensions" not in await post(GatewayConfig(mode="dev"), {})


async def test_production_mode_never_returns_the_plan():
    body = await post(GatewayConfig(mode="production"), {"x-debug-query-plan": "1"})
    assert "extensions" not in body
