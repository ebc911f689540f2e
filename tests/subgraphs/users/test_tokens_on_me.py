"""``me`` refuses every token the shared secret did not sign, still-valid, with HS256."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from subgraphs.kit.tokens import Principal, issue_token
from tests.subgraphs.users.harness import Harness

ME = "{ me { id email } }"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def expired(app: Harness, principal: Principal) -> str:
    issued = datetime.now(UTC) - timedelta(hours=25)
    return issue_token(principal, app.settings.jwt_secret, now=issued)[0]


def tampered(app: Harness, principal: Principal) -> str:
    header, _payload, signature = issue_token(principal, app.settings.jwt_secret)[0].split(".")
    claims = jwt.decode(issue_token(principal, app.settings.jwt_secret)[0],
                        options={"verify_signature": False})
    return ".".join([header, _b64({**claims, "roles": ["admin"]}), signature])


def other_key(app: Harness, principal: Principal) -> str:
    return issue_token(principal, "another-secret-that-is-long-enough-0123456789")[0]


def alg_none(app: Harness, principal: Principal) -> str:
    claims = jwt.decode(issue_token(principal, app.settings.jwt_secret)[0],
                        options={"verify_signature": False})
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def garbage(app: Harness, principal: Principal) -> str:
    return "not.a.jwt"


@pytest.mark.parametrize("forge", [expired, tampered, other_key, alg_none, garbage])
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
                        app.settings.jwt_secret)[0]
    assert await app.gql(ME, token=token) == {"data": {"me": None}}
