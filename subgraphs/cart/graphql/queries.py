"""Cart reads: the caller's own cart (signed in, or a guest by X-Cart-Id)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.cart.graphql import caller
from subgraphs.cart.graphql.types import Cart

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(
        description="The signed-in user's cart, or the guest cart named by the X-Cart-Id "
        "header; null for a guest without one."
    )
    async def cart(self, info: Info) -> Cart | None:
        key = caller.request_cart(info, create=False)
        if key is None:
            return None
        return Cart.from_domain(await info.context.carts.view(key, caller.catalog(info)))
