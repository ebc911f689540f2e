"""The gateway's production profile: unset options are safe, unsafe ones stop the start."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.production_profile import PRODUCTION_MAX_COST
from streaming.broker import free_port
from tests.service_trust import generated_keys

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "schema" / "persisted-query-manifest.json"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(generated_keys(tmp_path_factory.mktemp("keys"), ["gateway"]) / "gateway.key")


def production(key_file: str, **options: Any) -> GatewayConfig:
    options.setdefault("service_auth", {"key_file": key_file})
    options.setdefault("trusted_documents", {"manifest": MANIFEST})
    return GatewayConfig(environment="production", **options)


def test_unset_options_take_their_safe_values(key_file: str) -> None:
    config = production(key_file)
    assert config.introspection is False and config.graphiql is False
    assert config.expose_query_plan is False
    assert config.trusted_documents.mode == "safelist"
    assert config.cost.max_cost == PRODUCTION_MAX_COST
    assert config.rate_limit.enabled is True


@pytest.mark.parametrize(
    ("unsafe", "named"),
    [
        ({"mode": "dev"}, "mode=dev"),
        ({"introspection": True}, "introspection=true"),
        ({"graphiql": True}, "graphiql=true"),
        ({"expose_query_plan": True}, "expose_query_plan=true"),
        ({"trusted_documents": {"mode": "audit", "manifest": MANIFEST}},
         "trusted_documents.mode=audit"),
        ({"trusted_documents": {"mode": "off"}}, "trusted_documents.mode=off"),
        ({"cost": {"max_cost": 0}}, "cost.max_cost=0"),
        ({"rate_limit": {"enabled": False}}, "rate_limit.enabled=false"),
        ({"service_auth": {"key_file": ""}}, "service_auth.key_file is empty"),
        ({"cors": {"allow_origins": ["https://shop.example", "*"]}}, "cors.allow_origins=*"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_each_unsafe_setting_is_refused_by_name(
    key_file: str, unsafe: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        production(key_file, **unsafe)
    assert named in str(refused.value)


def test_the_same_settings_are_allowed_outside_production(key_file: str) -> None:
    config = GatewayConfig(environment="test", mode="production", introspection=True,
                           cost={"max_cost": 0}, trusted_documents={"mode": "off"})
    assert config.introspection and config.cost.max_cost == 0


def test_ad_hoc_queries_for_tools_are_an_explicit_choice(key_file: str) -> None:
    trusted = {"mode": "audit", "manifest": MANIFEST, "allow_ad_hoc_queries": True}
    assert production(key_file, trusted_documents=trusted).trusted_documents.mode == "audit"


def test_environment_production_selects_the_production_profile(
    monkeypatch: pytest.MonkeyPatch, key_file: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=r"service_auth\.key_file"):
        GatewayConfig()
    config = GatewayConfig(service_auth={"key_file": key_file})
    assert (config.environment, config.mode, config.graphiql) == ("production", "production",
                                                                  False)


@contextlib.asynccontextmanager
async def serve(key_file: str, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    closed = f"http://127.0.0.1:{free_port()}/graphql"  # nothing listens: no subgraph is asked
    config = production(key_file, rate_limit={"requests_per_second": 1000, "burst": 1000},
                        supergraph_path=SUPERGRAPH, **options)
    app = create_app(SUPERGRAPH.read_text(), config=config,
                     subgraph_urls=dict.fromkeys(_subgraphs(), closed))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://gateway") as client:
        yield client
    await app.state.gateway.aclose()


@pytest.fixture
async def gateway(key_file: str) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(key_file) as client:
        yield client


def _subgraphs() -> list[str]:
    return ["users", "products", "cart", "orders", "payments", "notifications"]


async def codes(client: httpx.AsyncClient, body: dict[str, Any]) -> list[str]:
    response = await client.post("/graphql", json=body)
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]


async def test_every_trusted_document_is_within_the_production_cost_limit(gateway: Any) -> None:
    # given the production gateway; when each manifest operation is sent by id
    operations = json.loads(MANIFEST.read_text())["operations"]
    for operation in operations:
        found = await codes(gateway, {"documentId": f"sha256:{operation['id']}",
                                      "variables": {}})
        # then none is refused for its cost or as untrusted (the subgraphs are unreachable)
        refused = {"COST_ESTIMATED_TOO_EXPENSIVE", "PERSISTED_QUERY_NOT_IN_LIST"}
        assert not refused & set(found), (operation["name"], found)


async def test_an_ad_hoc_query_is_refused(gateway: Any) -> None:
    assert await codes(gateway, {"query": "{ __typename }"}) == ["PERSISTED_QUERY_NOT_IN_LIST"]


async def test_introspection_stays_off_on_a_gateway_for_tools(key_file: str) -> None:
    # given a production gateway that allows ad-hoc queries (for tools)
    trusted = {"mode": "audit", "manifest": MANIFEST, "allow_ad_hoc_queries": True}
    async with serve(key_file, trusted_documents=trusted) as client:
        # when a tool asks for the schema, then it is refused
        response = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert "data" not in response.json() or response.json()["data"] is None
        assert "introspection" in response.json()["errors"][0]["message"].lower()


async def test_the_storefronts_origin_may_send_what_the_app_sends(key_file: str) -> None:
    # given a production gateway allowing the storefront's origin (compose, Kubernetes)
    storefront = "https://shop.example"
    async with serve(key_file, cors={"allow_origins": [storefront]}) as client:
        # when the browser asks before a guest's request (token and cart id headers)
        asked = {"access-control-request-method": "POST",
                 "access-control-request-headers": "content-type,authorization,x-cart-id"}
        allowed = await client.options("/graphql", headers={"origin": storefront, **asked})
        other = await client.options("/graphql", headers={"origin": "https://evil.example",
                                                           **asked})
    # then the storefront may, with every header it sends; another origin may not
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == storefront
    sent = set(allowed.headers["access-control-allow-headers"].lower().replace(" ", "").split(","))
    assert {"content-type", "authorization", "x-cart-id"} <= sent
    assert "access-control-allow-origin" not in other.headers
