"""GraphQL inputs and payloads of the users subgraph (names fixed by DESIGN.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.users.domain.records import Registration, SignedIn
from subgraphs.users.graphql.entities import User

__all__ = ["AuthPayload", "RegisterInput"]


@strawberry.input(description="A new customer account.")
class RegisterInput:
    email: str = strawberry.field(description="Trimmed and lowercased; must be unused.")
    password: str = strawberry.field(
        description="8 to 72 bytes (UTF-8), letters and digits, not the email address."
    )
    full_name: str
    phone: str | None = strawberry.field(
        default=None, description="E.164, e.g. +14155550123; blank means none."
    )

    def to_domain(self) -> Registration:
        return Registration(self.email, self.password, self.full_name, self.phone)


@strawberry.type(
    description="A signed-in user: a short-lived access token (EdDSA JWT, verified through "
    "users' JWKS; 15 min by default) and an opaque refresh token for `refreshToken`."
)
class AuthPayload:
    token: str = strawberry.field(description="Bearer access token.")
    expires_at: datetime = strawberry.field(description="When `token` expires.")
    user: User
    refresh_token: str = strawberry.field(
        description="Single-use: `refreshToken` spends it and returns a new one; presenting a "
        "spent one again ends the whole session."
    )
    refresh_token_expires_at: datetime

    @classmethod
    def from_domain(cls, signed: SignedIn) -> AuthPayload:
        user = User.from_record(signed.user, disclosed=True)
        return cls(token=signed.token, expires_at=signed.expires_at, user=user,
                   refresh_token=signed.refresh_token,
                   refresh_token_expires_at=signed.refresh_expires_at)
