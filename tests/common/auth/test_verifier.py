"""The one verifier refuses every forged, stale or misdirected token, over a real JWKS URL."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from common.auth.issuer import AccessClaims, TokenIssuer
from common.auth.jwks import RemoteJwks
from common.auth.keys import SigningKey, public_jwk
from common.auth.policy import InvalidToken, TokenPolicy
from common.auth.refreshed_versions import RefreshedVersions
from common.auth.verifier import AccessTokenVerifier
from common.auth.versions import LocalVersions
from tests.common.auth.jwks_server import JwksServer

ISS, AUD = "federated-shop/users", "federated-shop"
ADA = AccessClaims("u-1", "ada@example.com", "Ada", ("customer",))


def new_key() -> SigningKey:
    return SigningKey.of(ed25519.Ed25519PrivateKey.generate())


@pytest.fixture
def key() -> SigningKey:
    return new_key()


@pytest.fixture
def server(key: SigningKey) -> Iterator[JwksServer]:
    with JwksServer([key]) as running:
        yield running


def verifier(server: JwksServer, **policy: object) -> AccessTokenVerifier:
    return AccessTokenVerifier(TokenPolicy(ISS, AUD, **policy),  # type: ignore[arg-type]
                               RemoteJwks(server.url, min_refresh_seconds=60))


def issue(key: SigningKey, **changes: object) -> str:
    return replace(TokenIssuer(key, ISS, AUD), **changes).issue(ADA)[0]


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_a_token_signed_by_the_published_key_is_accepted(key, server) -> None:
    claims = verifier(server).verify(issue(key))
    assert (claims["sub"], claims["iss"], claims["aud"], claims["roles"]) == (
        "u-1", ISS, AUD, ["customer"])


def forged_signature(key: SigningKey) -> str:
    header, payload, signature = issue(key).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return ".".join([header, _b64({**claims, "roles": ["admin"]}), signature])


def another_private_key_same_kid(key: SigningKey) -> str:
    return issue(key, signer=SigningKey(key.kid, ed25519.Ed25519PrivateKey.generate(), "EdDSA"))


def expired(key: SigningKey) -> str:
    old = datetime.now(UTC) - timedelta(minutes=16)
    return TokenIssuer(key, ISS, AUD).issue(ADA, now=old)[0]


def not_yet_valid(key: SigningKey) -> str:
    return TokenIssuer(key, ISS, AUD).issue(ADA, now=datetime.now(UTC) + timedelta(minutes=5))[0]


def wrong_audience(key: SigningKey) -> str:
    return issue(key, audience="someone-else")


def wrong_issuer(key: SigningKey) -> str:
    return issue(key, issuer="https://attacker.example")


def alg_none(key: SigningKey) -> str:
    claims = jwt.decode(issue(key), options={"verify_signature": False})
    return f"{_b64({'alg': 'none', 'kid': key.kid})}.{_b64(claims)}."


def hs256_with_the_public_key(key: SigningKey) -> str:
    # RFC 8725 §2.1: an HMAC keyed with the public key everyone can fetch
    claims = jwt.decode(issue(key), options={"verify_signature": False})
    return jwt.encode(claims, public_jwk(key)["x"], algorithm="HS256", headers={"kid": key.kid})


def no_kid(key: SigningKey) -> str:
    claims = jwt.decode(issue(key), options={"verify_signature": False})
    return jwt.encode(claims, key.private_key, algorithm="EdDSA")


ATTACKS = [forged_signature, another_private_key_same_kid, expired, not_yet_valid,
           wrong_audience, wrong_issuer, alg_none, hs256_with_the_public_key, no_kid]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
def test_an_attack_token_is_refused(key, server, attack) -> None:
    # given a verifier reading the real JWKS, when a bad token arrives, then it is refused
    with pytest.raises(InvalidToken):
        verifier(server).verify(attack(key))


def test_an_rs256_key_cannot_verify_an_eddsa_header(server) -> None:
    # given a published RSA key and a token whose header claims EdDSA under that kid
    rsa_key = SigningKey.of(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server.publish([rsa_key])
    token = jwt.encode({"sub": "u", "iss": ISS, "aud": AUD, "exp": 9_999_999_999},
                       ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA",
                       headers={"kid": rsa_key.kid})
    # then the key's own algorithm wins and the token is refused
    with pytest.raises(InvalidToken, match="does not match"):
        verifier(server).verify(token)


def test_an_unknown_kid_refetches_once_then_is_refused_without_hammering(key, server) -> None:
    # given a verifier that fetched the JWKS for a good token
    check = verifier(server)
    check.verify(issue(key))
    assert server.fetches == 1
    # when tokens arrive under kids nobody published
    for _ in range(5):
        with pytest.raises(InvalidToken, match="unknown kid"):
            check.verify(issue(new_key()))
    # then the first unknown kid refetched once, the rest waited for the refresh interval
    assert server.fetches == 2


def test_key_rotation_with_two_published_keys_fails_no_request(key, server) -> None:
    # given a verifier that knows the old key and users publishing old + new
    check = verifier(server)
    old_token = issue(key)
    check.verify(old_token)
    new = new_key()
    server.publish([key, new])
    # when users switches its signer to the new key (the old one still published)
    new_token = issue(new)
    # then tokens of both keys verify: the unknown kid refetched the set
    assert check.verify(new_token)["sub"] == "u-1"
    assert check.verify(old_token)["sub"] == "u-1"
    # and once the old key is retired (and its tokens expired), only the new one is accepted
    server.publish([new])
    fresh = AccessTokenVerifier(TokenPolicy(ISS, AUD), RemoteJwks(server.url))
    assert fresh.verify(new_token)["sub"] == "u-1"
    with pytest.raises(InvalidToken):
        fresh.verify(issue(key))


def test_an_hmac_algorithm_in_the_allow_list_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="public-key"):
        TokenPolicy(ISS, AUD, algorithms=("EdDSA", "HS256"))


def test_seed_hs256_tokens_pass_only_with_the_explicit_compatibility_setting(key, server) -> None:
    # given a token in the seed's contract (HS256, userId/email/fullName)
    secret = "compat-secret-" + "x" * 30
    seed = jwt.encode({"userId": "u-9", "email": "b@example.com", "fullName": "Bo",
                       "exp": 9_999_999_999}, secret, algorithm="HS256")
    # then the default verifier refuses it, and the compatibility one maps its claims
    with pytest.raises(InvalidToken):
        verifier(server).verify(seed)
    claims = verifier(server, compat_secret=secret).verify(seed)
    assert (claims["sub"], claims["name"]) == ("u-9", "Bo")


class CountingKeys:
    def __init__(self, key: SigningKey) -> None:
        self.jwk = jwt.PyJWK.from_dict(public_jwk(key))
        self.lookups = 0

    def key(self, kid: str) -> jwt.PyJWK | None:
        self.lookups += 1
        return self.jwk if kid == self.jwk.key_id else None


def test_a_cached_token_is_never_served_past_its_expiry(key) -> None:
    # given a token verified once and served from the cache while the clock is before exp
    now = [datetime.now(UTC).timestamp()]
    keys = CountingKeys(key)
    check = AccessTokenVerifier(TokenPolicy(ISS, AUD), keys, clock=lambda: now[0])
    token = issue(key)
    exp = check.verify(token)["exp"]
    check.verify(token)
    assert keys.lookups == 1
    # when the verifier's clock passes exp
    now[0] = exp + 1
    check.verify(token)  # PyJWT's real clock is still before exp: accepted, but re-verified
    # then the cache was bypassed and the signature checked again
    assert keys.lookups == 2


def test_the_verified_cache_is_bounded(key, server) -> None:
    check = AccessTokenVerifier(TokenPolicy(ISS, AUD), RemoteJwks(server.url), cache_size=3)
    for _ in range(10):
        check.verify(issue(key, ttl=timedelta(minutes=1 + _)))
    assert len(check._verified) == 3


def test_a_token_verified_before_is_answered_without_work_only_when_no_lookup_is_needed(
        key) -> None:
    # given a token this verifier never saw, and one it verified
    check = AccessTokenVerifier(TokenPolicy(ISS, AUD), CountingKeys(key))
    token = issue(key)
    assert check.verified_before(token) is None
    claims = check.verify(token)
    # then the verified one is answered from memory
    assert check.verified_before(token) == claims



def test_a_versioned_token_is_answered_without_work_only_while_its_minimum_is_in_memory(
        key) -> None:
    # given a verifier whose minimums come from a store, cached for 5 s on a fake clock
    now = [0.0]
    store = LocalVersions()
    versions = RefreshedVersions(store, 5.0, clock=lambda: now[0], background=False)  # type: ignore[arg-type]
    check = AccessTokenVerifier(TokenPolicy(ISS, AUD), CountingKeys(key), versions=versions)
    token = issue(key)  # ver 0
    claims = check.verify(token)
    # then while ada's minimum is fresh, the token is answered from memory
    assert check.verified_before(token) == claims
    # but once it is a TTL old, the store must be read first (by verify)
    now[0] = 5.0
    assert check.verified_before(token) is None
    # and a minimum above the token's version is never answered from memory
    store.raise_to("u-1", 1)
    with pytest.raises(InvalidToken, match="revoked"):
        check.verify(token)
    assert check.verified_before(token) is None
