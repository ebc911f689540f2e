"""The ``User`` entity (``@key(fields: "id")``, owned by users); this subgraph adds ``cart``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.cart.graphql import caller
from subgraphs.cart.graphql.types import Cart
from subgraphs.kit.errors import Forbidden

__all__ = ["User"]


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field(description="The user's cart. The user themself or an admin only.")
    async def cart(self, info: Info) -> Cart:
        viewer = info.context.require_user()
        if viewer.id != str(self.id) and not viewer.is_admin:
            raise Forbidden("Only the user themself or an admin may see this cart")
        key = caller.user_cart(str(self.id))
        return Cart.from_domain(await info.context.carts.view(key, caller.catalog(info)))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        # Federation spec, _entities: any user id is a valid reference; whether the caller may
        # read that user's cart is decided when the field is resolved.
        return cls(id=id)
