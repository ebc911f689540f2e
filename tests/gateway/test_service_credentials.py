"""The gateway proves itself to the subgraphs: its service token rides on every subgraph request,
so the gateway path keeps working when subgraphs refuse unauthenticated callers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.edge_wiring import _versions
from tests.service_trust import generated_keys
from tests.subgraphs.users.harness import REGISTER, Harness, open_harness

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"
ADA = {"email": "ada@example.com", "password": "correct-horse-42", "fullName": "Ada Lovelace"}


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return generated_keys(tmp_path / "keys", ["gateway", "notifications"])


@pytest.fixture
async def users(sqlite_url: str, keys: Path) -> AsyncIterator[Harness]:
    async with open_harness(sqlite_url, service_auth_required=True,
                            service_keys_dir=keys) as harness:
        yield harness


async def through_gateway(users: Harness, config: GatewayConfig, body: dict[str, Any],
                          headers: dict[str, str] | None = None) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=users.client._transport.app)  # type: ignore[attr-defined]
    app = create_app(SUPERGRAPH.read_text(), config=config, transport=transport,
                     subgraph_urls={"users": "http://users/graphql"})
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://gateway") as client:
            return (await client.post("/graphql", json=body, headers=headers or {})).json()
    finally:
        await app.state.gateway.aclose()


async def test_the_gateway_path_works_with_service_auth_on(users: Harness, keys: Path) -> None:
    # given a gateway holding its key, in front of users that require a service credential
    config = GatewayConfig(service_auth={"key_file": str(keys / "gateway.key")})
    # when a client registers, then reads its own email with its token, through the gateway
    registered = await through_gateway(
        users, config, {"query": REGISTER, "variables": {"i": ADA}})
    token = registered["data"]["register"]["token"]
    me = await through_gateway(users, config, {"query": "{ me { email } }"},
                               {"authorization": f"Bearer {token}"})
    # then both succeed: the gateway's token is accepted, the end user is still the caller
    assert me == {"data": {"me": {"email": ADA["email"]}}}


async def test_a_gateway_without_its_key_is_refused_by_the_subgraph(users: Harness) -> None:
    # given a gateway that sends no service credential
    config = GatewayConfig()
    # when a client asks anything of users through it
    answer = await through_gateway(users, config, {"query": "{ me { email } }"})
    # then users refuses the gateway, and the client sees it as an error without data
    assert answer.get("data") in (None, {"me": None})
    assert "authenticated services" in str(answer["errors"])


async def test_users_accepts_the_gateways_token_version_lookups(
        users: Harness, keys: Path) -> None:
    # given the gateway asking users for token versions over HTTP (no Redis), with its key
    config = GatewayConfig(service_auth={"key_file": str(keys / "gateway.key")},
                           auth={"jwks_file": None, "jwt_secret": "s" * 32,
                                 "token_versions_url": "http://users/auth/token-versions"})
    versions = _versions(config)
    assert versions is not None
    # when its one-user and batch requests reach users with the credential it sends
    headers = versions.store.credential()  # type: ignore[attr-defined]
    one = await users.client.get("/auth/token-versions/u-1", headers=headers)
    answer = await users.client.post("/auth/token-versions", json={"subjects": ["u-1"]},
                                     headers=headers)
    versions.close()
    # then users answers both
    assert (one.status_code, one.json()) == (200, {"minimum": 0})
    assert (answer.status_code, answer.json()) == (200, {"minimums": {"u-1": 0}})
