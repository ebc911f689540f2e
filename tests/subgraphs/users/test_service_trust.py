"""Services authenticate their callers: the users subgraph with service auth on (issue 15).

A request straight to a subgraph needs a service token from a trusted caller, for this
subgraph, unexpired and signed by that caller's key; users' private fields need the end user,
an admin or a scope the caller holds.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from common.auth.service_keys import generate_key_pair, load_private_key
from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceTokenIssuer
from tests.subgraphs.users.harness import REGISTER, Harness

PII = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { %s } } }"
ADA = {"email": "ada@example.com", "password": "correct-horse-42", "fullName": "Ada Lovelace",
       "phone": "+14155550123"}


def issuer(keys: Path, name: str, **options: Any) -> ServiceTokenIssuer:
    return ServiceTokenIssuer(name, load_private_key(keys / f"{name}.key"), **options)


async def post(users: Harness, query: str, variables: dict[str, Any] | None = None,
               **headers: str) -> tuple[int, dict[str, Any]]:
    response = await users.client.post(
        "/graphql", json={"query": query, "variables": variables or {}},
        headers={k.replace("_", "-"): v for k, v in headers.items()})
    return response.status_code, response.json()


def as_service(token: str) -> dict[str, str]:
    return {SERVICE_TOKEN_HEADER.replace("-", "_"): token}


async def register(users: Harness, keys: Path) -> dict[str, Any]:
    gateway = issuer(keys, "gateway").token_for("users")
    _, body = await post(users, REGISTER, {"i": ADA},
                         **as_service(gateway))
    return body["data"]["register"]


def claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "gateway", "sub": "gateway", "aud": "users", "iat": now, "exp": now + 60}


def hs256(payload: dict[str, Any], secret: bytes) -> str:
    """An HS256 token keyed with ``secret``, made by hand: PyJWT refuses a PEM key as an HMAC
    secret, which is exactly the algorithm-confusion attack being tested."""
    def part(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = head + b"." + part(json.dumps(payload).encode())
    return (signing_input + b"." + part(hmac.digest(secret, signing_input, "sha256"))).decode()


def assert_refused(status: int, body: dict[str, Any], reason: str) -> None:
    assert status == 401
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in error["message"]


async def test_a_direct_call_without_a_service_credential_is_refused(users: Harness) -> None:
    # when a client calls the subgraph directly, with no service token
    status, body = await post(users, "{ _service { sdl } }")
    # then it is refused before anything runs: 401, UNAUTHENTICATED, no data
    assert_refused(status, body, "accepts only authenticated services")


async def test_health_and_readiness_need_no_credential(users: Harness) -> None:
    assert (await users.client.get("/health")).status_code == 200
    assert (await users.client.get("/ready")).status_code == 200


async def test_a_trusted_callers_token_is_accepted(users: Harness, keys: Path) -> None:
    token = issuer(keys, "gateway").token_for("users")
    status, body = await post(users, "{ __typename }", **as_service(token))
    assert (status, body) == (200, {"data": {"__typename": "Query"}})


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda keys: issuer(keys, "gateway").token_for("products"), "not for users"),
        (lambda keys: issuer(keys, "payments").token_for("users"), "not a trusted caller"),
        (lambda keys: issuer(keys, "gateway", clock=lambda: time.time() - 3600)
         .token_for("users"), "expired"),
        (lambda keys: ServiceTokenIssuer("gateway", load_private_key(keys / "notifications.key"))
         .token_for("users"), "invalid"),
        (lambda keys: issuer(keys, "notifications").token_for("users", ["users:roles"]),
         "may not hold scope users:roles"),
        (lambda keys: jwt.encode(claims(), None, algorithm="none"), "invalid"),
        (lambda keys: hs256(claims(), (keys / "gateway.pub").read_bytes()), "invalid"),
    ],
    ids=["another-audience", "untrusted-caller", "expired", "forged-signature",
         "scope-not-granted", "alg-none", "hs256-with-the-public-key"],
)
async def test_a_credential_users_does_not_accept_is_refused(
    users: Harness, keys: Path, make_token: Any, reason: str
) -> None:
    # given a service token that is wrong in exactly one way
    token = make_token(keys)
    # when it is presented to users
    status, body = await post(users, "{ __typename }", **as_service(token))
    # then users refuses it and says why
    assert_refused(status, body, reason)


async def test_a_rogue_key_cannot_stand_in_for_a_trusted_callers(
    users: Harness, tmp_path: Path
) -> None:
    # given a key pair made by someone else, under the gateway's name
    rogue = generate_key_pair(tmp_path / "rogue", "gateway")
    # when its token is presented
    token = ServiceTokenIssuer("gateway", rogue).token_for("users")
    status, body = await post(users, "{ __typename }", **as_service(token))
    # then the signature does not verify
    assert_refused(status, body, "invalid")


def test_a_websocket_upgrade_without_a_credential_is_refused(users: Harness) -> None:
    app = users.client._transport.app  # type: ignore[attr-defined]
    with TestClient(app) as client, pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]):
            pass
    assert refused.value.code == 4401


@pytest.mark.parametrize("field", ["email", "phone", "roles"])
async def test_private_fields_through_entities_need_a_scope(
    users: Harness, keys: Path, field: str
) -> None:
    # given a registered user and the gateway's credential without any end user
    user_id = (await register(users, keys))["user"]["id"]
    reps = {"r": [{"__typename": "User", "id": user_id}]}
    gateway = as_service(issuer(keys, "gateway").token_for("users"))
    # when a private field is read through _entities
    _, body = await post(users, PII % f"id {field}", reps, **gateway)
    # then it is FORBIDDEN
    assert [(e["path"][-1], e["extensions"]["code"]) for e in body["errors"]] == [
        (field, "FORBIDDEN")]


async def test_the_contact_scope_discloses_contact_fields_only(
    users: Harness, keys: Path
) -> None:
    # given notifications' credential with the scope users grants it
    user_id = (await register(users, keys))["user"]["id"]
    reps = {"r": [{"__typename": "User", "id": user_id}]}
    contact = as_service(issuer(keys, "notifications").token_for("users", ["users:contact"]))
    # when it reads the contact fields, then roles
    _, found = await post(users, PII % "email phone fullName", reps, **contact)
    _, roles = await post(users, PII % "roles", reps, **contact)
    # then the contact is disclosed, the roles are not
    assert found == {"data": {"_entities": [
        {"email": ADA["email"], "phone": ADA["phone"], "fullName": ADA["fullName"]}]}}
    assert [e["extensions"]["code"] for e in roles["errors"]] == ["FORBIDDEN"]


async def test_the_end_user_the_request_carries_sees_their_own_fields(
    users: Harness, keys: Path
) -> None:
    # given the gateway's credential and the user's own token
    signed = await register(users, keys)
    reps = {"r": [{"__typename": "User", "id": signed["user"]["id"]}]}
    headers = {**as_service(issuer(keys, "gateway").token_for("users")),
               "authorization": f"Bearer {signed['token']}"}
    # when the gateway resolves that user for them
    _, body = await post(users, PII % "email roles", reps, **headers)
    # then their own private fields resolve
    assert body == {"data": {"_entities": [{"email": ADA["email"], "roles": ["customer"]}]}}
