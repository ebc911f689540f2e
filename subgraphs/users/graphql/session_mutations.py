"""Session mutations: refresh, logout, logout everywhere, password and role changes."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users.domain.errors import RefreshTokenReused
from subgraphs.users.graphql.entities import User
from subgraphs.users.graphql.types import AuthPayload

__all__ = ["SessionMutation"]


@strawberry.type
class SessionMutation:
    @strawberry.mutation(
        description="Spend a refresh token for a new access token and a new refresh token. "
        "A refresh token used twice ends its whole session (UNAUTHENTICATED)."
    )
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        context = info.context
        try:
            async with context.database.transaction() as session:
                signed = await context.users.sessions.rotate(session, refresh_token)
        except RefreshTokenReused as reused:
            # Theft or a replay: revoke the family in a transaction that commits.
            async with context.database.transaction() as session:
                await context.users.sessions.refresh_tokens.revoke_family(session,
                                                                          reused.family_id)
            raise
        return AuthPayload.from_domain(signed)

    @strawberry.mutation(description="End the session of this refresh token; always true.")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        async with info.context.database.transaction() as session:
            await info.context.users.sessions.end(session, refresh_token)
        return True

    @strawberry.mutation(
        description="End every session of the signed-in user: refresh tokens revoked, access "
        "tokens refused within seconds (token version)."
    )
    async def logout_everywhere(self, info: Info) -> bool:
        principal = info.context.require_user()
        async with info.context.database.transaction() as session:
            bump = await info.context.accounts.logout_everywhere(session, principal.id)
        await info.context.revocations.publish(bump)
        return True

    @strawberry.mutation(
        description="Change the signed-in user's password: every other session ends; "
        "returns a fresh one."
    )
    async def change_password(self, info: Info, current_password: str,
                              new_password: str) -> AuthPayload:
        principal = info.context.require_user()
        async with info.context.database.transaction() as session:
            signed, bump = await info.context.accounts.change_password(
                session, principal.id, current_password, new_password)
        await info.context.revocations.publish(bump)
        return AuthPayload.from_domain(signed)

    @strawberry.mutation(
        description="Admins: set a user's roles (`customer`, `admin`); the user's sessions end."
    )
    async def set_user_roles(self, info: Info, user_id: strawberry.ID,
                             roles: list[str]) -> User:
        info.context.require_role("admin")
        async with info.context.database.transaction() as session:
            record, bump = await info.context.accounts.set_roles(session, str(user_id), roles)
        await info.context.revocations.publish(bump)
        return User.from_record(record, disclosed=True)
