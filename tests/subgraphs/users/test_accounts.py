"""Register, log in and read ``me`` over HTTP; duplicates are refused, even when racing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.subgraphs.users.harness import PASSWORD, Harness, errors_of, open_harness

ME = "{ me { id email fullName phone roles } }"


async def test_registered_user_logs_in_and_reads_me(app: Harness) -> None:
    # given a new customer registers with a messy email and a phone
    registered = await app.registered("  Ada@Example.COM ", fullName=" Ada  Lovelace ",
                                      phone="+14155550123")
    # when they log in with the email typed differently and ask for me with the token
    login = await app.login("ADA@example.com", PASSWORD)
    me = await app.gql(ME, token=login["data"]["login"]["token"])
    # then both payloads describe the same normalised customer
    expected = {"id": registered["user"]["id"], "email": "ada@example.com",
                "fullName": "Ada Lovelace", "phone": "+14155550123", "roles": ["customer"]}
    assert registered["user"] == expected
    assert login["data"]["login"]["user"] == expected
    assert me == {"data": {"me": expected}}


async def test_issued_token_carries_the_agreed_claims_and_expires_in_15_minutes(
    app: Harness,
) -> None:
    # given a registration
    payload = await app.registered()
    # when the token is decoded with the public key users publishes at its JWKS URL
    jwks = (await app.client.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(payload["token"])["kid"]
    key = next(jwt.PyJWK.from_dict(k) for k in jwks["keys"] if k["kid"] == kid)
    claims = jwt.decode(payload["token"], key.key, algorithms=["EdDSA"],
                        audience="federated-shop", issuer="federated-shop/users")
    # then it carries sub, email, name, roles, a version, nbf, and expires when expiresAt says
    assert {k: claims[k] for k in ("sub", "email", "name", "roles", "ver")} == {
        "sub": payload["user"]["id"], "email": "ada@example.com", "name": "Ada Lovelace",
        "roles": ["customer"], "ver": 0,
    }
    assert claims["nbf"] == claims["iat"]
    expires_at = datetime.fromisoformat(payload["expiresAt"])
    assert expires_at.tzinfo is not None
    assert int(expires_at.timestamp()) == claims["exp"]
    assert abs(expires_at - datetime.now(UTC) - timedelta(minutes=15)) < timedelta(minutes=1)


async def test_anonymous_me_is_null(app: Harness) -> None:
    assert await app.gql(ME) == {"data": {"me": None}}


async def test_duplicate_email_in_any_case_is_bad_user_input(app: Harness) -> None:
    # given an account
    await app.registered("ada@example.com")
    # when someone registers the same address, differently cased and padded
    again = await app.register(" ADA@Example.com")
    # then it is refused on the email field, and the first password still works
    assert again["data"] is None
    assert errors_of(again) == [("BAD_USER_INPUT", "email")]
    assert "already exists" in again["errors"][0]["message"]
    assert "errors" not in await app.login("ada@example.com", PASSWORD)


@pytest.mark.integration
async def test_concurrent_registrations_of_one_email_create_one_account(postgres_url: str) -> None:
    # given the users app on the real PostgreSQL
    async with open_harness(postgres_url) as app:
        # when eight clients register the same email at once
        results = await asyncio.gather(*(app.register("race@example.com") for _ in range(8)))
        # then exactly one succeeds and every other one gets the duplicate error
        winners = [r for r in results if r.get("data")]
        losers = [errors_of(r) for r in results if not r.get("data")]
        assert len(winners) == 1
        assert losers == [[("BAD_USER_INPUT", "email")]] * 7
        async with app.services.database.sessions() as session:
            found = await app.services.users.repository.emails_present(
                session, ["race@example.com"]
            )
        assert found == {"race@example.com"}


async def test_token_versions_answer_for_a_quoted_subject_holding_a_slash(app: Harness) -> None:
    # HttpVersions quotes the subject into one segment; the route used to 404 on its '/'.
    registered = await app.registered()
    known = await app.client.get(f"/auth/token-versions/{registered['user']['id']}")
    odd = await app.client.get("/auth/token-versions/oauth%7Cteam%2F..%2Fx")
    assert known.status_code == 200 and known.json()["minimum"] >= 0
    assert (odd.status_code, odd.json()) == (200, {"minimum": 0})
