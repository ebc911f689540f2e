"""JWTs: only well-signed, unexpired HS256 tokens with our claims are accepted."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from subgraphs.kit import tokens
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


# --- cache of verified tokens ---


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    tokens._verified.clear()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = jwt.decode

    def spy(token: str, *args: object, **kwargs: object) -> object:
        calls.append(token)
        return real(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tokens.jwt, "decode", spy)
    return calls


def test_second_verification_is_served_without_decoding(decodes: list[str]) -> None:
    token, _ = issue_token(ALICE, SECRET)
    assert verify_token(token, SECRET) == ALICE
    assert verify_token(token, SECRET) == ALICE
    assert decodes == [token]


def test_cached_token_is_not_accepted_under_another_secret(decodes: list[str]) -> None:
    token, _ = issue_token(ALICE, SECRET)
    verify_token(token, SECRET)
    with pytest.raises(Unauthenticated):
        verify_token(token, "y" * 40)
    assert len(decodes) == 2


def test_failing_token_is_verified_every_time(decodes: list[str]) -> None:
    token, _ = issue_token(ALICE, "x" * 40)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            verify_token(token, SECRET)
    assert decodes == [token, token]
    assert not tokens._verified


def test_cached_entry_is_not_served_from_exp_on(
    decodes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token, expires = issue_token(ALICE, SECRET)
    exp = int(expires.timestamp())
    verify_token(token, SECRET)
    monkeypatch.setattr(tokens, "_clock", lambda: exp - 0.001)
    verify_token(token, SECRET)
    assert len(decodes) == 1
    monkeypatch.setattr(tokens, "_clock", lambda: float(exp))
    verify_token(token, SECRET)  # still valid for PyJWT's real clock, but re-verified
    assert len(decodes) == 2


def test_token_cached_while_valid_is_refused_once_expired(decodes: list[str]) -> None:
    now = datetime.now(UTC)
    # exp about one second from now: valid when cached, expired after the wait
    token, expires = issue_token(
        ALICE, SECRET, now=now - timedelta(hours=1), ttl=timedelta(hours=1, seconds=1)
    )
    assert verify_token(token, SECRET) == ALICE
    while time.time() < expires.timestamp():
        time.sleep(0.05)
    with pytest.raises(Unauthenticated, match="expired"):
        verify_token(token, SECRET)
    assert len(decodes) == 2
    assert (token, SECRET) not in tokens._verified


def test_cache_is_bounded_and_evicts_oldest(
    decodes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_CACHE_SIZE", 3)
    issued = [
        issue_token(Principal(f"u{i}", f"u{i}@example.com", "", ()), SECRET)[0] for i in range(4)
    ]
    for token in issued:
        verify_token(token, SECRET)
    assert len(tokens._verified) == 3
    assert (issued[0], SECRET) not in tokens._verified
    verify_token(issued[3], SECRET)
    assert len(decodes) == 4
    verify_token(issued[0], SECRET)  # evicted: verified again
    assert len(decodes) == 5
    assert len(tokens._verified) == 3
