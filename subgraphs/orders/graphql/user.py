"""The ``User`` entity (``@key(fields: "id")``, owned by users); this subgraph adds ``orders``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.kit.errors import Forbidden
from subgraphs.orders.graphql.connection import OrderConnection

__all__ = ["User"]


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field(description="The user's orders, newest first. The user or an admin only.")
    async def orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> OrderConnection:
        viewer = info.context.require_user()
        if viewer.id != str(self.id) and not viewer.is_admin:
            raise Forbidden("Only the user themself or an admin may see these orders")
        async with info.context.database.reads() as session:
            page = await info.context.reads.page(session, str(self.id), first, after)
        return OrderConnection.from_page(page)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        # Federation spec, _entities: any user id is a valid reference; whether the caller may
        # read that user's orders is decided when the field is resolved.
        return cls(id=id)
