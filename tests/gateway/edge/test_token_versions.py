"""The gateway's token-version check: a token whose user's minimum is in memory is answered on
the event loop, with no worker thread; a user whose minimum is not is read first (off the loop),
a bump is refused once the minimum read before it is a TTL old, and the refresher's thread ends
when the gateway shuts down."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from starlette.testclient import TestClient

from common.auth.issuer import AccessClaims, TokenIssuer
from common.auth.keys import SigningKey, jwks_document
from common.auth.refreshed_versions import RefreshedVersions
from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.http import auth
from gateway.http.errors import HttpError
from gateway.plugins.auth import JwtKeys, TokenVerifier

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
ISS, AUD = "federated-shop/users", "federated-shop"
ADA = AccessClaims("u-1", "ada@example.com", "Ada", ("customer",))


class Store:
    def __init__(self) -> None:
        self.minimums_by_user: dict[str, int] = {}
        self.reads: list[str] = []

    def minimum(self, subject: str) -> int:
        self.reads.append(subject)
        return self.minimums_by_user.get(subject, 0)

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        return {s: self.minimum(s) for s in subjects}


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The calls the gateway's authentication hands to a worker thread."""
    calls: list[Any] = []
    real = asyncio.to_thread

    async def counted(function: Any, *args: Any) -> Any:
        calls.append(function)
        return await real(function, *args)

    monkeypatch.setattr(auth.asyncio, "to_thread", counted)
    return calls


@pytest.mark.timeout(30)
async def test_a_known_users_token_is_answered_on_the_loop_until_a_bump_is_read(
        tmp_path: Path, threads: list[Any]) -> None:
    # given the gateway verifying ada's token with her minimum cached for 5 s (fake clock)
    key = SigningKey.of(ed25519.Ed25519PrivateKey.generate())
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(jwks_document([key])))
    now, store = [0.0], Store()
    versions = RefreshedVersions(store, 5.0, clock=lambda: now[0], background=False)
    verifier = TokenVerifier(JwtKeys(jwks_file=jwks, issuer=ISS, audience=AUD), versions)
    headers = {"authorization": f"Bearer {TokenIssuer(key, ISS, AUD).issue(ADA)[0]}"}
    # when her first request is authenticated: her minimum is read, off the loop
    assert (await auth.claims_of(verifier, headers))["sub"] == "u-1"
    assert (store.reads, len(threads)) == (["u-1"], 1)
    # then her next ones need neither a read nor a thread
    for _ in range(3):
        assert (await auth.claims_of(verifier, headers))["sub"] == "u-1"
    assert (store.reads, len(threads)) == (["u-1"], 1)
    # and once her minimum is bumped, the token is refused when the cached value is a TTL old
    store.minimums_by_user["u-1"] = 1
    now[0] = 5.0
    with pytest.raises(HttpError) as refused:
        await auth.claims_of(verifier, headers)
    assert refused.value.status == 401


def refresher_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "token-versions"}


@pytest.mark.timeout(30)
def test_the_gateways_shutdown_ends_its_token_version_refresher_thread(
        tmp_path: Path, redis_url: str) -> None:
    # given a gateway reading token versions from Redis, as its config wires it
    key = SigningKey.of(ed25519.Ed25519PrivateKey.generate())
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(jwks_document([key])))
    config = GatewayConfig(redis_url=redis_url, auth={
        "jwks_file": str(jwks), "issuer": ISS, "audience": AUD,
        "token_version_cache_seconds": 0.5})
    app = create_app(SUPERGRAPH.read_text(), config=config)
    token = TokenIssuer(key, ISS, AUD).issue(ADA)[0]
    before = refresher_threads()
    with TestClient(app) as client:
        # when ada's request starts the refresher, and the gateway then shuts down
        answer = client.post("/graphql", json={"query": "{ __typename }"},
                             headers={"authorization": f"Bearer {token}"})
        assert answer.json() == {"data": {"__typename": "Query"}}
        [thread] = refresher_threads() - before
    # then the refresher's thread has ended with it
    assert not thread.is_alive()
