"""Cost estimate, request size, introspection switch and per-client rate limits."""

from __future__ import annotations

import asyncio
from functools import cache

import pytest
from graphql import parse

from gateway.composition.compose import SubgraphSource, compose
from gateway.pipeline.cost import CostModel, estimate_cost
from gateway.pipeline.normalise import prepare_operation
from gateway.plugins.rate_limit import InProcessBuckets, RedisBuckets
from gateway.supergraph import load_supergraph
from tests.gateway.edge.conftest import REDIS_URL, token

PRICED = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
                    import: ["@key", "@cost", "@listSize"])
type Product @key(fields: "id") {
  id: ID!
  name: String @cost(weight: 5)
  reviews: [Review!]! @listSize(assumedSize: 7)
}
type Review { body: String }
type Query {
  products(first: Int): [Product!]! @listSize(slicingArguments: ["first"], assumedSize: 50)
  expensive: Int @cost(weight: 100)
  plain: [Product!]!
}
type Mutation { touch: Int }
"""


@cache
def priced_supergraph() -> str:
    result = compose([SubgraphSource("a", "http://a/graphql", PRICED)])
    assert result.supergraph is not None, result.errors
    return result.supergraph


def cost_of(query: str, **defaults) -> int:
    sdl = priced_supergraph()
    operation = prepare_operation(load_supergraph(sdl).api_schema, parse(query), None)
    return estimate_cost(operation, CostModel.from_sdl(sdl, **defaults))


@pytest.mark.parametrize(("query", "cost"), [
    ("{ expensive }", 100),
    ("{ products { id } }", 50 * 1),  # assumedSize 50, Product weighs 1, id 0
    ("{ products(first: 3) { name } }", 3 * (1 + 5)),  # slicing argument, @cost on name
    ("{ products(first: 2) { reviews { body } } }", 2 * (1 + 7 * 1)),
    ("{ plain { id } }", 10 * 1),  # no @listSize: the configured list_size
    ("{ products(first: 1) { ...F } } fragment F on Product { name }", 1 + 5),
    ("mutation { touch }", 10),
])
def test_cost_follows_cost_and_list_size_directives(query, cost):
    assert cost_of(query) == cost


def test_cost_defaults_are_configurable():
    assert cost_of("{ plain { id } }", list_size=3, object_weight=2, scalar_weight=1) == 3 * 3


async def test_operation_over_the_maximum_cost_is_refused(serve, http):
    async with serve(cost={"max_cost": 5}) as served:
        cheap = await http.post(f"{served.url}/graphql", json={"query": "{ product(id: 1) "
                                                                         "{ name } }"})
        dear = await http.post(f"{served.url}/graphql",
                               json={"query": "{ products { name } }"})
    assert cheap.json() == {"data": {"product": {"name": "Product 1"}}}
    assert dear.json()["errors"][0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"


async def test_request_body_over_the_limit_is_413(serve, http):
    async with serve(limits={"max_request_bytes": 100}) as served:
        response = await http.post(f"{served.url}/graphql",
                                   json={"query": "{ products { id } }", "x": "y" * 200})
    assert response.status_code == 413


async def test_introspection_can_be_turned_off(serve, http):
    async with serve(introspection=False) as served:
        response = await http.post(f"{served.url}/graphql",
                                   json={"query": "{ __schema { queryType { name } } }"})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("redis_url", ["", REDIS_URL], ids=["in-process", "redis"])
async def test_rate_limit_trips_at_the_rate_and_recovers(serve, http, redis_client, redis_url):
    limit = {"enabled": True, "requests_per_second": 5, "burst": 2}
    body = {"query": "{ products { id } }"}
    async with serve(rate_limit=limit, redis_url=redis_url) as served:
        url = f"{served.url}/graphql"
        statuses = [(await http.post(url, json=body)).status_code for _ in range(3)]
        refused = await http.post(url, json=body)
        await asyncio.sleep(0.45)  # two tokens back at 5/s
        recovered = await http.post(url, json=body)
    assert statuses[:2] == [200, 200] and 429 in (statuses[2], refused.status_code)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert recovered.status_code == 200


async def test_rate_limit_keys_by_user_so_one_user_does_not_starve_another(serve, http):
    limit = {"enabled": True, "requests_per_second": 0.1, "burst": 1}
    body = {"query": "{ products { id } }"}
    async with serve(rate_limit=limit) as served:
        url = f"{served.url}/graphql"
        alice = [await http.post(url, json=body, headers={
            "authorization": f"Bearer {token(sub='alice')}"}) for _ in range(2)]
        bob = await http.post(url, json=body,
                              headers={"authorization": f"Bearer {token(sub='bob')}"})
    assert [r.status_code for r in alice] == [200, 429]
    assert bob.status_code == 200


@pytest.fixture(params=["in-process", "redis"])
async def buckets(request, redis_client):
    if request.param == "redis":
        return RedisBuckets(redis_client, rate=10, burst=3)
    return InProcessBuckets(rate=10, burst=3)


async def test_bucket_allows_the_burst_then_says_how_long_to_wait(buckets):
    waits = [await buckets.take("k") for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0 < waits[3] <= 0.1


async def test_buckets_are_per_key(buckets):
    for _ in range(3):
        await buckets.take("a")
    assert await buckets.take("b") == 0.0
