"""Reads: the caller's own account."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users.graphql.entities import User, load_user

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(
        description="The signed-in user; null when anonymous. An invalid or expired token "
        "is an UNAUTHENTICATED error, never silently anonymous."
    )
    async def me(self, info: Info) -> User | None:
        principal = info.context.principal
        if principal is None:
            return None
        record = await load_user(info, principal.id)
        return None if record is None else User.from_record(record, disclosed=True)
