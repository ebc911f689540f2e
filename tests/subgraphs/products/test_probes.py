"""Liveness and readiness: /ready checks the database and the cache."""

from __future__ import annotations

import httpx

from subgraphs.kit.settings import load_settings
from subgraphs.products.app import build_app, build_services
from subgraphs.products.config import ProductsSettings
from tests.subgraphs.products.harness import Harness


async def test_health_answers_ok(app: Harness) -> None:
    response = await app.client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_ready_checks_database_and_cache(cached_app: Harness) -> None:
    response = await cached_app.client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["checks"]) == ("ok", {"database": "ok", "cache": "ok"})


async def test_ready_reports_an_unreachable_database() -> None:
    # given the app wired to a PostgreSQL nobody listens on
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/products"
    settings = load_settings(ProductsSettings, "products", database_url=url)
    services = build_services(settings)
    transport = httpx.ASGITransport(app=build_app(settings, services))
    # when readiness is probed
    async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
        response = await client.get("/ready")
    await services.database.dispose()
    # then it is 503 and names the database, while liveness is unaffected
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unavailable")
    assert response.json()["checks"]["cache"] == "ok"


async def test_ready_does_not_depend_on_kafka_and_event_stats_are_reported(app: Harness) -> None:
    # given the app with no broker running anywhere it could reach
    # when readiness and the event counters are probed
    ready = await app.client.get("/ready")
    # then the service is ready (the outbox keeps events) and the counters are shown
    assert ready.status_code == 200
    body = ready.json()
    assert body["messaging"]["outbox"] == {"published": 0, "failures": 0}
    assert body["messaging"]["consumers"][0]["group"] == "products"
    assert body["reservations"] == {"expired": 0}
