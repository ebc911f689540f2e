"""Login failures look the same whether or not the email exists, and cost the same bcrypt work."""

from __future__ import annotations

import logging

import bcrypt
import pytest

from subgraphs.users.domain.passwords import PasswordHasher
from tests.subgraphs.users.harness import PASSWORD, Harness

FAILURE = {"message": "Invalid email or password", "path": ["login"],
           "extensions": {"code": "UNAUTHENTICATED"}}


def failure(result: dict) -> dict:
    """The single error of a failed login, without its source location."""
    assert result["data"] is None and len(result["errors"]) == 1, result
    return {k: v for k, v in result["errors"][0].items() if k != "locations"}


async def test_wrong_password_and_unknown_email_fail_identically(app: Harness) -> None:
    # given one account
    await app.registered("ada@example.com")
    # when logging in with a wrong password, and with an email nobody has
    wrong_password = await app.login("ada@example.com", "wrong-password-1")
    unknown_email = await app.login("nobody@example.com", PASSWORD)
    # then both responses are byte-for-byte the same
    assert wrong_password == unknown_email
    assert failure(wrong_password) == FAILURE


@pytest.mark.parametrize("password", ["", "x" * 100, "a1" * 36 + "extra"])
async def test_odd_passwords_fail_cleanly(app: Harness, password: str) -> None:
    await app.registered("ada@example.com")
    assert failure(await app.login("ada@example.com", password)) == FAILURE


async def test_an_overlong_email_fails_like_any_unknown_email(app: Harness) -> None:
    assert failure(await app.login("x" * 10_000 + "@example.com", PASSWORD)) == FAILURE


async def test_unknown_email_still_runs_one_bcrypt_check(
    app: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a spy on bcrypt's check and a warmed-up hasher (the dummy hash exists)
    await app.registered("ada@example.com")
    calls: list[bytes] = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    # when an unknown email and a known one fail
    await app.login("nobody@example.com", PASSWORD)
    await app.login("ada@example.com", "wrong-password-1")
    # then each ran exactly one bcrypt comparison at the configured cost
    assert len(calls) == 2
    assert all(h.startswith(b"$2b$04$") for h in calls)


async def test_hasher_never_accepts_a_corrupt_hash_or_the_dummy() -> None:
    hasher = PasswordHasher(rounds=4)
    stored = await hasher.hash("secret-pw-1")
    assert await hasher.verify("secret-pw-1", stored)
    assert not await hasher.verify("secret-pw-1", "not-a-bcrypt-hash")
    assert not await hasher.verify("secret-pw-1", None)


async def test_failed_logins_never_write_the_password_to_the_logs(
    app: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # given an inline (not variable) password in a failing login and a failing registration
    inline = 'mutation { login(email: "ada@example.com", password: "inline-secret-9") { token } }'
    weak = (
        'mutation { register(input: {email: "b@example.com", password: "inl1", fullName: "B"})'
        " { token } }"
    )
    with caplog.at_level(logging.DEBUG):
        await app.gql(inline)
        await app.gql(weak)
    # then no log record quotes either password
    assert "inline-secret-9" not in caplog.text
    assert "inl1" not in caplog.text
