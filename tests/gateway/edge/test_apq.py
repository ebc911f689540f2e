"""Automatic persisted queries over real HTTP, with the in-process store and with Redis."""

from __future__ import annotations

import json

import pytest

from gateway.pipeline.apq import InProcessQueryStore, sha256_hex
from gateway.pipeline.apq_redis import RedisQueryStore
from tests.gateway.edge.conftest import REDIS_URL

QUERY = "{ products { id name } }"
DIGEST = sha256_hex(QUERY)
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}
DATA = {"products": [{"id": "p1", "name": "Product p1"}, {"id": "p2", "name": "Product p2"}]}
STORES = pytest.mark.parametrize("redis_url", ["", REDIS_URL], ids=["in-process", "redis"])


@pytest.fixture(autouse=True)
async def _clean_redis(redis_client):
    yield


@STORES
async def test_unknown_hash_is_not_found_with_200_so_the_client_retries(serve, http, redis_url):
    async with serve(redis_url=redis_url) as served:
        response = await http.post(f"{served.url}/graphql", json={"extensions": PERSISTED})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in response.json()


@STORES
async def test_registered_document_then_runs_by_hash_over_post_and_get(serve, http, redis_url):
    async with serve(redis_url=redis_url) as served:
        url = f"{served.url}/graphql"
        first = await http.post(url, json={"query": QUERY, "extensions": PERSISTED})
        by_post = await http.post(url, json={"extensions": PERSISTED})
        by_get = await http.get(url, params={"extensions": json.dumps(PERSISTED)})
    assert first.json() == by_post.json() == by_get.json() == {"data": DATA}


async def test_a_hash_registered_at_one_replica_serves_at_another(serve, http):
    async with serve(redis_url=REDIS_URL) as one, serve(redis_url=REDIS_URL) as two:
        await http.post(f"{one.url}/graphql", json={"query": QUERY, "extensions": PERSISTED})
        response = await http.get(f"{two.url}/graphql",
                                  params={"extensions": json.dumps(PERSISTED)})
    assert response.json() == {"data": DATA}


async def test_document_that_does_not_match_its_hash_is_refused(serve, http):
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex("{ other }")}}
    headers = {"accept": "application/graphql-response+json"}
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", headers=headers,
                                   json={"query": QUERY, "extensions": wrong})
        stored = await http.post(f"{served.url}/graphql", json={"extensions": wrong})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert stored.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_turned_off_answers_not_supported(serve, http):
    async with serve(persisted_queries={"enabled": False}) as served:
        response = await http.post(f"{served.url}/graphql", json={"extensions": PERSISTED})
    code = response.json()["errors"][0]["extensions"]["code"]
    assert code == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_wrong_protocol_version_is_refused(serve, http):
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": DIGEST}}
    async with serve() as served:
        response = await http.post(f"{served.url}/graphql", json={"extensions": extensions})
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


# Contract: both stores behave alike.
@pytest.fixture(params=["in-process", "redis"])
async def store(request, redis_client):
    if request.param == "redis":
        return RedisQueryStore(redis_client, ttl_seconds=60)
    return InProcessQueryStore(size=2)


async def test_store_returns_what_was_put_and_none_for_unknown(store):
    await store.put("a" * 64, "{ a }")
    assert await store.get("a" * 64) == "{ a }"
    assert await store.get("b" * 64) is None


async def test_store_put_again_replaces(store):
    await store.put("a" * 64, "{ a }")
    await store.put("a" * 64, "{ a b }")
    assert await store.get("a" * 64) == "{ a b }"


async def test_in_process_store_evicts_the_least_recently_used():
    store = InProcessQueryStore(size=2)
    for key in "abc":
        await store.put(key * 64, key)
    assert await store.get("a" * 64) is None
    assert await store.get("c" * 64) == "c"


async def test_redis_store_sets_the_ttl(redis_client):
    await RedisQueryStore(redis_client, ttl_seconds=60).put("a" * 64, "{ a }")
    assert 0 < await redis_client.ttl("gateway:apq:" + "a" * 64) <= 60
