"""The cart runs like every subgraph: probes, the shared CLI, settings from the environment."""

from __future__ import annotations

import httpx
import pytest

from subgraphs.cart.__main__ import SPEC
from subgraphs.cart.app import build_app, make_store
from subgraphs.cart.config import CartSettings
from subgraphs.cart.domain.memory_store import MemoryCartStore
from subgraphs.cart.domain.redis_store import RedisCartStore
from subgraphs.kit.cli import main
from subgraphs.kit.settings import load_settings
from tests.subgraphs.cart.harness import Harness, cart_settings


async def test_health_and_ready_answer_ok(app: Harness) -> None:
    assert (await app.client.get("/health")).json() == {"status": "ok"}
    response = await app.client.get("/ready")
    assert response.json() == {"status": "ok", "checks": {"store": "ok"}}


async def test_ready_reports_an_unreachable_redis() -> None:
    settings = cart_settings("redis://127.0.0.1:1/0")
    transport = httpx.ASGITransport(app=build_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://cart") as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["store"].startswith("unavailable")


def test_migrate_is_a_clean_no_op(capsys: pytest.CaptureFixture[str]) -> None:
    main(SPEC, ["migrate"])
    assert "nothing to migrate" in capsys.readouterr().out


def test_sdl_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    main(SPEC, ["sdl"])
    assert "mergeGuestCart(cartId: ID!): Cart!" in capsys.readouterr().out


def test_options_come_from_cart_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CART_PRODUCTS_URL", "http://products:5002/graphql")
    monkeypatch.setenv("CART_CART_TTL_SECONDS", "60")
    settings = load_settings(CartSettings, "cart")
    assert (settings.products_url, settings.cart_ttl_seconds) == (
        "http://products:5002/graphql", 60
    )


def test_the_store_is_redis_when_configured_else_in_process() -> None:
    assert isinstance(make_store(cart_settings()), MemoryCartStore)
    assert isinstance(make_store(cart_settings("redis://127.0.0.1:6379/0")), RedisCartStore)


def test_carts_expire_after_a_week_by_default() -> None:
    assert load_settings(CartSettings, "cart").cart_ttl_seconds == 7 * 24 * 3600
