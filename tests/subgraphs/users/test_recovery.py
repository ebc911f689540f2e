"""Password reset and email verification: tokens leave through the outbox (for notifications),
work once, expire, end every session, and asking reveals nothing about an account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from streaming.events import Envelope, decode
from subgraphs.users.domain.models import OUTBOX, OneTimeToken
from tests.subgraphs.users.harness import PASSWORD, Harness

REQUEST = 'mutation($e: String!) { requestPasswordReset(email: $e) }'
RESET = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }"
ME = "{ me { id emailVerified } }"


async def events(app: Harness, kind: str) -> list[Envelope]:
    async with app.services.database.engine.connect() as conn:
        rows = (await conn.execute(select(OUTBOX.c.value).order_by(OUTBOX.c.id))).all()
    return [e for e in (decode(row.value) for row in rows) if e.type == kind]


async def reset_token(app: Harness, email: str = "ada@example.com") -> str:
    assert await app.gql(REQUEST, {"e": email}) == {"data": {"requestPasswordReset": True}}
    return (await events(app, "PasswordResetRequested"))[-1].payload.token


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_a_reset_token_sets_a_new_password_once_and_ends_every_session(
    app: Harness,
) -> None:
    # given a signed-in user who asks for a reset
    session = await app.registered("ada@example.com")
    token = await reset_token(app)
    # when the emailed token is used
    done = await app.gql(RESET, {"t": token, "p": "brand-new-pass-9"})
    # then the new password works, the old one and the old access token do not
    assert done == {"data": {"resetPassword": True}}
    assert "errors" not in await app.login("ada@example.com", "brand-new-pass-9")
    assert code(await app.login("ada@example.com", PASSWORD)) == "UNAUTHENTICATED"
    assert code(await app.gql(ME, token=session["token"])) == "UNAUTHENTICATED"
    # and the token is spent
    again = await app.gql(RESET, {"t": token, "p": "another-pass-10"})
    assert code(again) == "BAD_USER_INPUT"


async def test_an_expired_reset_token_is_refused(app: Harness) -> None:
    await app.registered("ada@example.com")
    token = await reset_token(app)
    async with app.services.database.transaction() as db:
        await db.execute(update(OneTimeToken).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert code(await app.gql(RESET, {"t": token, "p": "brand-new-pass-9"})) == "BAD_USER_INPUT"
    assert "errors" not in await app.login("ada@example.com", PASSWORD)


async def test_asking_for_an_unknown_email_answers_the_same_and_sends_nothing(
    app: Harness,
) -> None:
    await app.registered("ada@example.com")
    known = await app.gql(REQUEST, {"e": "ada@example.com"})
    unknown = await app.gql(REQUEST, {"e": "nobody@example.com"})
    assert known == unknown == {"data": {"requestPasswordReset": True}}
    assert len(await events(app, "PasswordResetRequested")) == 1


async def test_only_the_hash_of_a_reset_token_is_stored(app: Harness) -> None:
    await app.registered("ada@example.com")
    token = await reset_token(app)
    async with app.services.database.sessions() as db:
        stored = list(await db.scalars(select(OneTimeToken.token_hash)))
    assert stored and token not in stored


async def test_email_verification_token_marks_the_email_verified(app: Harness) -> None:
    # given a user who asks for verification
    session = await app.registered("ada@example.com")
    asked = await app.gql("mutation { requestEmailVerification }", token=session["token"])
    assert asked == {"data": {"requestEmailVerification": True}}
    [event] = await events(app, "EmailVerificationRequested")
    assert event.payload.email == "ada@example.com"
    assert (await app.gql(ME, token=session["token"]))["data"]["me"]["emailVerified"] is False
    # when the emailed token comes back
    verify = "mutation($t: String!) { verifyEmail(token: $t) }"
    assert await app.gql(verify, {"t": event.payload.token}) == {"data": {"verifyEmail": True}}
    # then the email is verified, and the token cannot be used again
    assert (await app.gql(ME, token=session["token"]))["data"]["me"]["emailVerified"] is True
    assert code(await app.gql(verify, {"t": event.payload.token})) == "BAD_USER_INPUT"
