"""Account writes: decode the input, run one service call inside the request's transaction."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users.graphql.types import AuthPayload, RegisterInput

__all__ = ["Mutation"]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Open a customer account and sign in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        async with info.context.database.transaction() as session:
            signed = await info.context.users.register(session, input.to_domain())
        return AuthPayload.from_domain(signed)

    @strawberry.mutation(
        description="Sign in. Unknown email and wrong password fail alike: UNAUTHENTICATED, "
        "'Invalid email or password'."
    )
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        async with info.context.database.transaction() as session:
            signed = await info.context.users.login(session, email, password)
        return AuthPayload.from_domain(signed)
