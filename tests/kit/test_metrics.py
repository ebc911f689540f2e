"""GET /metrics on a subgraph: GraphQL request time, 5xx answers, error codes, the database
pool and cache look-ups, read back from the scrape text (subgraphs/kit/metrics.py, cache.py)."""

from __future__ import annotations

import strawberry
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from common.telemetry.metrics import render
from subgraphs.kit.app import create_app
from subgraphs.kit.cache import MemoryCache
from subgraphs.kit.database import Database
from subgraphs.kit.errors import NotFound
from subgraphs.kit.metrics import RequestMetrics
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings
from tests.scrape import sample


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("no such thing")

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("a bug")


def _app(service: str, services: dict[str, object] | None = None) -> FastAPI:
    settings = ServiceSettings(service=service, environment="test", service_auth_required=False,
                               jwt_secret="metrics-secret-0123456789abcdef0123")
    return create_app(settings=settings, schema=federation_schema(query=Query),
                      services=services or {})


def test_graphql_requests_are_timed_and_their_errors_counted_by_code() -> None:
    with TestClient(_app("metrics-a")) as client:
        before = client.get("/metrics").text
        for query in ("{ hello }", "{ hello }", "{ missing }", "{ broken }"):
            client.post("/graphql", json={"query": query})
        after = client.get("/metrics").text
    count = "subgraph_request_duration_seconds_count"
    assert sample(after, count, service="metrics-a") - sample(before, count,
                                                              service="metrics-a") == 4
    for code in ("NOT_FOUND", "INTERNAL_SERVER_ERROR"):
        assert sample(after, "subgraph_graphql_errors_total", code=code) - \
            sample(before, "subgraph_graphql_errors_total", code=code) == 1, code


async def test_an_answer_with_a_5xx_status_counts_as_a_server_error() -> None:
    async def failing(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def ignore(message) -> None:  # type: ignore[no-untyped-def]
        return None

    metrics = RequestMetrics(failing, "metrics-b")
    before = render().decode()
    await metrics({"type": "http", "path": "/graphql"}, ignore, ignore)
    await metrics({"type": "http", "path": "/health"}, ignore, ignore)  # not a GraphQL request
    after = render().decode()
    for name, added in (("subgraph_request_errors_total", 1),
                        ("subgraph_request_duration_seconds_count", 1)):
        assert sample(after, name, service="metrics-b") - \
            sample(before, name, service="metrics-b") == added, name


def test_the_database_pool_is_reported_at_each_scrape(postgres_url: str) -> None:
    database = Database(postgres_url, pool_size=4)

    async def use() -> None:
        async with database.reads() as session:
            await session.scalar(select(1))

    with TestClient(_app("metrics-c", {"database": database})) as client:
        client.portal.call(use)  # on the app's loop: opens the pool's first connection
        text = client.get("/metrics").text
        again = client.get("/metrics").text  # a counter: reported, not added, at each scrape
    assert sample(text, "subgraph_db_pool_size", service="metrics-c") == 4
    assert 'subgraph_db_pool_in_use{service="metrics-c"} 0.0' in text
    assert sample(text, "subgraph_db_connections_opened_total", service="metrics-c") == 1
    assert sample(again, "subgraph_db_connections_opened_total", service="metrics-c") == 1


async def test_cache_hits_and_misses_are_counted_per_cache(unique_namespace: str) -> None:
    cache = MemoryCache(unique_namespace)
    await cache.set("a", b"1", 60)
    await cache.get("a")
    await cache.get("b")
    await cache.get_many(["a", "a", "c"])
    with TestClient(_app("metrics-d")) as client:
        text = client.get("/metrics").text
    assert sample(text, "cache_lookups_total", cache=unique_namespace, result="hit") == 3
    assert sample(text, "cache_lookups_total", cache=unique_namespace, result="miss") == 2
