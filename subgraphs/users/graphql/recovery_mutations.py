"""Password reset and email verification mutations (tokens arrive by email, notifications)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

__all__ = ["RecoveryMutation"]


@strawberry.type
class RecoveryMutation:
    @strawberry.mutation(
        description="Email a password-reset token (30 min, single use) to this address when an "
        "account uses it. Always true: the answer never tells whether the account exists."
    )
    async def request_password_reset(self, info: Info, email: str) -> bool:
        async with info.context.database.transaction() as session:
            await info.context.recovery.request_reset(session, email)
        return True

    @strawberry.mutation(
        description="Set a new password with an emailed reset token; every session of the "
        "account ends. BAD_USER_INPUT (field token) when it is invalid, used or expired."
    )
    async def reset_password(self, info: Info, token: str, new_password: str) -> bool:
        async with info.context.database.transaction() as session:
            bump = await info.context.recovery.reset_password(session, token, new_password)
        await info.context.revocations.publish(bump)
        return True

    @strawberry.mutation(description="Email a verification token (24 h) to the signed-in user.")
    async def request_email_verification(self, info: Info) -> bool:
        principal = info.context.require_user()
        async with info.context.database.transaction() as session:
            await info.context.recovery.request_verification(session, principal.id)
        return True

    @strawberry.mutation(description="Mark the email verified with an emailed token.")
    async def verify_email(self, info: Info, token: str) -> bool:
        async with info.context.database.transaction() as session:
            await info.context.recovery.verify_email(session, token)
        return True
