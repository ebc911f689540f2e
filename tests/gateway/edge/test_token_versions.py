"""The gateway's token-version check: a token whose user's minimum is in memory is answered on
the event loop, with no worker thread; a user whose minimum is not is read first (off the loop),
and a bump is refused once the minimum read before it is a TTL old."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from common.auth.issuer import AccessClaims, TokenIssuer
from common.auth.keys import SigningKey, jwks_document
from common.auth.refreshed_versions import RefreshedVersions
from gateway.http import auth
from gateway.http.errors import HttpError
from gateway.plugins.auth import JwtKeys, TokenVerifier

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
