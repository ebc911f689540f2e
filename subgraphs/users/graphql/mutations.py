"""Account writes: decode the input, run one service call inside the request's transaction."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users.graphql.recovery_mutations import RecoveryMutation
from subgraphs.users.graphql.session_mutations import SessionMutation
from subgraphs.users.graphql.types import AuthPayload, RegisterInput

__all__ = ["Mutation"]


def client_address(info: Info) -> str:
    """The caller's address: X-Forwarded-For believed only through the trusted proxies."""
    request = info.context.request
    if request is None or request.client is None:
        return ""
    return info.context.proxies.client(request.client.host,
                                       request.headers.get("x-forwarded-for"))


@strawberry.type
class Mutation(SessionMutation, RecoveryMutation):
    @strawberry.mutation(description="Open a customer account and sign in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        async with info.context.database.transaction() as session:
            signed = await info.context.users.register(session, input.to_domain(),
                                                       address=client_address(info))
        return AuthPayload.from_domain(signed)

    @strawberry.mutation(
        description="Sign in. Unknown email and wrong password fail alike: UNAUTHENTICATED, "
        "'Invalid email or password'; too many failures for the account or the client "
        "address: TOO_MANY_REQUESTS."
    )
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        async with info.context.database.transaction() as session:
            signed = await info.context.users.login(session, email, password,
                                                    client_address(info))
        return AuthPayload.from_domain(signed)
