"""Refresh tokens rotate, a replay ends the session, and credential changes revoke tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from subgraphs.users.domain.models import RefreshToken
from tests.subgraphs.users.harness import PASSWORD, Harness

SESSION = "token refreshToken refreshTokenExpiresAt user { id }"
LOGIN = f"mutation($e: String!, $p: String!) {{ login(email: $e, password: $p) {{ {SESSION} }} }}"
REFRESH = f"mutation($r: String!) {{ refreshToken(refreshToken: $r) {{ {SESSION} }} }}"
LOGOUT = "mutation($r: String!) { logout(refreshToken: $r) }"
ME = "{ me { id roles } }"


async def signed_in(app: Harness, email: str = "ada@example.com") -> dict[str, Any]:
    await app.registered(email)
    result = await app.gql(LOGIN, {"e": email, "p": PASSWORD})
    assert "errors" not in result, result
    return result["data"]["login"]


async def refresh(app: Harness, token: str) -> dict[str, Any]:
    return await app.gql(REFRESH, {"r": token})


def code(result: dict[str, Any]) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_a_refresh_token_buys_a_new_pair_and_is_stored_only_hashed(app: Harness) -> None:
    # given a signed-in user
    session = await signed_in(app)
    # when they refresh
    renewed = (await refresh(app, session["refreshToken"]))["data"]["refreshToken"]
    # then a new access token works and the refresh token changed
    assert renewed["refreshToken"] != session["refreshToken"]
    assert (await app.gql(ME, token=renewed["token"]))["data"]["me"]["id"] == session["user"]["id"]
    # and the database holds no raw refresh token
    async with app.services.database.sessions() as db:
        hashes = set(await db.scalars(select(RefreshToken.token_hash)))
    assert session["refreshToken"] not in hashes and renewed["refreshToken"] not in hashes


async def test_replaying_a_spent_refresh_token_revokes_the_whole_family(app: Harness) -> None:
    # given a session refreshed once (the thief holds the first token, the user the second)
    session = await signed_in(app)
    renewed = (await refresh(app, session["refreshToken"]))["data"]["refreshToken"]
    # when the first token is presented again
    replay = await refresh(app, session["refreshToken"])
    # then it is refused, and so is the legitimate successor: the family is revoked
    assert code(replay) == "UNAUTHENTICATED"
    assert code(await refresh(app, renewed["refreshToken"])) == "UNAUTHENTICATED"


async def test_logout_ends_only_that_session(app: Harness) -> None:
    # given two sessions of one user
    first = await signed_in(app)
    second = (await app.gql(LOGIN, {"e": "ada@example.com", "p": PASSWORD}))["data"]["login"]
    # when the first logs out
    assert (await app.gql(LOGOUT, {"r": first["refreshToken"]}))["data"] == {"logout": True}
    # then its refresh token is dead and the other still refreshes
    assert code(await refresh(app, first["refreshToken"])) == "UNAUTHENTICATED"
    assert "errors" not in await refresh(app, second["refreshToken"])


async def test_changing_the_password_refuses_the_old_access_and_refresh_tokens(
    app: Harness,
) -> None:
    # given a session
    session = await signed_in(app)
    # when the password changes
    change = await app.gql(
        f'mutation {{ changePassword(currentPassword: "{PASSWORD}", '
        f'newPassword: "another-pass-77") {{ {SESSION} }} }}', token=session["token"])
    fresh = change["data"]["changePassword"]
    # then the old access token and refresh token are refused, the new pair works
    assert code(await app.gql(ME, token=session["token"])) == "UNAUTHENTICATED"
    assert code(await refresh(app, session["refreshToken"])) == "UNAUTHENTICATED"
    assert (await app.gql(ME, token=fresh["token"]))["data"]["me"]["id"] == session["user"]["id"]
    assert "errors" not in await app.login("ada@example.com", "another-pass-77")


async def test_a_role_change_refuses_the_users_old_access_token(app: Harness) -> None:
    # given an admin and a customer with a live access token
    customer = await signed_in(app, "bob@example.com")
    admin = await signed_in(app, "root@example.com")
    async with app.services.database.transaction() as db:
        _, bump = await app.services.accounts.set_roles(db, admin["user"]["id"],
                                                        ["admin", "customer"])
    await app.services.revocations.publish(bump)
    admin_token = (await app.gql(LOGIN, {"e": "root@example.com", "p": PASSWORD})
                   )["data"]["login"]["token"]
    # when the admin changes the customer's roles
    changed = await app.gql(
        f'mutation {{ setUserRoles(userId: "{customer["user"]["id"]}", roles: ["admin"]) '
        '{ id roles } }', token=admin_token)
    assert changed["data"]["setUserRoles"]["roles"] == ["admin"]
    # then the customer's old token (which says "customer") no longer works
    assert code(await app.gql(ME, token=customer["token"])) == "UNAUTHENTICATED"


async def test_logout_everywhere_refuses_every_outstanding_token(app: Harness) -> None:
    session = await signed_in(app)
    done = await app.gql("mutation { logoutEverywhere }", token=session["token"])
    assert done == {"data": {"logoutEverywhere": True}}
    assert code(await app.gql(ME, token=session["token"])) == "UNAUTHENTICATED"
    assert code(await refresh(app, session["refreshToken"])) == "UNAUTHENTICATED"


async def test_only_admins_set_roles(app: Harness) -> None:
    session = await signed_in(app)
    result = await app.gql(
        f'mutation {{ setUserRoles(userId: "{session["user"]["id"]}", roles: ["admin"]) '
        '{ id } }', token=session["token"])
    assert code(result) == "FORBIDDEN"
