"""JWTs: only well-signed, unexpired HS256 tokens with our claims are accepted."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.tokens import Principal, issue_token, principal_from_header, verify_token

SECRET = "s" * 40
ALICE = Principal(id="u1", email="alice@example.com", name="Alice", roles=("customer",))


def test_issued_token_round_trips_with_24h_expiry() -> None:
    now = datetime.now(UTC)
    token, expires = issue_token(ALICE, SECRET, now=now)
    assert verify_token(token, SECRET) == ALICE
    assert expires - now == timedelta(hours=24)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert {"sub", "email", "name", "roles", "exp", "iat"} <= claims.keys()


def test_expired_token_is_rejected() -> None:
    token, _ = issue_token(ALICE, SECRET, now=datetime.now(UTC) - timedelta(hours=25))
    with pytest.raises(Unauthenticated, match="expired"):
        verify_token(token, SECRET)


def test_token_signed_with_another_key_is_rejected() -> None:
    token, _ = issue_token(ALICE, "x" * 40)
    with pytest.raises(Unauthenticated):
        verify_token(token, SECRET)


def test_tampered_payload_is_rejected() -> None:
    token, _ = issue_token(ALICE, SECRET)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        verify_token(f"{header}.{forged}.{signature}", SECRET)


def test_alg_none_token_is_rejected() -> None:
    claims = {"sub": "u1", "email": "a@b.c", "roles": ["admin"], "iat": 1, "exp": 2**33}
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(Unauthenticated):
        verify_token(unsigned, SECRET)


def test_token_without_required_claims_is_rejected() -> None:
    token = jwt.encode({"sub": "u1", "exp": 2**33}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated):
        verify_token(token, SECRET)


def test_header_must_use_bearer_scheme() -> None:
    token, _ = issue_token(ALICE, SECRET)
    assert principal_from_header(None, SECRET) is None
    assert principal_from_header(f"Bearer {token}", SECRET) == ALICE
    with pytest.raises(Unauthenticated):
        principal_from_header(f"Basic {token}", SECRET)
