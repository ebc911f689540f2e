"""``me`` refuses every token that users' active key did not sign, still valid, for us."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from common.auth.keys import SigningKey, public_jwk
from subgraphs.kit.tokens import Principal, issue_token
from tests.subgraphs.users.harness import Harness

ME = "{ me { id email } }"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def signed(app: Harness, principal: Principal, **changes: object) -> str:
    return issue_token(principal, replace(app.services.keyring.issuer, **changes))[0]


def expired(app: Harness, principal: Principal) -> str:
    issued = datetime.now(UTC) - timedelta(minutes=16)
    return issue_token(principal, app.services.keyring.issuer, now=issued)[0]


def tampered(app: Harness, principal: Principal) -> str:
    header, _payload, signature = signed(app, principal).split(".")
    claims = jwt.decode(signed(app, principal), options={"verify_signature": False})
    return ".".join([header, _b64({**claims, "roles": ["admin"]}), signature])


def other_key(app: Harness, principal: Principal) -> str:
    # a well-formed token under the real kid, signed by a key that is not users'
    real = app.services.keyring.issuer.signer
    forger = SigningKey(real.kid, ed25519.Ed25519PrivateKey.generate(), "EdDSA")
    return signed(app, principal, signer=forger)


def wrong_audience(app: Harness, principal: Principal) -> str:
    return signed(app, principal, audience="another-platform")


def wrong_issuer(app: Harness, principal: Principal) -> str:
    return signed(app, principal, issuer="https://evil.example")


def hs256_with_public_key(app: Harness, principal: Principal) -> str:
    # algorithm confusion: HMAC keyed with the published public key (RFC 8725 §2.1)
    claims = jwt.decode(signed(app, principal), options={"verify_signature": False})
    public = public_jwk(app.services.keyring.keys[0])["x"].encode()
    return jwt.encode(claims, public, algorithm="HS256",
                      headers={"kid": app.services.keyring.keys[0].kid})


def alg_none(app: Harness, principal: Principal) -> str:
    claims = jwt.decode(signed(app, principal), options={"verify_signature": False})
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def garbage(app: Harness, principal: Principal) -> str:
    return "not.a.jwt"


FORGERIES = [expired, tampered, other_key, wrong_audience, wrong_issuer, hs256_with_public_key,
             alg_none, garbage]


@pytest.mark.parametrize("forge", FORGERIES)
async def test_me_with_a_bad_token_is_unauthenticated(app: Harness, forge) -> None:  # type: ignore[no-untyped-def]
    # given a real account and a token for it that is bad in one way
    user = (await app.registered())["user"]
    token = forge(app, Principal(user["id"], user["email"], "Ada", ("customer",)))
    # when it is presented to me
    result = await app.gql(ME, token=token)
    # then the answer is UNAUTHENTICATED, never the user and never silently anonymous
    assert result["data"] == {"me": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]


async def test_non_bearer_authorization_is_unauthenticated(app: Harness) -> None:
    response = await app.client.post("/graphql", json={"query": ME},
                                     headers={"authorization": "Basic YWRhOnB3"})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_valid_token_for_a_deleted_account_reads_as_null(app: Harness) -> None:
    # a signed token whose subject no longer exists: the account is gone, not the caller's auth
    token = issue_token(Principal("gone", "gone@example.com", "Gone", ("customer",)),
                        app.services.keyring.issuer)[0]
    assert await app.gql(ME, token=token) == {"data": {"me": None}}
