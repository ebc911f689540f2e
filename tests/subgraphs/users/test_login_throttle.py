"""Brute force is throttled per account and per client address; no account enumeration."""

from __future__ import annotations

import pytest

from streaming.broker import free_port
from tests.subgraphs.users.harness import PASSWORD, Harness, open_harness

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


def outcome(result: dict) -> tuple[str, str]:
    [error] = result["errors"]
    return error["extensions"]["code"], error["message"]


async def test_an_unknown_email_and_a_wrong_password_fail_alike(app: Harness) -> None:
    await app.registered("ada@example.com")
    known = await app.gql(LOGIN, {"e": "ada@example.com", "p": "wrong-pass-1"})
    unknown = await app.gql(LOGIN, {"e": "nobody@example.com", "p": "wrong-pass-1"})
    assert outcome(known) == outcome(unknown) == ("UNAUTHENTICATED", "Invalid email or password")


async def test_repeated_failures_throttle_the_account_even_with_the_right_password(
    app: Harness,
) -> None:
    # given an account attacked with wrong passwords up to the limit (5 by default)
    await app.registered("ada@example.com")
    for _ in range(5):
        await app.gql(LOGIN, {"e": "ada@example.com", "p": "guess-123"})
    # when the right password comes next
    result = await app.gql(LOGIN, {"e": "ada@example.com", "p": PASSWORD})
    # then it is refused as throttled, and an unknown email is throttled the same way
    assert result["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"
    for _ in range(5):
        await app.gql(LOGIN, {"e": "ghost@example.com", "p": "guess-123"})
    ghost = await app.gql(LOGIN, {"e": "ghost@example.com", "p": "guess-123"})
    assert outcome(ghost) == outcome(result)


@pytest.mark.integration
async def test_a_client_address_is_throttled_across_accounts_behind_a_trusted_proxy(
    sqlite_url: str, redis_url: str, unique_namespace: str,
) -> None:
    # given users behind a trusted proxy, counting in the real Redis, 3 failures per address
    options = {"login_max_failures_per_address": 3, "redis_url": redis_url,
               "throttle_namespace": unique_namespace, "trusted_proxies": "127.0.0.1/32"}
    async with open_harness(sqlite_url, **options) as app:
        await app.registered("ada@example.com")

        async def login(email: str, client: str, password: str = "guess-123") -> dict:
            response = await app.client.post(
                "/graphql", json={"query": LOGIN, "variables": {"e": email, "p": password}},
                headers={"x-forwarded-for": client})
            return response.json()

        # when one client address tries three different accounts
        for n in range(3):
            await login(f"victim{n}@example.com", "203.0.113.7")
        # then that address is throttled even for a real account, another address is not
        throttled = await login("ada@example.com", "203.0.113.7", PASSWORD)
        other = await login("ada@example.com", "198.51.100.1", PASSWORD)
    assert throttled["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"
    assert "errors" not in other


async def test_probing_emails_through_register_is_throttled_per_address(sqlite_url: str) -> None:
    # given users allowing 2 failures per client address
    async with open_harness(sqlite_url, login_max_failures_per_address=2) as app:
        await app.registered("ada@example.com")
        # when one address registers two taken emails
        for _ in range(2):
            assert (await app.register("ada@example.com"))["errors"]
        # then its next registration, even of a free email, is throttled
        result = await app.register("new@example.com")
    assert result["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"


async def test_logins_still_work_when_the_throttles_redis_is_unreachable(sqlite_url: str) -> None:
    # given users whose throttle counts in a Redis nobody listens on
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with open_harness(sqlite_url, redis_url=dead) as app:
        await app.registered("ada@example.com")
        # when the user logs in, then it works (unthrottled) instead of failing for everyone
        assert "errors" not in await app.login("ada@example.com", PASSWORD)
        assert (await app.gql(LOGIN, {"e": "ada@example.com", "p": "bad-pass-1"})
                )["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
