"""Preparation caches stay bounded by entries and by the size of what they hold."""

from __future__ import annotations

from gateway.config import GatewayConfig
from gateway.pipeline import GraphQLRequest
from gateway.pipeline.lru import LRU
from tests.gateway.pipeline.shop import Shop


def test_lru_evicts_the_least_recently_used_entry_beyond_its_size():
    cache: LRU[int] = LRU(2)
    for key in "abbac":
        cache.get_or_make(key, lambda: 1)
    assert (len(cache), cache.hits, cache.misses) == (2, 2, 3)
    assert cache.get_or_make("a", lambda: 2) == 1  # a was used last: kept
    assert cache.get_or_make("b", lambda: 2) == 2  # b was the least recently used: evicted


def test_lru_evicts_by_weight_so_huge_values_cannot_pin_memory():
    cache: LRU[str] = LRU(100, max_weight=1000)
    for i in range(10):
        cache.get_or_make(i, lambda: "x", weight=400)
    assert cache.weight <= 1000 and len(cache) == 2


async def test_many_distinct_big_documents_keep_the_parse_cache_within_its_budget():
    app = Shop().app(GatewayConfig(cache_max_bytes=50_000))
    pipeline = app.state.gateway.pipeline
    for i in range(40):
        padding = " " * 5_000
        await pipeline.run(GraphQLRequest(f"{{ a{i}: whoami }}{padding}"))
    assert pipeline._parser.cache.weight <= 50_000
    assert pipeline._prepared.weight <= 50_000
