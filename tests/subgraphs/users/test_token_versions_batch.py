"""users' batch token-version route: every verifier's users in one request, for trusted services
only (the service token of kit.service_auth); the one-user route keeps answering."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from common.auth.service_keys import load_private_key
from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceTokenIssuer
from subgraphs.users.domain.models import User
from subgraphs.users.version_routes import MAX_SUBJECTS
from tests.subgraphs.users.harness import PASSWORD, REGISTER, Harness

BATCH = "/auth/token-versions"


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


@pytest.mark.timeout(60)
async def test_a_trusted_service_reads_many_users_minimums_in_one_request(
        users: Harness, keys: Path) -> None:
    # given ada, whose version was bumped to 3, and an id nobody has
    ada_id = await registered(users, keys)
    async with users.services.database.transaction() as session:
        await session.execute(update(User).where(User.id == ada_id).values(token_version=3))
    single = (await users.client.get(f"{BATCH}/{ada_id}")).json()["minimum"]
    # when the gateway asks for both at once
    answer = await ask(users, [ada_id, "nobody"], token(keys, "gateway"))
    # then each has the minimum the one-user route gives, 0 for the unknown id
    assert answer.status_code == 200
    assert single == 3
    assert answer.json() == {"minimums": {ada_id: 3, "nobody": 0}}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "make_token",
    [lambda keys: None,
     lambda keys: token(keys, "payments"),
     lambda keys: token(keys, "gateway", audience="products"),
     lambda keys: token(keys, "gateway", clock=lambda: time.time() - 3600)],
    ids=["no-token", "untrusted-caller", "another-audience", "expired"])
async def test_the_batch_route_refuses_anyone_but_a_trusted_service(
        users: Harness, keys: Path, make_token: Any) -> None:
    answer = await ask(users, ["nobody"], make_token(keys))
    assert answer.status_code == 401
    assert "minimums" not in answer.json()


@pytest.mark.timeout(60)
async def test_a_batch_over_the_limit_is_refused(users: Harness, keys: Path) -> None:
    answer = await ask(users, [f"u{n}" for n in range(MAX_SUBJECTS + 1)], token(keys, "gateway"))
    assert answer.status_code == 422
