"""users' token-version routes, for trusted services only (the service token of
kit.service_auth): one user's minimum, or every verifier's users in one request."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from common.auth.service_keys import load_private_key
from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceTokenIssuer
from subgraphs.kit.identity import verifier_for
from subgraphs.kit.settings import ServiceSettings, load_settings
from subgraphs.users.domain.models import User
from subgraphs.users.version_routes import MAX_SUBJECTS
from tests.subgraphs.users.harness import PASSWORD, REGISTER, Harness, open_harness

BATCH = "/auth/token-versions"
ROUTES = ["one-user", "batch"]


def token(keys: Path, name: str, audience: str = "users", **options: Any) -> str:
    return ServiceTokenIssuer(name, load_private_key(keys / f"{name}.key"),
                              **options).token_for(audience)


async def registered(users: Harness, keys: Path) -> str:
    variables = {"i": {"email": "ada@example.com", "password": PASSWORD, "fullName": "Ada"}}
    response = await users.client.post("/graphql", json={"query": REGISTER, "variables": variables},
                                        headers={SERVICE_TOKEN_HEADER: token(keys, "gateway")})
    return response.json()["data"]["register"]["user"]["id"]


async def ask(users: Harness, subjects: list[str], service_token: str | None) -> Any:
    headers = {SERVICE_TOKEN_HEADER: service_token} if service_token else {}
    return await users.client.post(BATCH, json={"subjects": subjects}, headers=headers)


async def ask_one(users: Harness, subject: str, service_token: str | None) -> Any:
    headers = {SERVICE_TOKEN_HEADER: service_token} if service_token else {}
    return await users.client.get(f"{BATCH}/{subject}", headers=headers)


@pytest.mark.timeout(60)
async def test_a_trusted_service_reads_many_users_minimums_in_one_request(
        users: Harness, keys: Path) -> None:
    # given ada, whose version was bumped to 3, and an id nobody has
    ada_id = await registered(users, keys)
    async with users.services.database.transaction() as session:
        await session.execute(update(User).where(User.id == ada_id).values(token_version=3))
    single = (await ask_one(users, ada_id, token(keys, "gateway"))).json()["minimum"]
    # when the gateway asks for both at once
    answer = await ask(users, [ada_id, "nobody"], token(keys, "gateway"))
    # then each has the minimum the one-user route gives, 0 for the unknown id
    assert answer.status_code == 200
    assert single == 3
    assert answer.json() == {"minimums": {ada_id: 3, "nobody": 0}}


@pytest.mark.timeout(60)
async def test_a_trusted_service_reads_one_users_minimum(users: Harness, keys: Path) -> None:
    # given ada, whose version was bumped to 2
    ada_id = await registered(users, keys)
    async with users.services.database.transaction() as session:
        await session.execute(update(User).where(User.id == ada_id).values(token_version=2))
    # when notifications, a trusted caller of users, asks for her minimum with its token
    answer = await ask_one(users, ada_id, token(keys, "notifications"))
    # then users answers it
    assert (answer.status_code, answer.json()) == (200, {"minimum": 2})


@pytest.mark.timeout(60)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "make_token",
    [lambda keys: None,
     lambda keys: token(keys, "payments"),
     lambda keys: token(keys, "gateway", audience="products"),
     lambda keys: token(keys, "gateway", clock=lambda: time.time() - 3600)],
    ids=["no-token", "untrusted-caller", "another-audience", "expired"])
async def test_the_version_routes_refuse_anyone_but_a_trusted_service(
        users: Harness, keys: Path, make_token: Any, route: str,
        caplog: pytest.LogCaptureFixture) -> None:
    # given a user whose minimum a stranger wants
    ada_id = await registered(users, keys)
    # when it asks without a token users accepts
    with caplog.at_level(logging.WARNING, logger="users.version_routes"):
        answer = await (ask_one(users, ada_id, make_token(keys)) if route == "one-user"
                        else ask(users, [ada_id], make_token(keys)))
    # then it gets 401 saying why, no minimum, and users logged the refusal
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("ServiceToken")
    assert answer.json().keys() == {"error"}
    logged = [r.getMessage() for r in caplog.records if r.name == "users.version_routes"]
    assert len(logged) == 1 and logged[0].startswith("refused a ")


@pytest.mark.timeout(60)
async def test_a_batch_over_the_limit_is_refused(users: Harness, keys: Path) -> None:
    answer = await ask(users, [f"u{n}" for n in range(MAX_SUBJECTS + 1)], token(keys, "gateway"))
    assert answer.status_code == 422


@pytest.mark.timeout(60)
async def test_a_subgraph_without_redis_asks_users_with_its_own_service_token(
        sqlite_url: str, keys: Path, tmp_path: Path) -> None:
    # given users trusting payments, and payments reading token versions from users (no Redis)
    trust = {"gateway": [], "payments": []}
    payments = load_settings(ServiceSettings, "payments", environment="test", data_dir=tmp_path,
                             jwks_url="http://users/.well-known/jwks.json",
                             service_auth_required=True, service_keys_dir=keys)
    versions = verifier_for(payments).versions
    store = versions.store  # type: ignore[union-attr]
    async with open_harness(sqlite_url, service_auth_required=True, service_keys_dir=keys,
                            trusted_callers=trust) as users:
        # when its lookups reach users with the headers it sends
        one = await users.client.get(f"{BATCH}/nobody", headers=store.credential())
        many = await users.client.post(BATCH, json={"subjects": ["nobody"]},
                                       headers=store.credential())
    versions.close()  # type: ignore[union-attr]
    # then users answers both
    assert (one.status_code, one.json()) == (200, {"minimum": 0})
    assert (many.status_code, many.json()) == (200, {"minimums": {"nobody": 0}})
