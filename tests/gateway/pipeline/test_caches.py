"""Preparation caches stay bounded by entries and by the size of what they hold."""

from __future__ import annotations

from gateway.config import GatewayConfig
from gateway.pipeline import GraphQLRequest
from tests.gateway.pipeline.shop import Shop


async def test_many_distinct_big_documents_keep_the_parse_cache_within_its_budget():
    app = Shop().app(GatewayConfig(cache_max_bytes=50_000))
    pipeline = app.state.gateway.pipeline
    for i in range(40):
        padding = " " * 5_000
        await pipeline.run(GraphQLRequest(f"{{ a{i}: whoami }}{padding}"))
    assert pipeline._parser.cache.weight <= 50_000
    assert pipeline._prepared.weight <= 50_000
