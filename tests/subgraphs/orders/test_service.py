"""Orders runs like every subgraph: probes, the shared CLI, settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from subgraphs.kit.cli import main
from subgraphs.kit.settings import load_settings
from subgraphs.orders.__main__ import SPEC
from subgraphs.orders.config import OrdersSettings
from tests.subgraphs.orders.harness import Harness


async def test_health_and_ready_answer_ok(app: Harness) -> None:
    assert (await app.client.get("/health")).json() == {"status": "ok"}
    ready = (await app.client.get("/ready")).json()
    assert (ready["status"], ready["checks"], ready["expired"]) == ("ok", {"database": "ok"}, 0)


def test_migrate_then_sdl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERS_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'o.db'}")
    main(SPEC, ["migrate"])
    assert (tmp_path / "o.db").exists()
    main(SPEC, ["sdl"])
    assert "shipOrder(id: ID!, trackingNumber: String!): Order!" in capsys.readouterr().out


def test_options_come_from_orders_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_CART_URL", "http://cart:5003/graphql")
    monkeypatch.setenv("ORDERS_PAYMENT_TIMEOUT_SECONDS", "60")
    monkeypatch.setenv("EXPIRY_INTERVAL_SECONDS", "5")
    settings = load_settings(OrdersSettings, "orders")
    assert (settings.cart_url, settings.payment_timeout_seconds,
            settings.expiry_interval_seconds) == ("http://cart:5003/graphql", 60, 5.0)


def test_defaults_match_the_ports_of_design() -> None:
    settings = load_settings(OrdersSettings, "orders", database_url="sqlite+aiosqlite://")
    assert settings.cart_url == "http://127.0.0.1:5003/graphql"
    assert settings.products_url == "http://127.0.0.1:5002/graphql"
    assert settings.payment_timeout_seconds == 900
    assert SPEC.port == 5004
